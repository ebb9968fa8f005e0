/**
 * What the dashboard can do, as plain data in and out. It reuses the CLI's context, the sync
 * job, the connect and status code and the store; connect_flow.ts and jobs.ts keep the state of
 * the one login and the one sync this process runs. server.ts only routes to it.
 *
 * Nothing returned here holds a secret: no token, no device code, no client secret, no Plex
 * token. server.ts still passes every answer through `redact` as a second guard.
 */
import { disconnect, disconnectBy } from "../app/connect.ts";
import { type LastNotFound, lastNotFoundKey } from "../app/sync_job.ts";
import { type ConnectedStatus, runningJson, type TraktStatus, traktStatus } from "../app/status.ts";
import { AppError, BusyError, RemoteError } from "../errors.ts";
import { getLarge } from "../store/large.ts";
import { type LastSync, openStore, type SyncLockHolder } from "../store/store.ts";
import {
  type Context,
  createContext,
  type GlobalFlags,
  plexClient,
  traktParts,
} from "../cli/context.ts";
import { messageFor } from "../cli/exit.ts";
import { ConnectFlow, type ConnectState } from "./connect_flow.ts";
import { type Dot, healthOf } from "./health.ts";
import { ConflictError, type JobKind, type JobState, SyncJobs } from "./jobs.ts";

export { ConflictError };
export type { ConnectState, JobKind, JobState };

/** What Trakt said, or why it could not say: a stored login it refuses is no login. */
export type TraktSide = TraktStatus | { connected: boolean; error: string };

export interface ServerStatus {
  index: number;
  name: string;
  url: string;
  reachable: boolean;
  version?: string;
  error?: string;
  last_sync?: Omit<LastSync, "at"> & { at: string; not_found_items?: LastNotFound };
}

export interface DashboardStatus {
  dot: Dot;
  reasons: string[];
  trakt: TraktSide;
  servers: ServerStatus[];
  /** A sync (or a disconnect) running right now in any process on this store (the timer's). */
  running?: { owner: string; since?: string; disconnecting?: true };
  config_error?: string;
}

export interface DashboardSettings {
  config_path?: string;
  config_error?: string;
  servers: { index: number; name: string; url: string; verify_tls: boolean }[];
  trakt?: { client_id?: string; api_url: string; auth_url: string; write_interval_ms: number };
  store_path?: string;
}

/** A request the page should never send (HTTP 400). */
export class BadRequestError extends Error {}

/** The page asks for status on load and after each action: it must answer in seconds. */
const QUICK = { timeoutMs: 10_000, retries: 0 };
const PROBE = { timeoutMs: 5_000, retries: 0 };
/** How long the account and counts are trusted while Trakt's collection stamps stay put. */
const STATUS_MAX_AGE_MS = 10 * 60_000;

export class Dashboard {
  #flags: GlobalFlags;
  #ctx: Context;
  #configError: string | undefined;
  /** Aborted when the dashboard stops: nothing it started outlives it. */
  readonly #life = new AbortController();
  readonly #connect = new ConnectFlow(this.#life.signal);
  readonly #jobs = new SyncJobs(this.#life.signal);
  #traktCache: { key: string; at: number; status: ConnectedStatus } | undefined;

  constructor(flags: GlobalFlags, ctx: Context) {
    this.#flags = flags;
    this.#ctx = ctx;
  }

  /** Reads the config file again (the Reload button); a broken file is reported, not fatal. */
  reload(): DashboardSettings {
    try {
      this.#ctx = createContext(this.#flags);
      this.#configError = undefined;
    } catch (err) {
      this.#configError = messageFor(err, false);
    }
    return this.settings();
  }

  settings(): DashboardSettings {
    const c = this.#ctx.config;
    if (this.#configError) {
      return { config_path: c.path, config_error: this.#configError, servers: [] };
    }
    return {
      config_path: c.path,
      servers: c.servers.map((s) => ({
        index: s.index,
        name: s.name,
        url: s.url,
        verify_tls: s.verifyTls,
      })),
      trakt: {
        ...(c.trakt.clientId ? { client_id: c.trakt.clientId } : {}),
        api_url: c.trakt.apiUrl,
        auth_url: c.trakt.authUrl,
        write_interval_ms: c.trakt.writeIntervalMs,
      },
      store_path: c.storePath,
    };
  }

  #context(): Context {
    if (this.#configError) {
      throw new ConflictError(
        `The configuration has an error: ${this.#configError}. Fix the file and press Reload`,
      );
    }
    return this.#ctx;
  }

  // --- Status ---------------------------------------------------------------------------------

