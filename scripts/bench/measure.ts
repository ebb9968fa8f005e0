/** One benchmark size: emulators up, floor, first sync, floor again, no-op syncs, counts. */
import { fileURLToPath } from "node:url";
import { type CliRun, makeCliWorld, removeCliWorld, runCli, runMeasured } from "./cli.ts";
import { startEmulators, type WorldSize } from "./emulators.ts";
import {
  type Expected,
  expectedCounts,
  type PlexCounts,
  plexCounts,
  type TraktCounts,
  traktCounts,
} from "./expect.ts";
import { type FloorResult, measureFloor } from "./floor.ts";
import type { LibraryInfo } from "./protocol.ts";

const FLOOR_PROCESS = fileURLToPath(new URL("./floor_process.ts", import.meta.url));

/**
 * Floor runs per measurement, as a process and in the bench's warm process each (the bench's
 * process after one untimed warm-up of its own); the fastest counts.
 */
const FLOOR_RUNS = 3;
/**
 * No-op full syncs per size. As for the floor, the fastest counts for time (one run on a shared
 * machine is as much the machine's noise as the CLI's cost), and the highest for memory.
 */
export const NOOP_RUNS = 3;
/** The hourly run that finds nothing changed may make at most this many requests (issue #4). */
export const HOURLY_MAX_REQUESTS = 5;

export interface FloorSummary {
  /**
   * The floor: the fastest wall time of the floor script run as a process of its own, measured
   * exactly as the CLI is (a plain script's time includes its start, as the CLI's does).
   */
  ms: number;
  /** Highest peak RSS of those runs. */
  peakRssKiB: number | null;
  runs: number[];
  /**
   * The same pages read in the bench's own, warmed-up process (fastest of as many runs): no
   * start and a warm JIT, a stricter yardstick than any fresh process can meet. For the record.
   */
  warmMs: number;
  warmRuns: number[];
  plexRequests: number;
  traktRequests: number;
  bytes: number;
  rows: FloorResult["rows"];
}

export interface PhaseResult {
  cli: Omit<CliRun, "summary">;
  summary: CliRun["summary"];
  plex: PlexCounts;
  trakt: TraktCounts;
  itemsPerWrite: { mean: number; min: number; max: number } | null;
  /** Mean server-side time of one collection write, ms. */
  meanWriteMs: number | null;
}

