/** `complexionist trakt status`: who is connected, what is collected, how the last syncs went. */
import { formatCount as n } from "../app/progress.ts";
import { disconnectBy } from "../app/connect.ts";
import { lastSyncJson, runningJson, traktStatus } from "../app/status.ts";
import { createContext, type GlobalFlags, traktParts } from "./context.ts";
import { InterruptedError, RemoteError } from "../errors.ts";
import { exitCodeFor, messageFor } from "./exit.ts";
import type { Output } from "./output.ts";
import { withInterrupt } from "./signals.ts";
import type { LastSync, SyncLockHolder } from "../store/store.ts";

export async function statusCommand(flags: GlobalFlags, opts: { json?: true }): Promise<void> {
  const ctx = createContext(flags);
  await withInterrupt((signal) => showStatus(ctx, signal, opts));
}

async function showStatus(
  ctx: ReturnType<typeof createContext>,
  signal: AbortSignal,
  opts: { json?: true },
): Promise<void> {
  const t = await traktParts(ctx, signal);
  try {
    const syncs = await t.store.listLastSyncs();
    // A server renamed or removed from the config keeps its record: say it is not configured.
    const names = new Set(ctx.config.servers.map((x) => x.name.toLowerCase()));
    const configured = (sync: LastSync) => names.has(sync.serverName.toLowerCase());
    const lastSyncs = syncs.map((x) => ({ ...lastSyncJson(x), configured: configured(x.sync) }));
    const running = await t.store.syncLockHolder();
    // What this machine knows without asking Trakt: the last syncs, and one running now.
    const local = {
      last_syncs: lastSyncs,
      ...(running ? { sync_running: runningJson(running) } : {}),
    };
    const printLocal = () => printLastSyncs(ctx.out, syncs, configured, running);
    let trakt;
    try {
      trakt = await traktStatus(t);
    } catch (err) {
      // A health check still gets what is known here, and why Trakt could not be asked.
      if (opts.json) {
        ctx.out.json({
          // Unreachable or failing, Trakt still holds the login; a refused one is gone.
          connected: err instanceof RemoteError,
          error: { code: exitCodeFor(err), message: messageFor(err, false) },
          ...local,
        });
      } else if (!(err instanceof InterruptedError)) {
        printLocal();
      }
      throw err;
    }
    if (!trakt.connected) {
      if (opts.json) ctx.out.json({ connected: false, ...local });
      ctx.out.info("Trakt: not connected. Run `complexionist trakt auth`");
      printLocal();
      return;
    }
    const status = { ...trakt, ...local };
    if (opts.json) ctx.out.json(status);
    const o = ctx.out;
    const limit = status.account_limit.limit;
    o.info(`Trakt: connected as ${status.username}${status.vip ? " (VIP)" : " (free account)"}`);
    o.info(
      `Collection: ${n(status.collection.movies)} movies, ${n(status.collection.episodes)} ` +
        `episodes of ${n(status.collection.shows)} shows (${n(status.account_limit.headroom)} ` +
        `left of the announced ${n(limit)}-item limit)`,
    );
    o.info(`Token: valid until ${status.token_expires_at} (renewed automatically)`);
    printLocal();
  } finally {
    t.store.close();
  }
}

/** The local record, which needs no answer from Trakt: shown also when Trakt cannot be asked. */
function printLastSyncs(
  o: Output,
  syncs: readonly { sync: LastSync }[],
  configured: (sync: LastSync) => boolean,
  running: SyncLockHolder | undefined,
): void {
  if (running) {
    const since = running.since ? `, since ${new Date(running.since).toISOString()}` : "";
    const disconnecting = disconnectBy(running.owner);
    o.info(
      disconnecting !== undefined
        ? `Trakt is being disconnected now: ${disconnecting}${since}`
        : `A sync is running now: ${running.owner}${since}`,
    );
  } else if (syncs.length === 0) o.info("Last sync: never. Run `complexionist trakt sync`");
  for (const s of syncs) {
    const x = s.sync;
    const gone = configured(x) ? "" : " (no longer in the config)";
    o.info(
      `Last sync of "${x.serverName}"${gone}: ${new Date(x.at).toISOString()} ${x.outcome}: ` +
        `added ${n(x.added.movies)} movies, ${n(x.added.episodes)} episodes; not found ` +
        `${n(x.notFound.movies + x.notFound.episodes)}${removalText(x)}` +
        `${x.error ? `; ${x.error}` : ""}`,
    );
  }
}

/** How the run's `--remove-missing` went, if it had one. */
function removalText(x: LastSync): string {
  const r = x.removal;
  if (!r) return "";
  if (r.refused !== undefined) return `; removal refused: ${r.refused}`;
  return `; removed ${n(r.removed.movies)} movies, ${n(r.removed.episodes)} episodes`;
}
