/**
 * One sync of the configured servers, as both front ends run it: the CLI's `trakt sync` and
 * the dashboard's "Sync now". It wires the engine to Plex, Trakt and the store, holds the
 * store's one-sync-at-a-time lock, and records each server's last sync. It never prints.
 */
import { selectServers } from "../config/servers.ts";
import {
  AppError,
  AuthError,
  BusyError,
  InterruptedError,
  RemoteError,
  UsageError,
} from "../errors.ts";
import { PlexLibraryReader } from "../plex/library.ts";
import { setLarge } from "../store/large.ts";
import type { LibraryItems, Store, SyncLockHolder, SyncOutcome } from "../store/store.ts";
import { EMPTY_FOR_MS, libraryBefore, recordedLibrary } from "../sync/removal.ts";
import type { SyncSummary } from "../sync/report.ts";
import {
  namingServer,
  runSync,
  serverFailure,
  type SkipPolicy,
  type SyncEvent,
  withSkipHint,
} from "../sync/run.ts";
import { runCache, storeState } from "../sync/state.ts";
import { accountLimitFor } from "../trakt/limits.ts";
import { type Context, plexClient, traktParts } from "../cli/context.ts";
import { disconnectBy } from "./connect.ts";
import { exitCodeFor, messageFor } from "../cli/exit.ts";

export interface SyncJobOptions {
  /** `--server`: a name, an index or "all"; undefined for the config's default. */
  server?: string;
  library?: string[];
  dryRun: boolean;
  full: boolean;
  removeMissing?: { maxRemove?: number };
  /** `--skip-unreachable`: sync the servers that answer when another of several does not. */
  skipUnreachable?: boolean;
  /** The caller has that option (the CLI): errors of a failing server mention it. */
  offerSkip?: boolean;
  /** Who runs it, shown to a second sync that is refused ("`trakt sync` (pid 12)"). */
  owner: string;
  signal?: AbortSignal;
  onEvent?: (e: SyncEvent) => void;
}

export interface SyncJobResult {
  summary: SyncSummary;
  error?: unknown;
  /** False when the run stopped before Plex was read: there is no report to show. */
  readPlex: boolean;
  /** False when Trakt's collection was not read: the report has no plan to show. */
  readTrakt?: boolean;
}

/** Not-found items kept per server for the dashboard's list (the report has them all). */
export const LAST_NOT_FOUND_MAX = 1000;
const YEAR_MS = 365 * 24 * 3600_000;

export function lastNotFoundKey(serverId: string): string[] {
  return ["last-not-found", serverId];
}

