/**
 * Reads complexionist.ini into a validated `Config` (design §4). Every problem is a
 * ConfigError (exit 2) naming the file, section and key, the line when there is one, and the
 * fix; no message ever contains a value from the file. Unknown sections (ComPlexionist's
 * `[tmdb]`, `[tvdb]`, `[options]`, `[paths]`, …) and unknown keys are ignored, and so are
 * `${VAR}`s inside them; an unknown key in our own sections that looks like a typo of a known
 * one is reported in `mistakes` (see keys.ts).
 */

import { ConfigError } from "../errors.ts";
import { parseIni } from "./ini.ts";
import { unknownKeys } from "./keys.ts";
import { readServers } from "./servers.ts";
import { readTrakt } from "./trakt.ts";
import type { Config, Env } from "./types.ts";
import { nonEmpty, shortSecretWarning } from "./values.ts";

// Also exported here: callers read the file with loadConfig and then check its mode.
export { configPermissionsWarning } from "./permissions.ts";

export interface LoadOptions {
  /** Base for a relative $COMPLEXIONIST_STORE; default `Deno.cwd()`. */
  cwd?: string;
}

export function loadConfig(path: string, env: Env, options: LoadOptions = {}): Config {
  const text = readConfigText(path);
  const doc = parseIni(text, path);
  const { servers, warnings: serverWarnings } = readServers(doc, path, env);
  const { trakt, storePath, warnings: traktWarnings } = readTrakt(
    doc,
    path,
    env,
    options.cwd ?? Deno.cwd(),
  );
  const { mistakes, notes } = unknownKeys(doc, path);
  return {
    path,
    servers,
    trakt,
    storePath,
    warnings: [...serverWarnings, ...traktWarnings, ...notes],
    mistakes: [...mistakes, ...shortSecrets(path, servers, trakt, env)],
  };
}

/** Tokens and secrets too short to be real, each a warning on every run (values.ts). */
function shortSecrets(
  path: string,
  servers: Config["servers"],
  trakt: Config["trakt"],
  env: Env,
): string[] {
  const TRAKT = "a Trakt one has 64";
  const secret = nonEmpty(env.TRAKT_CLIENT_SECRET) !== undefined
    ? "$TRAKT_CLIENT_SECRET (which overrides [trakt] client_secret)"
    : `${path} [trakt] client_secret`;
  const found = [
    ...servers.map((s) =>
      shortSecretWarning(`${path} [plex:${s.index}] token`, s.token, "a Plex token has 20")
    ),
    trakt.clientSecret !== undefined
      ? shortSecretWarning(secret, trakt.clientSecret, TRAKT)
      : undefined,
    trakt.legacyTokens?.accessToken !== undefined
      ? shortSecretWarning(`${path} [trakt] access_token`, trakt.legacyTokens.accessToken, TRAKT)
      : undefined,
    trakt.legacyTokens?.refreshToken !== undefined
      ? shortSecretWarning(`${path} [trakt] refresh_token`, trakt.legacyTokens.refreshToken, TRAKT)
      : undefined,
  ];
  return found.filter((w): w is string => w !== undefined);
}

/** Every secret in the config, for the caller to register with lib/http/redact's addSecret. */
export function configSecrets(config: Config): string[] {
  const { clientSecret, legacyTokens } = config.trakt;
  return [
    ...config.servers.map((s) => s.token),
    clientSecret,
    legacyTokens?.accessToken,
    legacyTokens?.refreshToken,
  ].filter((s): s is string => s !== undefined);
}

function readConfigText(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (err) {
    throw readError(path, err);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(
      path,
      undefined,
      undefined,
      "is not UTF-8 text",
      "Save the file as UTF-8 (any plain-text editor can).",
    );
  }
}

function readError(path: string, err: unknown): ConfigError {
  if (err instanceof Deno.errors.NotFound) {
    return new ConfigError(
      path,
      undefined,
      undefined,
      "not found",
      "Check the path, or create the file (see the README for an example).",
    );
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    return new ConfigError(
      path,
      undefined,
      undefined,
      "cannot be read: permission denied",
      "Run as the file's owner, or give your user read access (chmod 600 for the owner).",
    );
  }
  if (err instanceof Deno.errors.IsADirectory) {
    return new ConfigError(
      path,
      undefined,
      undefined,
      "is a directory, not a file",
      "Point to the complexionist.ini file itself.",
    );
  }
  if (err instanceof Deno.errors.NotCapable) {
    return new ConfigError(
      path,
      undefined,
      undefined,
      "cannot be read: Deno's read permission is not granted",
      "Run with --allow-read (or -A).",
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new ConfigError(
    path,
    undefined,
    undefined,
    `cannot be read (${detail})`,
    "Check that the path names a readable file.",
  );
}
