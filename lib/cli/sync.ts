/** `complexionist trakt sync`: parse options, wire the engine to Plex, Trakt and the store, print. */
import { selectServers } from "../config/servers.ts";
import { AccountLimitError, InterruptedError, UsageError } from "../errors.ts";
import { PlexLibraryReader } from "../plex/library.ts";
import type { Store } from "../store/store.ts";
import type { SyncOutcome } from "../store/types.ts";
import type { SyncSummary } from "../sync/report.ts";
import { runSync } from "../sync/run.ts";
import { runCache, storeState } from "../sync/state.ts";
import { accountLimitFor } from "../trakt/limits.ts";
import { createContext, type GlobalFlags, plexClient, traktParts } from "./context.ts";
import { exitCodeFor, messageFor } from "./exit.ts";
import { printSummary, progressPrinter } from "./sync_print.ts";
import { interruptSignal } from "./signals.ts";

export interface SyncFlags {
  server?: string;
  library?: string[];
  dryRun?: true;
  full?: true;
  json?: true;
  removeMissing?: true;
  maxRemove?: string;
}

export async function syncCommand(flags: GlobalFlags, opts: SyncFlags): Promise<void> {
  const started = Date.now();
  const ctx = createContext(flags);
  const servers = selectServers(ctx.config, opts.server);
  const removeMissing = removalOptions(opts, servers.length, ctx.config.servers.length);
  const { signal, dispose } = interruptSignal();
  const t = await traktParts(ctx, signal);
  try {
    // Fail before touching Plex when there is no login at all.
    await t.session.current();
    const readers = servers.map((s) =>
      new PlexLibraryReader(
        plexClient(ctx, s, signal),
        opts.library ? { titles: opts.library } : {},
      )
    );
    if (opts.library) {
      // Check the names first: a typo must not cost a half-done run with exit 2.
      await Promise.all(readers.map((r) => r.librariesRead()));
      checkLibraries(opts.library, readers, undefined);
    }
    const result = await runSync({
      sources: readers,
      trakt: t.client,
      state: storeState(t.store),
      cache: await runCache(t.store, {
        servers: servers.map((x) => [x.name.toLowerCase(), x.url]),
        libraries: (opts.library ?? []).map((l) => l.toLowerCase()).sort(),
      }),
      dryRun: Boolean(opts.dryRun),
      full: Boolean(opts.full),
      signal,
      onEvent: progressPrinter(ctx.out),
      ...(removeMissing ? { removeMissing } : {}),
      accountLimit: async () => accountLimitFor((await t.client.settings()).user.vip === true),
    });
    const s = result.summary;
    s.requests = {
      plex: readers.reduce((n, r) => n + r.client.requests, 0),
      trakt_get: t.http.stats.get,
      trakt_post: t.http.stats.post,
      retries: t.http.stats.retries + readers.reduce((n, r) => n + r.client.retries, 0),
    };
    s.duration_ms = Date.now() - started;
    if (result.error !== undefined) {
      s.error = { code: exitCodeFor(result.error), message: messageFor(result.error, false) };
    }
    if (result.readPlex) {
      await recordLastSync(t.store, servers.map((x) => x.name), s, result.error, opts.dryRun);
    }
    if (result.readPlex) {
      if (opts.json) ctx.out.json(s);
      else printSummary(ctx.out, s);
    }
    if (result.error !== undefined) throw result.error;
  } finally {
    dispose();
    t.store.close();
  }
}

/**
 * Removal is only safe when every configured server and library was read: what another
 * server holds must never look "missing".
 */
function removalOptions(
  opts: SyncFlags,
  selected: number,
  configured: number,
): { maxRemove?: number } | undefined {
  if (!opts.removeMissing) {
    if (opts.maxRemove !== undefined) {
      throw new UsageError("--max-remove only applies with --remove-missing. Add --remove-missing");
    }
    return undefined;
  }
  if (selected !== configured || opts.library) {
    throw new UsageError(
      "--remove-missing needs every configured server and library, so that nothing another " +
        "server has looks missing. Use --server all (or leave it out with one server) and no --library",
    );
  }
  if (opts.maxRemove === undefined) return {};
  const n = Number(opts.maxRemove);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--max-remove needs a whole number of items, not "${opts.maxRemove}"`);
  }
  return { maxRemove: n };
}

function checkLibraries(
  titles: string[] | undefined,
  readers: PlexLibraryReader[],
  error: unknown,
): void {
  if (!titles || error !== undefined) return;
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

function outcomeOf(s: SyncSummary, error: unknown, dryRun: boolean | undefined): SyncOutcome {
  if (error instanceof InterruptedError) return "interrupted";
  if (error instanceof AccountLimitError) {
    return s.added.movies + s.added.episodes > 0 ? "partial" : "failed";
  }
  if (error !== undefined) return "failed";
  return dryRun ? "dry-run" : "success";
}

async function recordLastSync(
  store: Store,
  names: string[],
  s: SyncSummary,
  error: unknown,
  dryRun: boolean | undefined,
): Promise<void> {
  const outcome = outcomeOf(s, error, dryRun);
  for (const name of names) {
    await store.saveLastSync(name.toLowerCase(), {
      at: Date.now(),
      serverName: name,
      outcome,
      added: { ...s.added },
      existing: { ...s.existing },
      notFound: { movies: s.not_found.movies.length, episodes: s.not_found.episodes.length },
      skipped: s.skipped.length,
      ...(s.error ? { error: s.error.message } : {}),
    });
  }
}