export async function runSyncJob(ctx: Context, o: SyncJobOptions): Promise<SyncJobResult> {
  const started = Date.now();
  const servers = selectServers(ctx.config, o.server);
  // Losing the sync lock stops this run like an interrupt: its Trakt calls included.
  const lost = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, lost.signal]) : lost.signal;
  const t = await traktParts(ctx, signal);
  try {
    // Fail before touching Plex when there is no login at all.
    await t.session.current();
    // A preview writes nothing to Trakt, so it may run beside a sync (the timer's, say).
    const lock = o.dryRun
      ? { release: () => Promise.resolve() }
      : await t.store.acquireSyncLock(o.owner, undefined, () => lost.abort());
    if ("busy" in lock) throw busyError(lock.busy);
    try {
      const readers = servers.map((s) =>
        new PlexLibraryReader(plexClient(ctx, s, signal), o.library ? { titles: o.library } : {})
      );
      if (o.library) {
        // Check the names first: a typo must not cost a half-done run with exit 2.
        const read = await Promise.allSettled(readers.map((r) => r.librariesRead()));
        const failed = read.find((r): r is PromiseRejectedResult => r.status === "rejected");
        // With --skip-unreachable a server that did not answer is left to the run, which
        // reports it; the names cannot be judged without it (the library may be its alone).
        const policy: SkipPolicy = {
          skipUnreachable: o.skipUnreachable,
          offerSkip: o.offerSkip,
          servers: readers.length,
        };
        if (failed && !serverFailure(failed.reason, policy)) {
          throw withSkipHint(failed.reason, policy);
        }
        if (!failed) checkLibraries(o.library, readers);
      }
      // What the syncs before found in each library: the guard against an empty one.
      const history = new Map<string, LibraryItems>();
      for (const server of servers) {
        const h = await t.store.getLibraryItems(server.name.toLowerCase());
        if (h) history.set(server.name, h);
      }
      // Servers an earlier sync read that the config no longer has: what only they had would
      // look missing. The guard against a server renamed or removed by mistake.
      const configured = new Set(ctx.config.servers.map((s) => s.name.toLowerCase()));
      const goneServers = o.removeMissing
        ? await serversGone(t.store, configured, await t.store.listLibraryItems(), Date.now())
        : [];
      const result = await runSync({
        sources: readers,
        trakt: t.client,
        state: storeState(t.store),
        cache: await runCache(t.store, {
          servers: servers.map((x) => [x.name.toLowerCase(), x.url]),
          libraries: (o.library ?? []).map((l) => l.toLowerCase()).sort(),
        }),
        dryRun: o.dryRun,
        full: o.full,
        signal,
        ...(o.onEvent ? { onEvent: o.onEvent } : {}),
        ...(o.removeMissing ? { removeMissing: { ...o.removeMissing, history, goneServers } } : {}),
        ...(o.skipUnreachable ? { skipUnreachable: true } : {}),
        ...(o.offerSkip ? { offerSkip: true } : {}),
        accountLimit: async () => accountLimitFor((await t.client.settings()).user.vip === true),
      });
      const lostLock = lost.signal.aborted && !o.signal?.aborted;
      if (lostLock) {
        // This run stalled (a sleeping laptop, say) until its lock expired and another sync
        // took it: two must never write at once, so this one stopped between batches.
        result.error = new BusyError(
          "Stopped: this sync stalled for longer than its lock lasts and another sync took " +
            "over; that one completes the job",
        );
      }
      // The run's own failure, if any, before servers that could not be read are added to it.
      const runError = result.error;
      const unreadable = result.unreadable ?? [];
      if (unreadable.length && result.error === undefined) {
        result.error = unreadableError(unreadable, o.dryRun);
      }
      const s = result.summary;
      // A renewal of the login goes through its own client: it is a request of this run too.
      const renewals = t.oauth.refreshHttp?.stats;
      s.requests = {
        plex: readers.reduce((n, r) => n + r.client.requests, 0),
        trakt_get: t.http.stats.get,
        trakt_post: t.http.stats.post + (renewals?.post ?? 0),
        retries: t.http.stats.retries + readers.reduce((n, r) => n + r.client.retries, 0),
      };
      s.duration_ms = Date.now() - started;
      if (result.error !== undefined) {
        s.error = { code: exitCodeFor(result.error), message: messageFor(result.error, false) };
      }
      if (unreadable.length) {
        s.servers_failed = unreadable.map((u) => ({
          server: u.name,
          code: exitCodeFor(u.error),
          message: messageFor(u.error, false),
        }));
      }
      // A preview is not a sync: the last sync shown by `status` and the dashboard stays the
      // last one that could have written. A run that failed early is one: a timer's runs that
      // all fail must not leave an old success on show. A run that lost its lock is not: the
      // run that took over records its own, and may already have.
      if (!o.dryRun && !lostLock && (result.readPlex || result.error !== undefined)) {
        try {
          // Only a run that listed the libraries: the near-free run read none of them.
          if (result.readPlex && !s.incremental) {
            await recordLibraries(t.store, servers, readers, history, {
              unreadable: new Set(unreadable.map((u) => u.name)),
              subset: o.library !== undefined,
              startedAt: started,
            });
            await markGoneServers(t.store, configured);
          }
          await recordLastSync(t.store, servers.map((x) => x.name), s, {
            error: runError,
            readPlex: result.readPlex,
            readTrakt: result.readTrakt !== false,
            unreadable: new Map((s.servers_failed ?? []).map((f) => [f.server, f.message])),
          });
        } catch (err) {
          // The run's own failure is the one to report; a record that could not be written is not.
          if (result.error === undefined) throw err;
        }
      }
      return result;
    } finally {
      await lock.release();
    }
  } finally {
    t.store.close();
  }
}

function busyError(holder: SyncLockHolder): BusyError {
  const since = holder.since ? ` since ${new Date(holder.since).toISOString()}` : "";
  const disconnecting = disconnectBy(holder.owner);
  if (disconnecting !== undefined) {
    return new BusyError(
      `Trakt is being disconnected (${disconnecting}${since}) on the ` +
        "same token store. Wait for it to finish; to sync again after it, run " +
        "`complexionist trakt auth` first",
    );
  }
  // A run killed outright (SIGKILL, a power cut) cannot release its lock: it lapses by itself.
  const left = holder.expiresAt === undefined
    ? undefined
    : Math.max(1, Math.ceil((holder.expiresAt - Date.now()) / 1000));
  return new BusyError(
    `Another sync is already running (${holder.owner}${since}) on the same token store. ` +
      "Only one runs at a time: wait for it to finish, then try again" +
      (left === undefined || left > 120
        ? ""
        : `. If that run was killed and nothing is running, its lock lapses within ${left} s`),
  );
}

