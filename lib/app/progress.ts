/** One line of text per sync event, shared by the terminal's progress and the dashboard's. */
import type { SyncEvent } from "../sync/run.ts";

/**
 * A count as `toLocaleString("en-US")` writes it. Counts are whole numbers: grouped by hand,
 * as the first `toLocaleString` or `Intl.NumberFormat` costs ~10 ms of ICU set-up, and each
 * `toLocaleString` builds a formatter again (50-60 ms over a 110,000-item sync's progress).
 */
export function formatCount(x: number): string {
  if (!Number.isSafeInteger(x)) return x.toLocaleString("en-US");
  return String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const n = formatCount;

export interface ProgressLine {
  text: string;
  /** A step's last line, worth keeping in a log (the others are overwritten in place). */
  final: boolean;
  /** Set for a step with a known size: how far it is. */
  done?: number;
  total?: number;
}

/** Undefined for warnings: front ends show those their own way. */
export function describeEvent(e: SyncEvent): ProgressLine | undefined {
  switch (e.type) {
    case "plex-progress":
      return {
        text: `Reading "${e.server}" / ${e.library}: ${n(e.done)} of ${n(e.total)}`,
        final: false,
        done: e.done,
        total: e.total,
      };
    case "plex-read":
      return { text: `Read ${n(e.items)} items from Plex server "${e.server}"`, final: true };
    case "trakt-read":
      return {
        text: `Trakt collection: ${n(e.movies)} movies, ${n(e.episodes)} episodes of ${
          n(e.shows)
        } shows`,
        final: true,
      };
    case "planned": {
      const p = e.plan.toSend;
      return {
        text: `To add: ${n(p.movies.length)} movies, ${n(p.episodes.length)} episodes` +
          (e.batches ? ` in ${e.batches} batch${e.batches > 1 ? "es" : ""}` : ""),
        final: true,
      };
    }
    case "batch-sent":
      return {
        text: `Sent batch ${e.index} of ${e.of}: ${n(e.added)} added, ${n(e.notFound)} not found`,
        final: e.index === e.of,
        done: e.index,
        total: e.of,
      };
    case "unchanged":
      return {
        text: `Nothing changed on Plex or Trakt since ${new Date(e.since).toISOString()}: ` +
          "reusing that comparison (--full compares everything)",
        final: true,
      };
    case "warning":
      return undefined;
  }
}
