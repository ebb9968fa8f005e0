/**
 * Builds what every command needs from the global flags: the output, the loaded config,
 * HTTP clients, the store and the Trakt session. Commands stay small: parse, call, print.
 */
import { dirname } from "node:path";
import { findConfig } from "../config/find.ts";
import { configPermissionsWarning, loadConfig } from "../config/load.ts";
import { requireTrakt } from "../config/trakt.ts";
import type { Config, PlexServerConfig, TraktSettings } from "../config/types.ts";
import { ConfigError } from "../errors.ts";
import { HttpClient } from "../http/client.ts";
import { addSecret } from "../http/redact.ts";
import { PlexClient } from "../plex/client.ts";
import { openStore, type Store } from "../store/store.ts";
import { TraktClient } from "../trakt/client.ts";
import type { OAuthOptions } from "../trakt/oauth.ts";
import { StoredSession } from "../trakt/session.ts";
import { USER_AGENT, VERSION } from "../version.ts";
import { Output, outputOptions } from "./output.ts";

export interface GlobalFlags {
  config?: string;
  verbose?: true;
  quiet?: true;
  color?: boolean;
}

export interface Context {
  out: Output;
  config: Config;
}

/** Retry backoff base; the emulator tests shorten it, users have no reason to. */
function backoffMs(): number {
  const v = Number(Deno.env.get("COMPLEXIONIST_RETRY_BASE_MS"));
  return Number.isFinite(v) && v >= 0 ? v : 1000;
}