function checkLibraries(titles: string[], readers: PlexLibraryReader[]): void {
  const read = new Set(readers.flatMap((r) => r.read.map((x) => x.toLowerCase())));
  const missing = titles.filter((t) => !read.has(t.toLowerCase()));
  if (missing.length === 0) return;
  const available = [...new Set(readers.flatMap((r) => r.available))].map((x) => `"${x}"`);
  throw new UsageError(
    `No movie or show library is called ${missing.map((x) => `"${x}"`).join(", ")}. ` +
      `The selected server(s) have: ${
        available.join(", ") || "none"
      }. Use one of these with --library`,
  );
}

/**
 * A run that added (or removed) something before a known failure stopped it (a 420, a Trakt
 * outage, a refused login) is "partial": Trakt holds what was written, and the next run does the
 * rest. A bug (any other error) is "failed" whatever it wrote: no next run mends that.
 */
function outcomeOf(s: SyncSummary, error: unknown): SyncOutcome {
  if (error instanceof InterruptedError) return "interrupted";
  if (error === undefined) return "success";
  const wrote = s.added.movies + s.added.episodes +
      (s.removal ? s.removal.removed.movies + s.removal.removed.episodes : 0) > 0;
  return wrote && error instanceof AppError ? "partial" : "failed";
}

/** Servers of several that could not be read fail the run with their exit code (4, or 3). */
function unreadableError(
  unreadable: { name: string; error: unknown }[],
  dryRun: boolean,
): AppError {
  const it = unreadable.length === 1 ? "it" : "them";
  // Most errors already name the server; said twice, it reads as two servers.
  const message = unreadable.map((u) => namingServer(u.name, messageFor(u.error, false)))
    .join("; ") +
    `. The other servers were ${dryRun ? "previewed" : "synced"} without ${it}; ` +
    `run again once ${unreadable.length === 1 ? "it answers" : "they answer"}`;
  return unreadable.every((u) => u.error instanceof AuthError)
    ? new AuthError(message)
    : new RemoteError(message, "plex");
}

async function recordLastSync(
  store: Store,
  names: string[],
  s: SyncSummary,
  { error, readPlex, readTrakt, unreadable }: {
    /** The run's own failure (a server that could not be read is not one of the others'). */
    error: unknown;
    readPlex: boolean;
    /** False when Trakt's collection was not read: nothing was compared. */
    readTrakt: boolean;
    /** Servers that could not be read, with their error message. */
    unreadable: Map<string, string>;
  },
): Promise<void> {
  const outcome = outcomeOf(s, error);
  const notFound = {
    total: s.not_found.movies.length + s.not_found.episodes.length,
    movies: s.not_found.movies.slice(0, LAST_NOT_FOUND_MAX),
    episodes: s.not_found.episodes.slice(
      0,
      Math.max(0, LAST_NOT_FOUND_MAX - s.not_found.movies.length),
    ),
  };
  const readNames = names.filter((x) => !unreadable.has(x));
  for (const name of names) {
    const id = name.toLowerCase();
    const unread = unreadable.get(name);
    const read = readPlex && unread === undefined;
    // A run that failed before comparing (Plex or Trakt's collection not read) learned nothing
    // of what Trakt lacks: the counts of the last run that did stay, beside the list they
    // describe.
    const compared = read && readTrakt;
    const before = compared ? undefined : await store.getLastSync(id);
    const message = unread ?? (error === undefined ? undefined : s.error?.message);
    await store.saveLastSync(id, {
      at: Date.now(),
      serverName: name,
      outcome: unread === undefined ? outcome : "failed",
      // A server that was not read added nothing; what a run that compared nothing knew of
      // Trakt is what the last run that did compare knew.
      added: unread === undefined ? { ...s.added } : { movies: 0, episodes: 0 },
      existing: before?.existing ??
        (unread === undefined ? { ...s.existing } : { movies: 0, episodes: 0 }),
      notFound: before?.notFound ??
        (unread === undefined
          ? { movies: s.not_found.movies.length, episodes: s.not_found.episodes.length }
          : { movies: 0, episodes: 0 }),
      skipped: before?.skipped ?? (unread === undefined ? s.skipped.length : 0),
      ...(message !== undefined ? { error: message } : {}),
      // One removal per run, over every server it judged (a server not read refused it).
      ...(s.removal
        ? {
          removal: {
            planned: { ...s.removal.planned },
            removed: { ...s.removal.removed },
            ...(s.removal.refused !== undefined ? { refused: s.removal.refused } : {}),
          },
        }
        : {}),
      // The counts are the run's, over the servers it read: an item on two servers is one item
      // on Trakt. A server it did not read shares nothing of them.
      ...(compared
        ? (readNames.length > 1 ? { servers: readNames } : {})
        : unread === undefined && before?.servers
        ? { servers: before.servers }
        : {}),
    });
    // The near-free run reports the last comparison's list: written then, unchanged since.
    if (compared && !s.incremental) await setLarge(store, lastNotFoundKey(id), notFound, YEAR_MS);
  }
}

