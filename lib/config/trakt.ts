/**
 * `[trakt]` and the store path (design §4, §5).
 *
 * Precedence for each setting: the environment override (TRAKT_CLIENT_ID, TRAKT_CLIENT_SECRET,
 * TRAKT_API_URL, TRAKT_AUTH_URL, COMPLEXIONIST_STORE; set-but-empty counts as unset), then the
 * file, then the default. `write_interval_ms` below 1100 is raised to 1100 when the API host is
 * Trakt's own (trakt.tv or any *.trakt.tv, staging included): Trakt allows one write per second
 * per user. Other hosts (the emulator) may use any value.
 */

import { dirname } from "node:path";
import { ConfigError } from "../errors.ts";
import { configError, expandVariables, type Where } from "./expand.ts";
import type { IniDocument, IniSection } from "./ini.ts";
import { TRAKT_KEYS } from "./keys.ts";
import type { Config, Env, LegacyTraktTokens, TraktConfig, TraktSettings } from "./types.ts";
import {
  homeDir,
  nonEmpty,
  parseHttpUrl,
  parseInteger,
  parseSecret,
  resolvePath,
} from "./values.ts";

export const DEFAULT_API_URL = "https://api.trakt.tv";
export const DEFAULT_AUTH_URL = "https://auth.trakt.tv";
export const MIN_TRAKT_WRITE_INTERVAL_MS = 1100;
const MAX_WRITE_INTERVAL_MS = 3_600_000;
const APPS_URL = "https://app.trakt.tv/settings/apps";
const APP_FIX =
  `Create an app at ${APPS_URL} (redirect URI urn:ietf:wg:oauth:2.0:oob) and copy it ` +
  "from there.";
const LEGACY_FIX = "Delete the key; `complexionist trakt auth` logs in again.";

const ENV_KEYS = {
  client_id: "TRAKT_CLIENT_ID",
  client_secret: "TRAKT_CLIENT_SECRET",
  api_url: "TRAKT_API_URL",
  auth_url: "TRAKT_AUTH_URL",
} as const;

interface Value {
  where: Where;
  value: string;
  variables: string[];
}

export function readTrakt(
  doc: IniDocument,
  file: string,
  env: Env,
  cwd: string,
): { trakt: TraktConfig; storePath: string; warnings: string[] } {
  const sections = doc.sections.filter((s) => s.name.toLowerCase() === "trakt");
  const [section, repeated] = sections;
  if (section && repeated) {
    throw new ConfigError(
      file,
      repeated.name,
      undefined,
      `line ${repeated.line} repeats the section started on line ${section.line}`,
      "Merge the two [trakt] sections into one.",
    );
  }
  for (const [key, line] of section?.duplicates ?? []) {
    if (TRAKT_KEYS.includes(key)) {
      throw configError(
        { file, section: "trakt", key, line },
        "is set twice in this section",
        "Keep one of the two lines.",
      );
    }
  }
  const get = (key: string, envName?: string): Value | undefined =>
    readValue(section, file, key, env, envName);

  const warnings: string[] = [];
  const trakt: TraktConfig = {
    apiUrl: url(get("api_url", ENV_KEYS.api_url), DEFAULT_API_URL),
    authUrl: url(get("auth_url", ENV_KEYS.auth_url), DEFAULT_AUTH_URL),
    writeIntervalMs: MIN_TRAKT_WRITE_INTERVAL_MS,
  };
  // `client_id =` left empty means "not set yet" (requireTrakt says what to do), so commands
  // that do not talk to Trakt still run. A value that is wrong (a placeholder, a variable that
  // expands to nothing) is kept as the error requireTrakt throws, for the same reason: a new
  // user can check Plex (`plex servers`) before registering a Trakt app.
  const credential = (v: Value): string | undefined => {
    try {
      return secret(v, APP_FIX);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      (trakt.credentialErrors ??= []).push(err);
      return undefined;
    }
  };
  const clientId = get("client_id", ENV_KEYS.client_id);
  if (isSet(clientId)) {
    const id = credential(clientId);
    if (id !== undefined) trakt.clientId = id;
  }
  const clientSecret = get("client_secret", ENV_KEYS.client_secret);
  if (isSet(clientSecret)) {
    const value = credential(clientSecret);
    if (value !== undefined) trakt.clientSecret = value;
  }

  const interval = get("write_interval_ms");
  if (interval && interval.value.trim() !== "") {
    const ms = parseInteger(interval.where, interval.value, 0, MAX_WRITE_INTERVAL_MS);
    const host = new URL(trakt.apiUrl).hostname;
    const isTrakt = host === "trakt.tv" || host.endsWith(".trakt.tv");
    if (isTrakt && ms < MIN_TRAKT_WRITE_INTERVAL_MS) {
      warnings.push(
        `${file}: [trakt] write_interval_ms raised from ${ms} to ${MIN_TRAKT_WRITE_INTERVAL_MS}: ` +
          "Trakt allows one write per second",
      );
    } else {
      trakt.writeIntervalMs = ms;
    }
  }
  const legacy = readLegacy(get);
  if (legacy) trakt.legacyTokens = legacy;

  return { trakt, storePath: storePath(get("token_store"), file, env, cwd), warnings };
}