export interface Check {
  name: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export interface SizeResult {
  size: WorldSize & { items: number };
  library: LibraryInfo;
  emulatorSetupMs: number;
  expected: Expected;
  floorBefore: FloorSummary;
  floorAfter: FloorSummary;
  first: PhaseResult;
  /** The fastest no-op full sync, with the highest peak RSS of them all. */
  noopFull: PhaseResult;
  /** Every no-op full sync, in order. */
  noopRuns: { wallMs: number; peakRssKiB: number | null }[];
  hourly: PhaseResult;
  ratios: {
    /** no-op full sync wall time / floor (the collection complete, as the no-op reads it). */
    noopOverFloor: number;
    /** The same against the warm in-process floor, for the record. */
    noopOverWarmFloor: number;
    /** first sync wall time / (floor before + writes × mean server time of a write). */
    firstOverFloorPlusWrites: number;
    perWriteMs: number;
  };
  /** Exact request counts and the CLI's own results; `--assert-counts` fails on any miss. */
  checks: Check[];
  cliFailed: boolean;
  totalMs: number;
}

async function floor(ready: Parameters<typeof measureFloor>[0]): Promise<FloorSummary> {
  const warm: FloorResult[] = [];
  for (let i = 0; i < FLOOR_RUNS; i++) warm.push(await measureFloor(ready));
  const runs: { wallMs: number; peakRssKiB: number | null }[] = [];
  // Its time counts only if it read what the warm runs read, page for page.
  const pages = (r: FloorResult) =>
    JSON.stringify([r.plexRequests, r.traktRequests, r.bytes, r.rows]);
  const expected = pages(warm[0]!);
  for (let i = 0; i < FLOOR_RUNS; i++) {
    const run = await runMeasured([FLOOR_PROCESS, JSON.stringify(ready)], {}, Deno.cwd());
    if (run.code !== 0) {
      throw new Error(`bench: the floor process exited ${run.code}: ${run.stderr}`);
    }
    const read = pages(JSON.parse(run.stdout) as FloorResult);
    if (read !== expected) {
      throw new Error(`bench: the floor process read ${read}, the in-process floor ${expected}`);
    }
    runs.push(run);
  }
  const best = warm.reduce((a, b) => (b.ms < a.ms ? b : a));
  return {
    ms: Math.min(...runs.map((r) => r.wallMs)),
    peakRssKiB: highest(runs.map((r) => r.peakRssKiB)),
    runs: runs.map((r) => r.wallMs),
    warmMs: best.ms,
    warmRuns: warm.map((r) => r.ms),
    plexRequests: best.plexRequests,
    traktRequests: best.traktRequests,
    bytes: best.bytes,
    rows: best.rows,
  };
}

function phase(cli: CliRun, plexEntries: PlexCounts, trakt: TraktCounts): PhaseResult {
  const { summary, ...rest } = cli;
  const items = trakt.postItems;
  const ms = trakt.postMs;
  return {
    cli: rest,
    summary,
    plex: plexEntries,
    trakt,
    itemsPerWrite: items.length
      ? {
        mean: items.reduce((a, b) => a + b, 0) / items.length,
        min: Math.min(...items),
        max: Math.max(...items),
      }
      : null,
    meanWriteMs: ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : null,
  };
}

export type Progress = (line: string) => void;

export async function measureSize(size: WorldSize, progress: Progress): Promise<SizeResult> {
  const started = performance.now();
  const items = size.movies + size.shows * size.episodes;
  progress(
    `${fmtInt(size.movies)} movies + ${fmtInt(size.shows)} shows × ${size.episodes} episodes ` +
      `= ${fmtInt(items)} items: starting the emulators`,
  );
  const emu = await startEmulators(size);
  const world = await makeCliWorld(emu.ready);
  try {
    const lib = emu.ready.library;
    const expected = expectedCounts(lib);
    const run = async (name: string, args: string[]): Promise<PhaseResult> => {
      await emu.reset();
      progress(`  ${name}: complexionist ${args.join(" ")}`);
      const cli = await runCli(world, args);
      const stats = await emu.stats();
      const result = phase(cli, plexCounts(stats.plex), traktCounts(stats.trakt));
      progress(
        `  ${name}: exit ${cli.code} in ${(cli.wallMs / 1000).toFixed(2)} s, ` +
          `${result.plex.total} Plex + ${result.trakt.get} GET + ${result.trakt.post} POST`,
      );
      if (cli.code !== 0) progress(cli.stderrTail);
      return result;
    };

    progress("  floor (warm-up, then the collection as the first sync finds it)");
    await measureFloor(emu.ready);
    const floorBefore = await floor(emu.ready);
    const first = await run("first sync", ["trakt", "sync", "--json"]);
    progress("  floor (the collection as the no-op finds it)");
    const floorAfter = await floor(emu.ready);
    const noops: PhaseResult[] = [];
    for (let i = 1; i <= NOOP_RUNS; i++) {
      noops.push(
        await run(`no-op full sync ${i}/${NOOP_RUNS}`, ["trakt", "sync", "--json", "--full"]),
      );
    }
    const noopFull = fastest(noops);
    const hourly = await run("no-op hourly sync", ["trakt", "sync", "--json"]);
    await emu.reset();

    const perWriteMs = first.meanWriteMs ?? 0;
    const checks = countChecks(expected, first, noops, hourly);
    // The floor read the whole library, or its time means nothing.
    for (const [name, f] of [["before", floorBefore], ["after", floorAfter]] as const) {
      checks.push({
        name: `floor (${name}): Plex rows = the library's movies / shows / episodes`,
        expected: `${lib.movies}/${lib.shows}/${lib.episodes}`,
        actual: `${f.rows.plexMovies}/${f.rows.plexShows}/${f.rows.plexEpisodes}`,
        ok: f.rows.plexMovies === lib.movies && f.rows.plexShows === lib.shows &&
          f.rows.plexEpisodes === lib.episodes,
      });
    }
    return {
      size: { ...size, items },
      library: lib,
      emulatorSetupMs: emu.ready.setupMs,
      expected,
      floorBefore,
      floorAfter,
      first,
      noopFull,
      noopRuns: noops.map((p) => ({ wallMs: p.cli.wallMs, peakRssKiB: p.cli.peakRssKiB })),
      hourly,
      ratios: {
        noopOverFloor: noopFull.cli.wallMs / floorAfter.ms,
        noopOverWarmFloor: noopFull.cli.wallMs / floorAfter.warmMs,
        firstOverFloorPlusWrites: first.cli.wallMs /
          (floorBefore.ms + first.trakt.postItems.length * perWriteMs),
        perWriteMs,
      },
      checks,
      cliFailed: [first, ...noops, hourly].some((p) => p.cli.code !== 0),
      totalMs: performance.now() - started,
    };
  } finally {
    await emu.stop();
    await removeCliWorld(world);
  }
}

/** The fastest run, carrying the highest peak RSS of all: time is noise-prone, memory is not. */
function fastest(runs: PhaseResult[]): PhaseResult {
  const best = runs.reduce((a, b) => (b.cli.wallMs < a.cli.wallMs ? b : a));
  return { ...best, cli: { ...best.cli, peakRssKiB: highest(runs.map((p) => p.cli.peakRssKiB)) } };
}

/** The highest peak RSS of several runs; null when none could be sampled. */
function highest(peaks: (number | null)[]): number | null {
  const known = peaks.filter((x): x is number => x !== null);
  return known.length ? Math.max(...known) : null;
}

function countChecks(
  e: Expected,
  first: PhaseResult,
  noops: PhaseResult[],
  hourly: PhaseResult,
) {
  const checks: Check[] = [];
  const eq = (name: string, expected: number, actual: number | undefined) =>
    checks.push(equalCheck(name, expected, actual));
  const add = (name: string, expected: string, actual: string, ok: boolean) =>
    checks.push({ name, expected, actual, ok });

  // The first sync: exactly what was missing, in ⌈n/250⌉ writes, details only for it.
  eq("first: exit code", 0, first.cli.code);
  eq("first: movies added", e.toAdd.movies, first.summary?.added.movies);
  eq("first: episodes added", e.toAdd.episodes, first.summary?.added.episodes);
  eq("first: Trakt collection writes (⌈items/250⌉)", e.writes, first.trakt.post);
  eq(
    "first: Plex sections + listing pages",
    e.plexSectionsAndPages,
    first.plex.sections + first.plex.listingPages,
  );
  eq("first: other Plex requests", 0, first.plex.other);
  add(
    "first: Plex detail requests (batched, only for items sent)",
    e.toAdd.total > 0 ? `1..${e.maxDetails}` : "0",
    String(first.plex.details),
    e.toAdd.total > 0
      ? first.plex.details >= 1 && first.plex.details <= e.maxDetails &&
        first.plex.detailKeys <= e.toAdd.total
      : first.plex.details === 0,
  );
  eq("first: 429 answers", 0, first.trakt.status429);

  // The no-op full diff, every run of it: sections + pages, nothing else, nothing sent.
  for (const [i, noop] of noops.entries()) {
    const run = noops.length > 1 ? ` (run ${i + 1})` : "";
    eq(`no-op full: exit code${run}`, 0, noop.cli.code);
    eq(`no-op full: items planned${run}`, 0, sumCounts(noop.summary?.planned));
    eq(
      `no-op full: Plex requests (sections + listing pages)${run}`,
      e.plexSectionsAndPages,
      noop.plex.total,
    );
    eq(`no-op full: Plex detail requests${run}`, 0, noop.plex.details);
    eq(`no-op full: Trakt POSTs${run}`, 0, noop.trakt.post);
  }

  // The hourly run right after: nothing changed, a handful of requests.
  eq("no-op hourly: exit code", 0, hourly.cli.code);
  eq("no-op hourly: items planned", 0, sumCounts(hourly.summary?.planned));
  eq("no-op hourly: Plex detail requests", 0, hourly.plex.details);
  eq("no-op hourly: Trakt POSTs", 0, hourly.trakt.post);
  const total = hourly.plex.total + hourly.trakt.get + hourly.trakt.post;
  add(
    "no-op hourly: HTTP requests in all",
    `≤ ${HOURLY_MAX_REQUESTS}`,
    String(total),
    total <= HOURLY_MAX_REQUESTS,
  );
  // The CLI's own request counts (its JSON `requests`) must agree with what the fakes saw.
  for (
    const [name, p] of [
      ["first", first],
      ...noops.map((n, i) => [`no-op full (run ${i + 1})`, n] as const),
      ["no-op hourly", hourly],
    ] as const
  ) {
    const r = p.summary?.requests;
    add(
      `${name}: the CLI's own request counts = the emulators' (plex/get/post)`,
      `${p.plex.total}/${p.trakt.get}/${p.trakt.post}`,
      r ? `${r.plex}/${r.trakt_get}/${r.trakt_post}` : "none",
      r !== undefined && r.plex === p.plex.total && r.trakt_get === p.trakt.get &&
        r.trakt_post === p.trakt.post,
    );
  }
  return checks;
}

/** A check that `actual` is exactly `expected`. */
export function equalCheck(name: string, expected: number, actual: number | undefined): Check {
  return { name, expected: String(expected), actual: String(actual), ok: actual === expected };
}

export function sumCounts(
  c: { movies: number; episodes: number } | undefined,
): number | undefined {
  return c ? c.movies + c.episodes : undefined;
}

export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}
