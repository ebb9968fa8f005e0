/** Human output of a sync: live progress from SyncEvents, then the report (design §7 "Report"). */
import type { ExternalIds } from "../model.ts";
import type { SyncSummary } from "../sync/report.ts";
import { refusalWarning, type SyncEvent } from "../sync/run.ts";
import type { Output } from "./output.ts";
import { describeEvent, formatCount } from "../app/progress.ts";

const n = formatCount;

/**
 * `shown` collects the warnings printed as they happened, so that the report after the run does
 * not print them a second time.
 */
export function progressPrinter(out: Output, shown: Set<string>): (e: SyncEvent) => void {
  return (e) => {
    if (e.type === "warning") {
      shown.add(e.message);
      return out.warn(e.message);
    }
    const line = describeEvent(e);
    // Without a TTY every batch gets its own line: a log shows the run's pace.
    if (line) out.progress(line.text, line.final || (e.type === "batch-sent" && !out.o.tty));
  };
}

/** `readTrakt` false: Trakt's collection was never read, so there is no plan to tell of. */
export function printSummary(
  out: Output,
  s: SyncSummary,
  shown = new Set<string>(),
  readTrakt = true,
): void {
  const missing = new Set((s.servers_failed ?? []).map((f) => f.server));
  const read = s.servers.filter((x) => !missing.has(x));
  out.info(
    `Plex: ${n(s.plex.movies)} movies, ${n(s.plex.episodes)} episodes of ${
      n(s.plex.shows)
    } shows ` +
      `on ${read.map((x) => `"${x}"`).join(", ")}` +
      (missing.size ? ` (not read: ${[...missing].map((x) => `"${x}"`).join(", ")})` : ""),
  );
  if (!readTrakt) {
    // Only what was read: the error that follows says why Trakt was not.
  } else if (s.dry_run) {
    out.success(
      `Dry run: would add ${n(s.planned.movies)} movies and ${n(s.planned.episodes)} episodes ` +
        `(${n(s.existing.movies)} movies and ${
          n(s.existing.episodes)
        } episodes already on Trakt). ` +
        "Nothing was sent",
    );
  } else if (s.planned.movies + s.planned.episodes === 0) {
    out.success(
      `Nothing to add: Trakt already has all ${n(s.existing.movies)} movies and ` +
        `${n(s.existing.episodes)} episodes`,
    );
  } else {
    out.success(
      `Added ${n(s.added.movies)} movies and ${n(s.added.episodes)} episodes to Trakt ` +
        `(${n(s.existing.movies)} movies and ${
          n(s.existing.episodes)
        } episodes were already there)`,
    );
  }
  const nf = s.not_found;
  if (nf.movies.length + nf.episodes.length > 0) {
    out.info(
      `Not found on Trakt (${
        n(nf.movies.length + nf.episodes.length)
      }; not retried for 7 days unless --full):`,
    );
    for (const m of nf.movies) {
      out.info(`  movie    ${m.title}${m.year ? ` (${m.year})` : ""}  ${ids(m.ids)}`);
    }
    for (const e of nf.episodes) {
      out.info(`  episode  ${e.show} S${pad(e.season)}E${pad(e.number)}  ${ids(e.ids)}`);
    }
  }
  if (s.skipped.length > 0) {
    out.info(`Skipped (cannot be matched on Trakt), by reason:`);
    const byReason = new Map<string, SyncSummary["skipped"]>();
    for (const x of s.skipped) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), x]);
    for (const [reason, rows] of byReason) {
      out.info(`  ${reason}:`);
      for (const r of rows) {
        const what = r.type === "show"
          ? `show "${r.title}"${r.year ? ` (${r.year})` : ""}, ${r.episodes} episode(s)`
          : `movie "${r.title}"${r.year ? ` (${r.year})` : ""}`;
        out.info(`    ${what} in ${r.server} / ${r.library}`);
      }
    }
  }
  if (s.removal) printRemoval(out, s, s.removal, shown);
  for (const w of s.warnings) if (!shown.has(w)) out.warn(w);
}

function pad(x: number): string {
  return String(x).padStart(2, "0");
}

function ids(i: ExternalIds): string {
  return Object.entries(i).map(([k, v]) => `${k}:${v}`).join(", ");
}

function printRemoval(
  out: Output,
  s: SyncSummary,
  r: NonNullable<SyncSummary["removal"]>,
  shown: Set<string>,
): void {
  const planned = r.planned.movies + r.planned.episodes;
  const discs = r.physical.movies + r.physical.episodes;
  if (discs > 0) {
    // Every run: information, not a warning.
    out.info(
      `Kept ${n(r.physical.movies)} movies and ${n(r.physical.episodes)} episodes that Trakt ` +
        "has on a physical medium (Blu-ray, DVD…): --remove-missing never removes them",
    );
  }
  if (planned === 0 && r.refused) {
    // Refused before anything was planned (a server missing or with no library): not "nothing",
    // and said once (the warning shown as it happened, else here).
    if (!shown.has(refusalWarning(r.refused))) out.info(`Removal refused: ${r.refused}`);
    return;
  }
  if (planned === 0) {
    out.info(
      `Nothing to remove: every ${discs > 0 ? "other " : ""}movie and episode on Trakt is ` +
        "still on Plex",
    );
    return;
  }
  const verb = r.refused || s.dry_run ? "Would remove" : "Removed";
  const counts = r.refused || s.dry_run ? r.planned : r.removed;
  out.info(
    `${verb} ${n(counts.movies)} movies and ${n(counts.episodes)} episodes no Plex server has:`,
  );
  for (const m of r.movies) {
    out.info(`  movie    ${m.title ?? "?"}${m.year ? ` (${m.year})` : ""}  ${ids(m.ids)}`);
  }
  for (const e of r.episodes) {
    out.info(`  episode  ${e.show ?? "?"} S${pad(e.season)}E${pad(e.number)}  ${ids(e.ids)}`);
  }
}
