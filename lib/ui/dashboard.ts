/**
 * What the dashboard can do, as plain data in and out: it reuses the CLI's context, the sync
 * job, the connect and status code and the store, and keeps only the state of the one connect
 * flow and the one sync job this process runs. The HTTP layer (server.ts) only routes to it.
 *
 * Nothing returned here holds a secret: no token, no device code, no client secret, no Plex
 * token. server.ts still passes every answer through `redact` as a second guard.
 */
import { completeLogin, disconnect } from "../app/connect.ts";
import { describeEvent } from "../app/progress.ts";
import { type LastNotFound, lastNotFoundKey, runSyncJob } from "../app/sync_job.ts";
import { type TraktStatus, traktStatus } from "../app/status.ts";
import { AppError, AuthError, BusyError, InterruptedError } from "../errors.ts";
import { addSecret } from "../http/redact.ts";
import { sleep } from "../http/sleep.ts";
import { getLarge } from "../store/large.ts";
import type { LastSync } from "../store/store.ts";
import type { SyncSummary } from "../sync/report.ts";
import { DeviceLoginError, pollDeviceToken, requestDeviceCode } from "../trakt/oauth.ts";
import {
  type Context,
  createContext,
  type GlobalFlags,
  plexClient,
  type TraktParts,
  traktParts,
} from "../cli/context.ts";
import { exitCodeFor, messageFor } from "../cli/exit.ts";
import { type Dot, healthOf } from "./health.ts";

export type ConnectState =
  | { state: "idle" }
  | {
    state: "pending";
    user_code: string;
    verification_url: string;
    /** The activation page with the code filled in. */
    link: string;
    expires_at: string;
  }
  | { state: "connected"; username: string; vip: boolean }
  | { state: "denied" | "expired" | "cancelled" | "failed"; message: string };

export type JobKind = "preview" | "sync";

export interface JobState {
  id: number;
  kind: JobKind;
  state: "running" | "done" | "failed" | "refused" | "interrupted";
  started_at: string;
  finished_at?: string;
  progress: { text: string; done?: number; total?: number };
  /** The steps so far, oldest first (the last 100). */
  log: string[];
  warnings: string[];
  summary?: SyncSummary;
  error?: { code: number; message: string };
}

export interface ServerStatus {
  index: number;
  name: string;
  url: string;
  reachable: boolean;
  version?: string;
  error?: string;
  last_sync?: Omit<LastSync, "at"> & { at: string; not_found_items?: LastNotFound };
}

/** What Trakt said, or why it could not say: a stored login it refuses is no login. */
export type TraktSide = TraktStatus | { connected: boolean; error: string };

export interface DashboardStatus {
  dot: Dot;
  reasons: string[];
  trakt: TraktSide;
  servers: ServerStatus[];
  /** A sync running right now in any process on this store (the timer's, say). */
  running?: { owner: string; since: string };
  config_error?: string;
}

export interface DashboardSettings {
  config_path?: string;
  config_error?: string;
  servers: { index: number; name: string; url: string; verify_tls: boolean }[];
  trakt?: { client_id?: string; api_url: string; auth_url: string; write_interval_ms: number };
  store_path?: string;
}

/** A request the dashboard cannot take now (HTTP 409), with the reason for the page. */
export class ConflictError extends Error {}

/** A request the page should never send (HTTP 400). */
export class BadRequestError extends Error {}

const PROBE_TIMEOUT_MS = 5_000;
const OWNER = `the dashboard (complexionist ui, pid ${Deno.pid})`;

export class Dashboard {
  #flags: GlobalFlags;
  #ctx: Context | undefined;
  #configError: string | undefined;
  #connect: ConnectState = { state: "idle" };
  #connectAbort: AbortController | undefined;
  #job: JobState | undefined;
  #jobDone: Promise<void> = Promise.resolve();
  #jobAbort: AbortController | undefined;
  #nextJob = 1;
  /** Aborted when the dashboard stops: nothing it started outlives it. */
  readonly #life = new AbortController();

  constructor(flags: GlobalFlags, ctx: Context) {
    this.#flags = flags;
    this.#ctx = ctx;
  }

