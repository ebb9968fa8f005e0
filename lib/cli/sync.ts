/** `complexionist trakt sync`: parse options, run the sync job (lib/app), print. */
import { runSyncJob } from "../app/sync_job.ts";
import { selectServers } from "../config/servers.ts";
import { UsageError } from "../errors.ts";
import { createContext, type GlobalFlags } from "./context.ts";
import { printSummary, progressPrinter } from "./sync_print.ts";
import { withInterrupt } from "./signals.ts";

export interface SyncFlags {
  server?: string;
  library?: string[];
  dryRun?: true;
  full?: true;
  json?: true;
  removeMissing?: true;
  maxRemove?: string;
  skipUnreachable?: true;
}

export async function syncCommand(flags: GlobalFlags, opts: SyncFlags): Promise<void> {
  const ctx = createContext(flags);
  const servers = selectServers(ctx.config, opts.server);
  const removeMissing = removalOptions(opts, servers.length, ctx.config.servers.length);
  await withInterrupt(async (signal) => {
    const shown = new Set<string>();
    const result = await runSyncJob(ctx, {
      ...(opts.server !== undefined ? { server: opts.server } : {}),
      ...(opts.library ? { library: opts.library } : {}),
      dryRun: Boolean(opts.dryRun),
      full: Boolean(opts.full),
      ...(removeMissing ? { removeMissing } : {}),
      ...(opts.skipUnreachable ? { skipUnreachable: true } : {}),
      offerSkip: true,
      owner: `\`complexionist trakt sync\` (pid ${Deno.pid})`,
      signal,
      onEvent: progressPrinter(ctx.out, shown),
    });
    if (result.readPlex) {
      if (opts.json) ctx.out.json(result.summary);
      else printSummary(ctx.out, result.summary, shown, result.readTrakt !== false);
    }
    if (result.error !== undefined) throw result.error;
  });
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
  const n = /^\s*\d+\s*$/.test(opts.maxRemove) ? Number(opts.maxRemove) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`--max-remove needs a whole number of items, not "${opts.maxRemove}"`);
  }
  return { maxRemove: n };
}
