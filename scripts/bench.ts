/**
 * `deno task bench`: the real CLI against emulated Plex and Trakt (in their own process, write
 * interval 0, half the library already collected), measured against the I/O floor; then one
 * paced first sync at Trakt's real write limit, counting the 429s it provokes.
 *
 *   deno task bench                     10,000 movies + 2,000 shows × 50 episodes
 *   deno task bench --quick             1,000 movies + 100 shows × 50 episodes
 *   deno task bench --movies 2000 --shows 40 --episodes 50
 *   deno task bench --targets           the three sizes: 4,000, 16,000, default
 *   deno task bench --scaling           ¼, ½ and 1 × the size, to show the cost is linear
 *   deno task bench --assert-counts     exit 1 unless every request count is exactly right
 *   deno task bench --json-only         print the results JSON instead of the tables
 *
 * Writes bench/results.json. Timings never fail the bench; it exits non-zero only when the
 * CLI fails, or (with --assert-counts) when a request count is not what it must be.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { warmUpCli } from "./bench/cli.ts";
import type { WorldSize } from "./bench/emulators.ts";
import { fmtInt, measureSize, type SizeResult } from "./bench/measure.ts";
import { measurePaced, type PacedResult } from "./bench/paced.ts";
import {
  DEFAULT_SIZE,
  pacedReport,
  scaling,
  scalingReport,
  sizeReport,
  targets,
  targetsReport,
} from "./bench/report.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const OUT = join(REPO, "bench", "results.json");
const QUICK = { movies: 1_000, shows: 100, episodes: 50 } as const;
/** The target sizes: 4,000 items (2,000 movies + 2,000 episodes), 16,000, default. */
const TARGET_SIZES: WorldSize[] = [
  { movies: 2_000, shows: 40, episodes: 50 },
  { movies: 8_000, shows: 160, episodes: 50 },
  { ...DEFAULT_SIZE },
];

const USAGE = `Usage: deno task bench [options]
  --movies N        movies in the synthetic library (default ${DEFAULT_SIZE.movies})
  --shows N         shows (default ${DEFAULT_SIZE.shows})
  --episodes N      episodes per show (default ${DEFAULT_SIZE.episodes})
  --quick           ${QUICK.movies} movies, ${QUICK.shows} shows × ${QUICK.episodes} episodes
  --targets         run the issue's sizes: 4,000 / 16,000 / default items
  --scaling         also run ¼ and ½ of the size, to show linear cost
  --assert-counts   exit 1 unless every request count is exactly as expected
  --json-only       print the results JSON on stdout instead of the tables
Writes ${OUT}`;

