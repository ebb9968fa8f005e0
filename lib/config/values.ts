/**
 * Validators for single values. None of them ever repeats the value in a message: a URL may
 * carry credentials and the rest are tokens, so messages say "the value" and give the line.
 */

import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { configError, type Where } from "./expand.ts";
import type { Env } from "./types.ts";

/** `name`, `url`: "empty after expanding $X" reads better than "empty" when a variable is used. */
function emptyProblem(variables: readonly string[]): string {
  return variables.length > 0
    ? `is empty after expanding ${variables.map((v) => "$" + v).join(", ")}`
    : "is empty";
}

function emptyFix(variables: readonly string[], fix: string): string {
  return variables.length > 0 ? `Set ${variables.join(", ")} to a non-empty value or ${fix}` : fix;
}

/** An http(s) base URL: lower-cased scheme and host, no trailing slash, no query or fragment. */
export function parseHttpUrl(
  where: Where,
  value: string,
  variables: readonly string[],
  example: string,
): string {
  const fix = `Use a full URL such as ${example}.`;
  const v = value.trim();
  if (v === "") throw configError(where, emptyProblem(variables), emptyFix(variables, fix));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    throw configError(where, "the value must start with http:// or https://", fix);
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw configError(where, "the value is not a valid URL", fix);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw configError(where, "the value must start with http:// or https://", fix);
  }
  if (url.username !== "" || url.password !== "") {
    throw configError(
      where,
      "the value must not contain a user name or password",
      `Remove the user:password@ part. ${fix}`,
    );
  }
  if (url.search !== "" || url.hash !== "" || v.endsWith("?") || v.endsWith("#")) {
    throw configError(
      where,
      "the value must not contain a query (?…) or fragment (#…)",
      `Remove everything from the ? or #. ${fix}`,
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/**
 * A token, client id or secret: printable ASCII without spaces (it goes into an HTTP header,
 * where anything else makes fetch throw). The example file's `your_…` placeholders are refused.
 */
export function parseSecret(
  where: Where,
  value: string,
  variables: readonly string[],
  fix: string,
): string {
  const v = value.trim();
  if (v === "") throw configError(where, emptyProblem(variables), emptyFix(variables, fix));
  if (/\s[;#]/.test(v)) {
    // configparser keeps an inline `; note` as part of the value, as this reader does.
    throw configError(
      where,
      "the value contains spaces: a ; or # after a value is part of it, not a comment",
      `Put the comment on a line of its own. ${fix}`,
    );
  }
  if (/\s/.test(v)) throw configError(where, "the value contains spaces", fix);
  if (!/^[\x21-\x7e]+$/.test(v)) {
    throw configError(
      where,
      "the value contains characters that cannot be sent in an HTTP header",
      fix,
    );
  }
  if (/^your[_-]/i.test(v)) {
    throw configError(where, "the value is still the placeholder from the example file", fix);
  }
  return v;
}

/**
 * Shorter than this, a token or secret is implausible (Plex tokens have 20 characters, Trakt's
 * secrets and tokens 64) and too generic to hide everywhere it appears: `redact` hides it only
 * where it stands alone, not inside a longer word.
 */
export const MIN_SECRET_LENGTH = 6;

/**
 * A warning for a token or secret too short to be real (a value cut short when pasted, say),
 * or undefined. It is still used: the server decides, and says so if it is wrong. `label` names
 * the setting ("/path/complexionist.ini [plex:0] token"), `usual` what a real one looks like.
 */
export function shortSecretWarning(
  label: string,
  value: string,
  usual: string,
): string | undefined {
  if (value.length >= MIN_SECRET_LENGTH) return undefined;
  return `${label} is only ${value.length} character${value.length === 1 ? "" : "s"} long, ` +
    `where ${usual}: check that it was copied whole. A value this short is hidden from output ` +
    "only where it stands alone";
}

const TRUE = new Set(["1", "yes", "true", "on"]);
const FALSE = new Set(["0", "no", "false", "off"]);

/** configparser's booleans: 1/yes/true/on and 0/no/false/off, any case. */
export function parseBool(where: Where, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw configError(
    where,
    "the value is not true or false",
    "Write true or false (yes/no, on/off and 1/0 work too).",
  );
}

/** A whole number in [min, max]. */
export function parseInteger(where: Where, value: string, min: number, max: number): number {
  const v = value.trim();
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw configError(
      where,
      `the value is not a whole number from ${min} to ${max}`,
      `Write a whole number from ${min} to ${max}, without units.`,
    );
  }
  return n;
}

/**
 * The user's home: $HOME, else %USERPROFILE% (Windows), else the account's home directory
 * (a systemd system service may run without HOME).
 */
export function homeDir(env: Env): string {
  return nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir();
}

/** An environment value, with "set but empty" treated as unset (as systemd's Environment=X= ). */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Expands a leading `~` or `~/` and makes the path absolute against `base`. */
export function resolvePath(path: string, home: string, base: string): string {
  let p = path.trim();
  if (p === "~") p = home;
  else if (p.startsWith("~/") || p.startsWith("~\\")) p = join(home, p.slice(2));
  return isAbsolute(p) ? resolve(p) : resolve(base, p);
}