/** Per-request timeout override (the emulator tests stall a connection on purpose). */
function timeoutMs(fallback: number): number {
  const v = Number(Deno.env.get("COMPLEXIONIST_TIMEOUT_MS"));
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function execDir(): string | undefined {
  // Running under `deno run`, the executable is Deno itself: no config lives beside it.
  const exe = Deno.execPath();
  return /(^|[\\/])deno(\.exe)?$/i.test(exe) ? undefined : dirname(exe);
}

export function createContext(flags: GlobalFlags): Context {
  const out = new Output(outputOptions(flags));
  const env = Deno.env.toObject();
  const found = findConfig({
    explicit: flags.config,
    env,
    execDir: execDir(),
    cwd: Deno.cwd(),
    home: env.HOME ?? env.USERPROFILE,
  });
  if (!found) {
    throw new ConfigError(
      "complexionist.ini",
      undefined,
      undefined,
      "no configuration file found (looked at --config, $COMPLEXIONIST_CONFIG, beside the " +
        "executable, the working directory and ~/.complexionist/complexionist.ini)",
      "Create one with `complexionist trakt init` (see the README's Configuration section) " +
        "or pass --config PATH",
    );
  }
  out.debug(`config: ${found.path} (from ${found.source})`);
  const config = loadConfig(found.path, env);
  for (const s of config.servers) addSecret(s.token);
  addSecret(config.trakt.clientSecret);
  addSecret(config.trakt.legacyTokens?.accessToken);
  addSecret(config.trakt.legacyTokens?.refreshToken);
  const loose = configPermissionsWarning(found.path);
  if (loose) out.warn(loose);
  for (const w of config.warnings) out.debug(w);
  for (const m of config.mistakes) out.warn(m);
  for (const s of config.servers.filter((x) => !x.verifyTls)) {
    // Deno's fetch has no per-host switch to skip certificate checks at run time.
    out.warn(
      `${config.path} [plex:${s.index}] verify_tls = false is not supported: certificates are ` +
        "still checked. Use the server's https://…plex.direct:32400 address or http:// on your network",
    );
  }
  return { out, config };
}

/** How hard a client tries: the dashboard's status answers fast, with one try and a short wait. */
export interface Tuning {
  timeoutMs?: number;
  retries?: number;
  /** 429s waited out before giving up (Trakt only). */
  max429?: number;
}

/** Request lines for --verbose; without it the client does not even build them. */
function verboseLog(ctx: Context): { log?: (line: string) => void } {
  return ctx.out.o.verbose ? { log: (l) => ctx.out.debug(l) } : {};
}

export function traktHttp(
  ctx: Context,
  settings: TraktSettings,
  signal?: AbortSignal,
  tuning: Tuning = {},
): HttpClient {
  return new HttpClient({
    service: "trakt",
    label: "Trakt",
    urlSetting: "[trakt] api_url and auth_url; Trakt's own status: https://status.trakt.tv",
    baseHeaders: {
      "User-Agent": USER_AGENT,
      "Content-Type": "application/json",
      "Accept": "application/json",
    },
    timeoutMs: timeoutMs(tuning.timeoutMs ?? 30_000),
    ...(tuning.retries !== undefined ? { retries: tuning.retries } : {}),
    ...(tuning.max429 !== undefined ? { max429: tuning.max429 } : {}),
    backoffMs: backoffMs(),
    writeIntervalMs: settings.writeIntervalMs,
    ...(signal ? { signal } : {}),
    ...verboseLog(ctx),
  });
}

export function plexClient(
  ctx: Context,
  server: PlexServerConfig,
  signal?: AbortSignal,
  tuning: Tuning = {},
): PlexClient {
  const http = new HttpClient({
    service: "plex",
    label: `Plex server "${server.name}" (${server.url})`,
    urlSetting: `[plex:${server.index}] url`,
    baseHeaders: {
      "Accept": "application/json",
      "User-Agent": USER_AGENT,
      "X-Plex-Token": server.token,
      "X-Plex-Product": "complexionist",
      "X-Plex-Version": VERSION,
      "X-Plex-Client-Identifier": "complexionist-cli",
    },
    timeoutMs: timeoutMs(tuning.timeoutMs ?? 30_000),
    retries: tuning.retries ?? 2,
    backoffMs: backoffMs(),
    ...(signal ? { signal } : {}),
    ...verboseLog(ctx),
  });
  return new PlexClient({ index: server.index, name: server.name, url: server.url, http });
}

export interface TraktParts {
  settings: TraktSettings;
  http: HttpClient;
  oauth: OAuthOptions;
  store: Store;
  session: StoredSession;
  client: TraktClient;
}

export async function traktParts(
  ctx: Context,
  signal?: AbortSignal,
  tuning: Tuning = {},
): Promise<TraktParts> {
  const settings = requireTrakt(ctx.config);
  const http = traktHttp(ctx, settings, signal, tuning);
  // A renewal runs to its end whatever the signal: Trakt rotates the refresh token as it
  // answers, so an answer cut off by Ctrl-C or SIGTERM would leave the stored login spent. One
  // attempt only (a retry could resend a token Trakt already rotated), so an interrupted run
  // waits at most one timeout; it stops at its next request.
  const refreshHttp = traktHttp(ctx, settings, undefined, { ...tuning, retries: 0, max429: 0 });
  const oauth: OAuthOptions = {
    authUrl: settings.authUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    http,
    refreshHttp,
  };
  const store = await openStore(ctx.config.storePath);
  ctx.out.debug(`token store: ${ctx.config.storePath}`);
  const session = new StoredSession(store, oauth, signal ? { signal } : {});
  try {
    await importLegacyTokens(ctx, store);
  } catch (err) {
    store.close();
    throw err;
  }
  const client = new TraktClient({
    apiUrl: settings.apiUrl,
    writeTimeoutMs: timeoutMs(120_000),
    clientId: settings.clientId,
    http,
    tokens: session,
  });
  return { settings, http, oauth, store, session, client };
}

/**
 * Old ComPlexionist token keys are imported once, into an empty store (design §4), and never
 * again in that store: after `trakt logout` they would otherwise come back on the next run.
 */
async function importLegacyTokens(ctx: Context, store: Store): Promise<void> {
  const legacy = ctx.config.trakt.legacyTokens;
  if (!legacy?.accessToken || !legacy.refreshToken) return;
  const now = Date.now();
  const imported = await store.importLegacyTokensOnce({
    accessToken: legacy.accessToken,
    refreshToken: legacy.refreshToken,
    createdAt: now,
    // Unknown expiry: treat as expiring now, so the first call refreshes and learns the truth.
    expiresAt: legacy.expiresAt ?? now,
    scope: "public",
  });
  // Not imported when a login is stored: the usual case, or another process imported (and maybe
  // refreshed) them a moment ago. Either way the stored login stands.
  if (imported) {
    ctx.out.info(`Imported the Trakt tokens from ${ctx.config.path} into the token store.`);
  }
}
