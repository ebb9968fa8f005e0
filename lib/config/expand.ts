/**
 * `${VAR}` and `$VAR` expansion of values from the environment (design §4), as ComPlexionist
 * does it, with two differences: an unset variable is an error rather than an empty string
 * (a sync with an empty token fails far less clearly), and `$$` writes a literal `$`.
 * A `$` not followed by a name, `{` or `$` is kept as it is.
 */

import { ConfigError } from "../errors.ts";
import type { Env } from "./types.ts";

export interface Where {
  file: string;
  section: string;
  key: string;
  /** Line in the file, when the value came from it. */
  line?: number;
  /** Environment variable the value came from, when it overrides the file. */
  fromEnv?: string;
}

export interface Expanded {
  value: string;
  /** Names of the variables used, for messages such as "empty after expanding $X". */
  variables: string[];
  /** Those of `variables` written `$NAME`, without braces. */
  bare?: string[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Keys whose values are secrets: a `$` in one may be part of the secret, not a reference. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  "token",
  "client_secret",
  "access_token",
  "refresh_token",
]);

/**
 * Whether a message may repeat the name of a variable: always, except one written `$NAME`
 * (without braces) in a secret. There a `$` followed by letters may just be a `$` of the token,
 * and the "name" the rest of it; `${NAME}` says it is a variable unmistakably.
 */
export function mayNameVariable(key: string, braced: boolean): boolean {
  return braced || !SECRET_KEYS.has(key.toLowerCase());
}
const NAME_START_RE = /[A-Za-z_]/;
const NAME_CHAR_RE = /[A-Za-z0-9_]/;

/** "(line 3)" or "(from $TRAKT_CLIENT_ID)", for the problem part of a ConfigError. */
export function origin(where: Where): string {
  if (where.fromEnv) return ` (from $${where.fromEnv})`;
  return where.line !== undefined ? ` (line ${where.line})` : "";
}

export function configError(where: Where, problem: string, fix: string): ConfigError {
  return new ConfigError(where.file, where.section, where.key, problem + origin(where), fix);
}

export function expandVariables(raw: string, env: Env, where: Where): Expanded {
  if (raw.includes("\n")) {
    // configparser's continuation lines: fine in ComPlexionist's sections, never in a URL,
    // token, name or id of ours.
    throw configError(
      where,
      "spans several lines: a line indented deeper than this key continues its value",
      "Write the value on one line, and indent a setting of its own no deeper than the others.",
    );
  }
  let out = "";
  const variables: string[] = [];
  const bare: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i];
    if (ch !== "$") {
      out += ch;
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
      continue;
    }
    let name: string;
    const braced = next === "{";
    if (braced) {
      const close = raw.indexOf("}", i + 2);
      if (close < 0) {
        throw configError(
          where,
          "the value has a `${` without a closing `}`",
          "Write ${NAME} or $NAME to use an environment variable, or $$ for a literal $.",
        );
      }
      name = raw.slice(i + 2, close);
      if (!NAME_RE.test(name)) {
        throw configError(
          where,
          "the value has `${…}` around something that is not a variable name",
          "Use letters, digits and _ (not starting with a digit) between ${ and }, " +
            "or $$ for a literal $.",
        );
      }
      i = close + 1;
    } else if (next !== undefined && NAME_START_RE.test(next)) {
      let end = i + 1;
      while (end < raw.length && NAME_CHAR_RE.test(raw[end] ?? "")) end++;
      name = raw.slice(i + 1, end);
      i = end;
    } else {
      out += "$";
      i++;
      continue;
    }
    const value = env[name];
    if (value === undefined) {
      if (!mayNameVariable(where.key, braced)) {
        throw configError(
          where,
          "uses an environment variable that is not set (a `$` followed by a name reads one; " +
            "the name is not repeated here, as it may be part of the secret)",
          "Write $$ for a $ that is part of the value itself, or set the variable " +
            "(${NAME} names it unmistakably).",
        );
      }
      throw configError(
        where,
        `uses the environment variable ${name}, which is not set`,
        `Set ${name} or edit the value.`,
      );
    }
    variables.push(name);
    if (!braced) bare.push(name);
    out += value;
  }
  return bare.length > 0 ? { value: out, variables, bare } : { value: out, variables };
}