  async status(): Promise<DashboardStatus> {
    if (this.#configError) {
      return {
        dot: "red",
        reasons: [`the configuration has an error: ${this.#configError}`],
        trakt: { connected: false },
        servers: [],
        config_error: this.#configError,
      };
    }
    const ctx = this.#ctx;
    const [servers, local] = await Promise.all([
      Promise.all(ctx.config.servers.map((s) => this.#probe(ctx, s.index))),
      this.#local(ctx).then(async (l) => ({ ...l, trakt: await this.#trakt(ctx, l.login) })),
    ]);
    for (const s of servers) {
      const last = local.syncs.find((x) => x.serverId === s.name.toLowerCase());
      if (!last) continue;
      const items = local.notFound.get(last.serverId);
      s.last_sync = {
        ...last.sync,
        at: new Date(last.sync.at).toISOString(),
        ...(items ? { not_found_items: items } : {}),
      };
    }
    const configured = new Set(ctx.config.servers.map((s) => s.name.toLowerCase()));
    const health = healthOf({
      connected: local.trakt.connected,
      ...("error" in local.trakt ? { traktError: local.trakt.error } : {}),
      ...(local.tokenExpiresAt !== undefined ? { tokenExpiresAt: local.tokenExpiresAt } : {}),
      // Servers no longer in the config don't colour the dot.
      lastSyncs: local.syncs.filter((s) => configured.has(s.serverId)).map((s) => s.sync),
      now: Date.now(),
    });
    const holder = local.holder;
    return {
      ...health,
      trakt: local.trakt,
      servers,
      ...(holder
        ? {
          running: {
            ...runningJson(holder),
            ...(disconnectBy(holder.owner) !== undefined ? { disconnecting: true } : {}),
          },
        }
        : {}),
    };
  }

  /** What the store knows: no network, and no Trakt settings needed. */
  async #local(ctx: Context) {
    const store = await openStore(ctx.config.storePath);
    try {
      const syncs = await store.listLastSyncs();
      const notFound = new Map<string, LastNotFound | undefined>();
      for (const s of syncs) {
        notFound.set(s.serverId, await getLarge<LastNotFound>(store, lastNotFoundKey(s.serverId)));
      }
      const holder: SyncLockHolder | undefined = await store.syncLockHolder();
      const tokens = await store.getTokens();
      return {
        syncs,
        notFound,
        holder,
        connected: tokens !== undefined,
        tokenExpiresAt: tokens?.expiresAt,
        /** Changes with every new login (and refresh): a cached status is someone else's. */
        login: tokens ? `${tokens.createdAt}|${tokens.username ?? ""}` : "",
      };
    } finally {
      store.close();
    }
  }

  /**
   * The account and collection counts. The page asks every 30 s while it is open: the counts
   * are read again only when Trakt's collection stamps moved (one small request otherwise), or
   * after STATUS_MAX_AGE_MS, so an open tab never reads a big collection over and over.
   */
  async #trakt(ctx: Context, login: string): Promise<TraktSide> {
    if (!login) return { connected: false };
    try {
      const t = await traktParts(ctx, this.#life.signal, QUICK);
      try {
        const a = await t.client.lastActivities();
        const key = `${login}|${a.movies?.collected_at}|${a.episodes?.collected_at}`;
        const cached = this.#traktCache;
        if (cached?.key === key && Date.now() - cached.at < STATUS_MAX_AGE_MS) {
          const fresh = await t.session.current();
          return { ...cached.status, token_expires_at: new Date(fresh.expiresAt).toISOString() };
        }
        const status = await traktStatus(t);
        if (status.connected) this.#traktCache = { key, at: Date.now(), status };
        return status;
      } finally {
        t.store.close();
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Only an answer Trakt could not give leaves the login standing; a refused login or a
      // config without the app's credentials is no usable login.
      return { connected: err instanceof RemoteError, error: messageFor(err, false) };
    }
  }

  /** One quick request per server: reachable now, or why not. */
  async #probe(ctx: Context, index: number): Promise<ServerStatus> {
    const server = ctx.config.servers.find((s) => s.index === index)!;
    const out: ServerStatus = { index, name: server.name, url: server.url, reachable: false };
    try {
      const root = await plexClient(ctx, server, this.#life.signal, PROBE).root();
      out.reachable = true;
      if (root.version) out.version = root.version;
    } catch (err) {
      out.error = messageFor(err, false);
    }
    return out;
  }

  // --- Connect and disconnect -----------------------------------------------------------------

  connectState(): ConnectState {
    return this.#connect.state();
  }

  startConnect(): Promise<ConnectState> {
    return this.#connect.start(this.#context());
  }

  cancelConnect(): ConnectState {
    return this.#connect.cancel();
  }

  async disconnect(): Promise<{ disconnected: boolean; username?: string; warning?: string }> {
    if (this.#jobs.running()) {
      throw new ConflictError("A sync is running: wait for it to finish before disconnecting.");
    }
    const t = await traktParts(this.#context(), this.#life.signal);
    try {
      const done = await disconnect(t, `the dashboard's Disconnect (pid ${Deno.pid})`);
      this.#connect.reset();
      if (!done) return { disconnected: false };
      const username = done.tokens.username ? { username: done.tokens.username } : {};
      if (done.revokeError === undefined) return { disconnected: true, ...username };
      if (!(done.revokeError instanceof AppError)) throw done.revokeError;
      return {
        disconnected: true,
        ...username,
        warning: `Forgotten here, but Trakt could not be told: ${
          messageFor(done.revokeError, false)
        }`,
      };
    } catch (err) {
      if (err instanceof BusyError) throw new ConflictError(err.message);
      throw err;
    } finally {
      t.store.close();
    }
  }

  // --- Sync jobs ------------------------------------------------------------------------------

  job(): JobState | undefined {
    return this.#jobs.current();
  }

  startJob(kind: JobKind): JobState {
    return this.#jobs.start(this.#context(), kind);
  }

  /** Stops what runs (a sync finishes or abandons its batch, as with Ctrl-C in the CLI). */
  async stop(): Promise<{ interruptedSync: boolean }> {
    const wasSyncing = this.#jobs.running() && this.#jobs.current()?.kind === "sync";
    this.#life.abort();
    const job = await this.#jobs.settled();
    return { interruptedSync: wasSyncing && job?.state === "interrupted" };
  }
}