function count(v: string | undefined, fallback: number, name: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} wants a whole number, got "${v}"\n\n${USAGE}`);
    Deno.exit(2);
  }
  return n;
}

async function machine() {
  const read = (p: string) => Deno.readTextFile(p).catch(() => "");
  const meminfo = await read("/proc/meminfo");
  const cpuinfo = await read("/proc/cpuinfo");
  const memKiB = /^MemTotal:\s+(\d+)\s+kB/m.exec(meminfo)?.[1];
  return {
    build: Deno.build,
    deno: Deno.version,
    hardwareConcurrency: navigator.hardwareConcurrency,
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? null,
    memTotalMiB: memKiB ? Math.round(Number(memKiB) / 1024) : null,
  };
}

function sizeKey(s: WorldSize): string {
  return `${s.movies}/${s.shows}/${s.episodes}`;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      options: {
        movies: { type: "string" },
        shows: { type: "string" },
        episodes: { type: "string" },
        quick: { type: "boolean" },
        targets: { type: "boolean" },
        scaling: { type: "boolean" },
        "assert-counts": { type: "boolean" },
        "json-only": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : err}\n\n${USAGE}`);
    return 2;
  }
  const o = parsed.values;
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const base = o.quick ? QUICK : DEFAULT_SIZE;
  const main: WorldSize = {
    movies: count(o.movies, base.movies, "movies"),
    shows: count(o.shows, base.shows, "shows"),
    episodes: count(o.episodes, base.episodes, "episodes"),
  };
  const sizes: WorldSize[] = o.targets ? [...TARGET_SIZES] : [main];
  const scaled = o.targets ? DEFAULT_SIZE : main;
  const scalingSizes: WorldSize[] = o.scaling
    ? [0.25, 0.5, 1].map((f) => ({
      movies: Math.round(scaled.movies * f),
      shows: Math.round(scaled.shows * f),
      episodes: scaled.episodes,
    }))
    : [];
  const runList = [...scalingSizes, ...sizes].filter((s, i, all) =>
    all.findIndex((x) => sizeKey(x) === sizeKey(s)) === i
  ).sort((a, b) => (a.movies + a.shows * a.episodes) - (b.movies + b.shows * b.episodes));

  const progress = (line: string) => console.error(line);
  const started = new Date();
  progress(`complexionist bench: ${runList.length} size(s); warming up the CLI`);
  const warmUpMs = await warmUpCli();

  const results: SizeResult[] = [];
  let cliFailed = false;
  for (const size of runList) {
    const r = await measureSize(size, progress);
    results.push(r);
    if (r.cliFailed) {
      cliFailed = true;
      progress("the CLI failed: stopping here");
      break;
    }
  }
  // The write pace once per bench, whatever the sizes: its figure is a count of 429s.
  let paced: PacedResult | undefined;
  if (!cliFailed) {
    paced = await measurePaced(progress);
    if (paced.code !== 0) cliFailed = true;
  }
  const sc = o.scaling
    ? scaling(results.filter((r) => scalingSizes.some((s) => sizeKey(s) === sizeKey(r.size))))
    : undefined;
  const targetRows = targets(results, sc, paced);
  const countsOk = results.every((r) => r.checks.every((c) => c.ok)) &&
    (paced?.checks.every((c) => c.ok) ?? true);
  const mach = await machine();
  const doc = {
    date: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    options: {
      sizes: runList,
      quick: Boolean(o.quick),
      targets: Boolean(o.targets),
      scaling: Boolean(o.scaling),
      assertCounts: Boolean(o["assert-counts"]),
      collectedFraction: 0.5,
      fakeWriteIntervalMs: 0,
      cliWriteIntervalMs: 0,
      accountLimit: null,
      vip: true,
    },
    machine: mach,
    cliWarmUpMs: warmUpMs,
    results,
    paced: paced ?? null,
    scaling: sc ?? null,
    targets: targetRows,
    countsOk,
    cliFailed,
  };
  await Deno.mkdir(join(REPO, "bench"), { recursive: true });
  await Deno.writeTextFile(OUT, JSON.stringify(doc, null, 2) + "\n");

  if (o["json-only"]) {
    console.log(JSON.stringify(doc, null, 2));
  } else {
    const mem = mach.memTotalMiB ? `${(mach.memTotalMiB / 1024).toFixed(1)} GiB` : "? GiB";
    const out = [
      `complexionist bench, ${doc.date}`,
      `${mach.build.os} ${mach.build.arch}, ${mach.cpuModel ?? "unknown CPU"}, ` +
      `${mach.hardwareConcurrency} CPUs, ${mem}, Deno ${mach.deno.deno}`,
      "fakes in their own process, write interval 0 (but in the paced sync), VIP, no account " +
      "limit; wall = spawn to exit of `deno run main.ts trakt sync --json`",
    ];
    for (const r of results) out.push("", sizeReport(r));
    if (paced) out.push("", "Write pace (Trakt's real limit)", pacedReport(paced));
    if (sc) out.push("", "Scaling (¼, ½, 1 × size)", scalingReport(sc));
    out.push("", "Targets (issue #4), for the sizes run", targetsReport(targetRows));
    out.push("", `Results: ${OUT} (${fmtInt(Math.round(doc.durationMs / 1000))} s in all)`);
    console.log(out.join("\n"));
  }
  if (cliFailed) {
    console.error("bench: the CLI failed");
    return 1;
  }
  if (o["assert-counts"] && !countsOk) {
    console.error("bench: request counts are not as expected (--assert-counts)");
    return 1;
  }
  return 0;
}

Deno.exit(await main());