function readValue(
  section: IniSection | undefined,
  file: string,
  key: string,
  env: Env,
  envName: string | undefined,
): Value | undefined {
  const override = envName ? nonEmpty(env[envName]) : undefined;
  if (override !== undefined) {
    return {
      where: { file, section: "trakt", key, fromEnv: envName },
      value: override,
      variables: [],
    };
  }
  const entry = section?.entries.get(key);
  if (!entry) return undefined;
  const where: Where = { file, section: section?.name ?? "trakt", key, line: entry.line };
  return { where, ...expandVariables(entry.value, env, where) };
}

/** Present and not a literally empty `key =` (an empty expansion counts as set). */
function isSet(v: Value | undefined): v is Value {
  return v !== undefined && (v.value.trim() !== "" || v.variables.length > 0);
}

function url(v: Value | undefined, fallback: string): string {
  if (!isSet(v)) return fallback;
  return parseHttpUrl(v.where, v.value, v.variables, fallback);
}

function secret(v: Value, fix: string): string {
  const f = v.where.fromEnv ? `Fix ${v.where.fromEnv}. ${fix}` : fix;
  return parseSecret(v.where, v.value, v.variables, f);
}

function readLegacy(get: (key: string) => Value | undefined): LegacyTraktTokens | undefined {
  const access = get("access_token");
  const refresh = get("refresh_token");
  const expires = get("token_expires");
  const legacy: LegacyTraktTokens = {};
  if (access && access.value.trim() !== "") legacy.accessToken = secret(access, LEGACY_FIX);
  if (refresh && refresh.value.trim() !== "") legacy.refreshToken = secret(refresh, LEGACY_FIX);
  if (!legacy.accessToken && !legacy.refreshToken) return undefined;
  if (expires && expires.value.trim() !== "") {
    legacy.expiresAt = parseExpiry(expires);
  }
  return legacy;
}

/** Seconds or milliseconds since 1970, or an ISO 8601 date. */
function parseExpiry(v: Value): number {
  const s = v.value.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n)) return n < 1e11 ? n * 1000 : n;
  } else if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  throw configError(
    v.where,
    "the value is neither seconds since 1970 nor an ISO 8601 date",
    `Write seconds since 1970 or a date like 2026-01-31T12:00:00Z. ${LEGACY_FIX}`,
  );
}

/** $COMPLEXIONIST_STORE (relative to cwd), else token_store (relative to the file), else ~. */
function storePath(fromFile: Value | undefined, file: string, env: Env, cwd: string): string {
  const home = homeDir(env);
  const fromEnv = nonEmpty(env.COMPLEXIONIST_STORE);
  if (fromEnv !== undefined) return resolvePath(fromEnv, home, cwd);
  if (fromFile && fromFile.value.trim() !== "") {
    return resolvePath(fromFile.value, home, dirname(resolvePath(file, home, cwd)));
  }
  return resolvePath("~/.complexionist/complexionist.kv", home, cwd);
}

/**
 * For `trakt auth`, `trakt sync`, `trakt status`, `trakt logout`: the app credentials must be
 * set, in the file or the environment.
 */
export function requireTrakt(config: Config): TraktSettings {
  const [problem] = config.trakt.credentialErrors ?? [];
  if (problem) throw problem;
  const clientId = required(config, "client_id", "Client ID", config.trakt.clientId);
  const clientSecret = required(
    config,
    "client_secret",
    "Client Secret",
    config.trakt.clientSecret,
  );
  return { ...config.trakt, clientId, clientSecret };
}

function required(
  config: Config,
  key: "client_id" | "client_secret",
  label: string,
  value: string | undefined,
): string {
  if (value !== undefined) return value;
  throw new ConfigError(
    config.path,
    "trakt",
    key,
    "is not set (Trakt commands need your Trakt app's credentials)",
    `Register an app at ${APPS_URL} (redirect URI urn:ietf:wg:oauth:2.0:oob), then put ` +
      `its ${label} here as ${key} = … or set ${ENV_KEYS[key]}.`,
  );
}
