/**
 * The validated shape of complexionist.ini (design §4, §5). Everything here is plain data (the
 * deferred credential errors aside): loading and validation live in load.ts, servers.ts and
 * trakt.ts.
 */
import type { ConfigError } from "../errors.ts";

/** The environment as a plain record (`Deno.env.toObject()` in production). */
export type Env = Record<string, string | undefined>;

/** One `[plex:N]` section (or ComPlexionist's single legacy `[plex]`, which is server 0). */
export interface PlexServerConfig {
  /** The N of `[plex:N]`. */
  index: number;
  /** `name =`, default "Plex N" ("Plex Server" for a legacy `[plex]`). Unique, case-insensitively. */
  name: string;
  /** http(s) URL without a trailing slash. */
  url: string;
  token: string;
  /** `verify_tls =`, default true. */
  verifyTls: boolean;
}

/** Old-style token keys under `[trakt]`, imported once into an empty token store. */
export interface LegacyTraktTokens {
  accessToken?: string;
  refreshToken?: string;
  /** `token_expires =` as epoch milliseconds (the file may hold seconds, ms or ISO 8601). */
  expiresAt?: number;
}

/** `[trakt]` as loaded: the app credentials may be missing until a Trakt command needs them. */
export interface TraktConfig {
  clientId?: string;
  clientSecret?: string;
  /** Default https://api.trakt.tv, no trailing slash. */
  apiUrl: string;
  /** Default https://auth.trakt.tv (every /oauth/* call), no trailing slash. */
  authUrl: string;
  /** Minimum gap between two writes; at least 1100 against Trakt's own hosts. */
  writeIntervalMs: number;
  /** Present when `access_token` or `refresh_token` is set in the file. */
  legacyTokens?: LegacyTraktTokens;
  /**
   * What is wrong with `client_id` or `client_secret` (a placeholder, say): thrown by
   * `requireTrakt` when a Trakt command needs them, so other commands still run.
   */
  credentialErrors?: ConfigError[];
}

/** `[trakt]` once a Trakt command has checked the app credentials (see `requireTrakt`). */
export interface TraktSettings extends TraktConfig {
  clientId: string;
  clientSecret: string;
}

export interface Config {
  /** The file this was loaded from (absolute when the caller passed an absolute path). */
  path: string;
  /** Sorted by index; may be empty (commands that need a server call `selectServers`). */
  servers: PlexServerConfig[];
  trakt: TraktConfig;
  /** Absolute path of the Deno KV token and state store. */
  storePath: string;
  /**
   * Things worth a line under --verbose (an ignored `[plex]`, a raised write interval, a key
   * complexionist does not read).
   */
  warnings: string[];
  /** Likely mistakes worth a warning on every run: a misspelt key whose setting does nothing. */
  mistakes: string[];
}

/** Where a configuration file was found, in search order (design §4). */
export type ConfigSource =
  | "--config"
  | "$COMPLEXIONIST_CONFIG"
  | "beside the executable"
  | "working directory"
  | "home";

export interface FoundConfig {
  path: string;
  source: ConfigSource;
}