/**
 * Each read server's libraries, for the next `--remove-missing` (removal.ts `emptyOnPurpose`):
 * the items each had when last found with any, and since when an empty one has been empty. Any
 * sync that listed them records them, with or without --remove-missing.
 */
async function recordLibraries(
  store: Store,
  servers: { name: string }[],
  readers: PlexLibraryReader[],
  history: Map<string, LibraryItems>,
  o: { unreadable: Set<string>; subset: boolean; startedAt: number },
): Promise<void> {
  // The run's start, not its end: the next run's removal check, made mid-run, then never finds
  // a day of emptiness a few minutes short between two timer runs 24 hours apart.
  const now = o.startedAt;
  for (const [i, server] of servers.entries()) {
    if (o.unreadable.has(server.name)) continue;
    const read = readers[i]!.itemsPerLibrary();
    // A server that answered with no library at all (reinstalled, a token without access)
    // says nothing of its libraries: the removal refuses, and the record stays as it was.
    if (read.length === 0) continue;
    const before = history.get(server.name);
    // A --library run read only some libraries: the others keep what is known of them.
    const items: Record<string, number | null> = o.subset ? { ...before?.items } : {};
    const emptySince: Record<string, number> = o.subset ? { ...before?.emptySince } : {};
    const record = (key: string, count: number) => {
      const kept = recordedLibrary({ items: count, ...libraryBefore(before, key, now) }, now);
      items[key] = kept.items;
      if (kept.emptySince !== undefined) emptySince[key] = kept.emptySince;
      else delete emptySince[key];
    };
    for (const c of read) record(c.key, c.items);
    // One no longer listed counts as empty since it went, and is forgotten once it has been
    // gone a whole day (the removal then no longer waits for it).
    for (const key of o.subset ? [] : Object.keys(before?.items ?? {})) {
      if (read.some((c) => c.key === key)) continue;
      const since = libraryBefore(before, key, now).emptySince;
      if (since !== undefined && now - since >= EMPTY_FOR_MS) continue;
      record(key, 0);
    }
    await store.saveLibraryItems(server.name.toLowerCase(), {
      name: server.name,
      // A --library run watched only its libraries: the others' day must not look kept up.
      at: o.subset ? before?.at ?? now : now,
      complete: !o.subset || before?.complete === true,
      items,
      ...(Object.keys(emptySince).length ? { emptySince } : {}),
    });
  }
}

type GoneServer = { serverId: string; name: string; since: number; record?: LibraryItems };

/**
 * Servers an earlier sync read (by their library records, or only by a last sync, which 0.1.0
 * already kept) that the config no longer has, with since when (a time to come, from a clock
 * since put right, counts as now).
 */
async function serversGone(
  store: Store,
  configured: Set<string>,
  records: { serverId: string; items: LibraryItems }[],
  now: number,
): Promise<GoneServer[]> {
  const gone = new Map<string, GoneServer>();
  for (const { serverId, sync } of await store.listLastSyncs()) {
    if (!configured.has(serverId)) {
      gone.set(serverId, { serverId, name: sync.serverName, since: now });
    }
  }
  for (const { serverId, items } of records) {
    if (configured.has(serverId)) continue;
    const since = items.goneSince !== undefined && items.goneSince <= now ? items.goneSince : now;
    gone.set(serverId, { serverId, name: items.name ?? serverId, since, record: items });
  }
  return [...gone.values()];
}

/**
 * Marks the records of servers the config no longer has with since when (kept, so that a last
 * sync of theirs does not start the day again), and unmarks those configured again.
 */
async function markGoneServers(store: Store, configured: Set<string>): Promise<void> {
  const now = Date.now();
  const records = await store.listLibraryItems();
  for (const g of await serversGone(store, configured, records, now)) {
    if (g.record?.goneSince !== g.since) {
      await store.saveLibraryItems(g.serverId, {
        ...(g.record ?? { at: now, complete: false, items: {} }),
        name: g.record?.name ?? g.name,
        goneSince: g.since,
      });
    }
  }
  for (const { serverId, items } of records) {
    if (configured.has(serverId) && items.goneSince !== undefined) {
      const { goneSince: _, ...back } = items;
      await store.saveLibraryItems(serverId, back);
    }
  }
}

export type LastNotFound = {
  total: number;
  movies: SyncSummary["not_found"]["movies"];
  episodes: SyncSummary["not_found"]["episodes"];
};