  get context(): Context | undefined {
    return this.#ctx;
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
    const c = this.#ctx?.config;
    if (!c || this.#configError) {
      return {
        ...(c ? { config_path: c.path } : {}),
        ...(this.#configError ? { config_error: this.#configError } : {}),
        servers: [],
      };
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
    if (!this.#ctx || this.#configError) {
      throw new ConflictError(
        `The configuration has an error: ${this.#configError ?? "not loaded"}. Fix the file and ` +
          "press Reload",
      );
    }
    return this.#ctx;
  }

  async #withTrakt<T>(fn: (t: TraktParts) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const t = await traktParts(this.#context(), signal);
    try {
      return await fn(t);
    } finally {
      t.store.close();
    }
  }

  // --- Status ---------------------------------------------------------------------------------

  async status(): Promise<DashboardStatus> {
    if (this.#configError || !this.#ctx) {
      return {
        dot: "red",
        reasons: [`the configuration has an error: ${this.#configError}`],
        trakt: { connected: false },
        servers: [],
        config_error: this.#configError ?? "not loaded",
      };
    }
    const ctx = this.#ctx;
    const now = Date.now();
    const [servers, side] = await Promise.all([
      Promise.all(ctx.config.servers.map((s) => this.#probe(s.index))),
      this.#withTrakt(async (t) => {
        const syncs = await t.store.listLastSyncs();
        const notFound = new Map<string, LastNotFound | undefined>();
        for (const s of syncs) {
          notFound.set(
            s.serverId,
            await getLarge<LastNotFound>(t.store, lastNotFoundKey(s.serverId)),
          );
        }
        const holder = await t.store.syncLockHolder();
        let trakt: TraktSide;
        try {
          trakt = await traktStatus(t);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          // A login Trakt refuses is no login; one Trakt cannot confirm right now still is.
          trakt = { connected: !(err instanceof AuthError), error: messageFor(err, false) };
        }
        const tokens = await t.store.getTokens();
        return { syncs, notFound, holder, trakt, tokenExpiresAt: tokens?.expiresAt };
      }),
    ]);
    for (const s of servers) {
      const last = side.syncs.find((x) => x.serverId === s.name.toLowerCase());
      if (!last) continue;
      const items = side.notFound.get(last.serverId);
      s.last_sync = {
        ...last.sync,
        at: new Date(last.sync.at).toISOString(),
        ...(items ? { not_found_items: items } : {}),
      };
    }
    const configured = new Set(ctx.config.servers.map((s) => s.name.toLowerCase()));
    const health = healthOf({
      connected: side.trakt.connected,
      ...("error" in side.trakt ? { traktError: side.trakt.error } : {}),
      ...(side.tokenExpiresAt !== undefined ? { tokenExpiresAt: side.tokenExpiresAt } : {}),
      // Servers no longer in the config don't colour the dot.
      lastSyncs: side.syncs.filter((s) => configured.has(s.serverId)).map((s) => s.sync),
      now,
    });
    return {
      ...health,
      trakt: side.trakt,
      servers,
      ...(side.holder
        ? {
          running: {
            owner: side.holder.owner,
            since: new Date(side.holder.since).toISOString(),
          },
        }
        : {}),
    };
  }

  /** One quick request per server: reachable now, or why not. */
  async #probe(index: number): Promise<ServerStatus> {
    const ctx = this.#context();
    const server = ctx.config.servers.find((s) => s.index === index)!;
    const out: ServerStatus = {
      index,
      name: server.name,
      url: server.url,
      reachable: false,
    };
    try {
      const root = await plexClient(ctx, server, this.#life.signal, {
        timeoutMs: PROBE_TIMEOUT_MS,
        retries: 0,
      }).root();
      out.reachable = true;
      if (root.version) out.version = root.version;
    } catch (err) {
      out.error = messageFor(err, false);
    }
    return out;
  }

  // --- Connect and disconnect -----------------------------------------------------------------

  connectState(): ConnectState {
    return this.#connect;
  }

  async startConnect(): Promise<ConnectState> {
    if (this.#connect.state === "pending") return this.#connect;
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, this.#life.signal]);
    const t = await traktParts(this.#context(), signal);
    let code;
    try {
      code = await requestDeviceCode(t.oauth);
    } catch (err) {
      t.store.close();
      throw err;
    }
    // The device code lets its holder finish the login: it never leaves this process.
    addSecret(code.device_code);
    this.#connectAbort = abort;
    const pending: ConnectState = {
      state: "pending",
      user_code: code.user_code,
      verification_url: code.verification_url,
      link: `${code.verification_url.replace(/\/$/, "")}/${code.user_code}`,
      expires_at: new Date(Date.now() + code.expires_in * 1000).toISOString(),
    };
    this.#connect = pending;
    const finish = (next: ConnectState) => {
      // A newer flow may have replaced this one meanwhile.
      if (this.#connect === pending) this.#connect = next;
    };
    pollDeviceToken(t.oauth, code, { sleep, now: Date.now, signal })
      .then((token) => completeLogin(t, token))
      .then((user) => finish({ state: "connected", ...user }))
      .catch((err) => finish(connectFailure(err)))
      .finally(() => t.store.close());
    return pending;
  }

  cancelConnect(): ConnectState {
    this.#connectAbort?.abort();
    if (this.#connect.state === "pending") {
      this.#connect = { state: "cancelled", message: "Connecting was cancelled." };
    }
    return this.#connect;
  }

  async disconnect(): Promise<{ disconnected: boolean; username?: string; warning?: string }> {
    if (this.#job?.state === "running") {
      throw new ConflictError("A sync is running: wait for it to finish before disconnecting.");
    }
    return await this.#withTrakt(async (t) => {
      try {
        const tokens = await disconnect(t);
        this.#connect = { state: "idle" };
        return {
          disconnected: tokens !== undefined,
          ...(tokens?.username ? { username: tokens.username } : {}),
        };
      } catch (err) {
        if (err instanceof BusyError) throw new ConflictError(err.message);
        if (!(err instanceof AppError)) throw err;
        this.#connect = { state: "idle" };
        // disconnect() forgot the token before the error reached us.
        return {
          disconnected: true,
          warning: `Forgotten here, but Trakt could not be told: ${messageFor(err, false)}`,
        };
      }
    });
  }

  // --- Sync jobs ------------------------------------------------------------------------------

  job(): JobState | undefined {
    return this.#job;
  }

  startJob(kind: JobKind): JobState {
    if (this.#job?.state === "running") {
      throw new ConflictError(
        `A ${this.#job.kind} is already running here: wait for it to finish.`,
      );
    }
    const ctx = this.#context();
    const abort = new AbortController();
    const job: JobState = {
      id: this.#nextJob++,
      kind,
      state: "running",
      started_at: new Date().toISOString(),
      progress: { text: kind === "preview" ? "Starting the preview…" : "Starting the sync…" },
      log: [],
      warnings: [],
    };
    this.#job = job;
    this.#jobAbort = abort;
    this.#jobDone = (async () => {
      try {
        const result = await runSyncJob(ctx, {
          server: "all",
          dryRun: kind === "preview",
          full: false,
          owner: OWNER,
          signal: AbortSignal.any([abort.signal, this.#life.signal]),
          onEvent: (e) => {
            if (e.type === "warning") return void job.warnings.push(e.message);
            const line = describeEvent(e);
            if (!line) return;
            job.progress = {
              text: line.text,
              ...(line.total !== undefined ? { done: line.done, total: line.total } : {}),
            };
            if (line.final) job.log = [...job.log, line.text].slice(-100);
          },
        });
        if (result.readPlex) job.summary = result.summary;
        if (result.error !== undefined) throw result.error;
        job.state = "done";
      } catch (err) {
        job.error = { code: exitCodeFor(err), message: messageFor(err, false) };
        job.state = err instanceof InterruptedError
          ? "interrupted"
          : job.error.code === 75
          ? "refused"
          : "failed";
      } finally {
        job.finished_at = new Date().toISOString();
      }
    })();
    return job;
  }

  /** Stops what runs (a sync finishes or abandons its batch, as with Ctrl-C in the CLI). */
  async stop(): Promise<{ interruptedSync: boolean }> {
    const running = this.#job?.state === "running" && this.#job.kind === "sync";
    this.#life.abort();
    await this.#jobDone;
    return { interruptedSync: running && this.#job?.state === "interrupted" };
  }
}

function connectFailure(err: unknown): ConnectState {
  if (err instanceof InterruptedError) return { state: "cancelled", message: "Cancelled." };
  if (err instanceof DeviceLoginError) {
    if (err.reason === "denied") {
      return {
        state: "denied",
        message: "The connection was denied on Trakt. Press Connect to try again, and choose " +
          '"Yes" on Trakt\'s page.',
      };
    }
    if (err.reason === "expired") {
      return {
        state: "expired",
        message: "The code expired before it was approved. Press Connect for a new code.",
      };
    }
  }
  return { state: "failed", message: messageFor(err, false) };
}
