/** The bench's readable output: one table per size, the ratios, the checks and the targets. */
import { fmtInt, HOURLY_MAX_REQUESTS, type PhaseResult, type SizeResult } from "./measure.ts";
import type { PacedResult } from "./paced.ts";

export interface TargetRow {
  target: string;
  measured: string;
  status: "met" | "not met" | "not run";
}

export interface ScalingRow {
  items: number;
  floorMs: number;
  firstMs: number;
  noopMs: number;
}

export interface Scaling {
  rows: ScalingRow[];
  /**
   * Marginal cost per item from ½× to 1× over that from ¼× to ½×, per phase: about 1 when the
   * cost is linear, clearly above when it grows faster than the library.
   */
  marginalRatio: { floor: number; first: number; noop: number };
  linear: boolean;
}

/** Ratio of marginal costs above which the bench calls the growth more than linear. */
const LINEAR_TOLERANCE = 1.5;
const MiB = 1024;

export const DEFAULT_SIZE = { movies: 10_000, shows: 2_000, episodes: 50 } as const;

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number | null) => (kib === null ? "n/a" : `${(kib / MiB).toFixed(1)} MiB`);

/** A plain-text table; the first column (or every column, `leftAll`) is left-aligned. */
function table(header: string[], rows: string[][], leftAll = false): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => i === 0 || leftAll ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(
      "  ",
    ).trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function phaseRow(name: string, p: PhaseResult): string[] {
  const ipw = p.itemsPerWrite;
  return [
    name,
    s(p.cli.wallMs),
    p.summary ? s(p.summary.duration_ms) : "-",
    mib(p.cli.peakRssKiB),
    String(p.plex.total),
    String(p.plex.details),
    String(p.trakt.get),
    String(p.trakt.post),
    ipw ? ipw.mean.toFixed(0) : "-",
    p.meanWriteMs === null ? "-" : `${p.meanWriteMs.toFixed(1)} ms`,
  ];
}

export function sizeReport(r: SizeResult): string {
  const { size, library: lib } = r;
  const head = `${fmtInt(size.movies)} movies + ${fmtInt(size.shows)} shows × ${size.episodes} ` +
    `episodes = ${fmtInt(size.items)} items; ${
      fmtInt(lib.collected.movies + lib.collected.episodes)
    } ` +
    `already on Trakt, ${fmtInt(r.expected.toAdd.total)} to add`;
  const floorRow = (name: string, f: SizeResult["floorBefore"]): string[] => [
    name,
    s(f.ms),
    "-",
    f.peakRssKiB === null ? "-" : mib(f.peakRssKiB),
    String(f.plexRequests),
    "0",
    String(f.traktRequests),
    "0",
    "-",
    "-",
  ];
  const rows = [
    floorRow("floor (before)", r.floorBefore),
    phaseRow("first sync", r.first),
    floorRow("floor (after)", r.floorAfter),
    phaseRow("no-op, full diff", r.noopFull),
    phaseRow("no-op, hourly", r.hourly),
  ];
  const t = table(
    [
      "phase",
      "wall",
      "CLI says",
      "peak RSS",
      "Plex req",
      "details",
      "Trakt GET",
      "POST",
      "items/POST",
      "server/POST",
    ],
    rows,
  );
  const ratio = r.ratios;
  const failed = r.checks.filter((c) => !c.ok);
  const lines = [
    head,
    "",
    t,
    "",
    `floor: ${(r.floorAfter.bytes / 1024 / 1024).toFixed(1)} MiB of JSON in ` +
    `${r.floorAfter.plexRequests + r.floorAfter.traktRequests} requests; as a process (as the ` +
    `CLI runs) ${r.floorAfter.runs.map((x) => s(x)).join(", ")} (the fastest counts); in the ` +
    `bench's warm process ${r.floorAfter.warmRuns.map((x) => s(x)).join(", ")}`,
    `no-op full: runs ${r.noopRuns.map((x) => s(x.wallMs)).join(", ")} (the fastest counts; ` +
    `peak RSS ${r.noopRuns.map((x) => mib(x.peakRssKiB)).join(", ")}, the highest counts)`,
    `no-op full / floor = ${ratio.noopOverFloor.toFixed(2)} ` +
    `(/ the warm in-process floor = ${ratio.noopOverWarmFloor.toFixed(2)})`,
    `first / (floor + ${r.first.trakt.post} writes × ${ratio.perWriteMs.toFixed(1)} ms) ` +
    `= ${ratio.firstOverFloorPlusWrites.toFixed(2)}`,
    failed.length === 0
      ? `request counts: all ${r.checks.length} checks as expected`
      : `request counts: ${failed.length} of ${r.checks.length} checks FAILED:\n` +
        failed.map((c) => `  ${c.name}: expected ${c.expected}, got ${c.actual}`).join("\n"),
  ];
  return lines.join("\n");
}

function isSize(r: SizeResult, m: number, sh: number, e: number): boolean {
  return r.size.movies === m && r.size.shows === sh && r.size.episodes === e;
}

function peakRss(r: SizeResult): number | null {
  const v = [r.first, r.noopFull, r.hourly].map((p) => p.cli.peakRssKiB).filter((x) =>
    x !== null
  ) as number[];
  return v.length ? Math.max(...v) : null;
}

export function scaling(results: SizeResult[]): Scaling | undefined {
  if (results.length < 3) return undefined;
  const sorted = [...results].sort((a, b) => a.size.items - b.size.items);
  const rows = sorted.map((r) => ({
    items: r.size.items,
    floorMs: r.floorAfter.ms,
    firstMs: r.first.cli.wallMs,
    noopMs: r.noopFull.cli.wallMs,
  }));
  const [q, h, f] = [rows[0]!, rows[rows.length - 2]!, rows[rows.length - 1]!];
  const marginal = (k: "floorMs" | "firstMs" | "noopMs") =>
    ((f[k] - h[k]) / (f.items - h.items)) / ((h[k] - q[k]) / (h.items - q.items));
  const marginalRatio = {
    floor: marginal("floorMs"),
    first: marginal("firstMs"),
    noop: marginal("noopMs"),
  };
  return {
    rows,
    marginalRatio,
    linear: marginalRatio.first <= LINEAR_TOLERANCE && marginalRatio.noop <= LINEAR_TOLERANCE,
  };
}

export function scalingReport(sc: Scaling): string {
  const t = table(
    ["items", "floor", "first sync", "no-op full", "µs/item first", "µs/item no-op"],
    sc.rows.map((r) => [
      fmtInt(r.items),
      s(r.floorMs),
      s(r.firstMs),
      s(r.noopMs),
      (r.firstMs * 1000 / r.items).toFixed(1),
      (r.noopMs * 1000 / r.items).toFixed(1),
    ]),
  );
  const m = sc.marginalRatio;
  return `${t}\nmarginal cost per item, (½→1) / (¼→½): floor ${m.floor.toFixed(2)}, ` +
    `first ${m.first.toFixed(2)}, no-op ${m.noop.toFixed(2)} ` +
    `(about 1 = linear; > ${LINEAR_TOLERANCE} = growing faster than the library)`;
}

export function pacedReport(p: PacedResult): string {
  const failed = p.checks.filter((c) => !c.ok);
  return [
    `${fmtInt(p.size.items)} items, the fake Trakt refusing (429) any write sooner than ` +
    `${p.fakeWriteIntervalMs} ms after the last, the CLI at its default pace ` +
    `(${p.cliWriteIntervalMs} ms)`,
    `first sync: exit ${p.code} in ${s(p.wallMs)}, ${p.writes} writes, ${p.status429} answered 429`,
    failed.length === 0
      ? `checks: all ${p.checks.length} as expected`
      : `checks: ${failed.length} of ${p.checks.length} FAILED:\n` +
        failed.map((c) => `  ${c.name}: expected ${c.expected}, got ${c.actual}`).join("\n"),
  ].join("\n");
}

export function targets(
  results: SizeResult[],
  sc: Scaling | undefined,
  paced?: PacedResult,
): TargetRow[] {
  const rows: TargetRow[] = [];
  const at = (pred: (r: SizeResult) => boolean) => results.find(pred);
  const timed = (
    target: string,
    r: SizeResult | undefined,
    value: (r: SizeResult) => number | null,
    limit: number,
    show: (v: number) => string,
  ) => {
    const v = r ? value(r) : null;
    rows.push({
      target,
      measured: v === null ? "-" : show(v),
      status: v === null ? "not run" : v <= limit ? "met" : "not met",
    });
  };
  const small = at((r) => r.size.movies === 2000 && r.size.shows * r.size.episodes === 2000);
  const mid = at((r) => r.size.items === 16_000);
  const def = at((r) => isSize(r, DEFAULT_SIZE.movies, DEFAULT_SIZE.shows, DEFAULT_SIZE.episodes));
  timed("first sync of 4,000 items ≤ 4.8 s", small, (r) => r.first.cli.wallMs, 4800, s);
  timed("no-op full sync of 16,000 items ≤ 3.6 s", mid, (r) => r.noopFull.cli.wallMs, 3600, s);
  timed(
    "no-op full sync ≤ 1.3 × floor (default size)",
    def,
    (r) => r.ratios.noopOverFloor,
    1.3,
    (v) =>
      `${v.toFixed(2)} × (warm in-process floor: ${def?.ratios.noopOverWarmFloor.toFixed(2)} ×)`,
  );
  // The floor's own peak, for scale: what downloading and parsing the same pages takes.
  const withFloor = (r: SizeResult | undefined) => (v: number) =>
    `${mib(v)} (floor alone ${mib(r?.floorAfter.peakRssKiB ?? null)})`;
  timed("peak RSS ≤ 95 MiB at 16,000 items", mid, peakRss, 95 * MiB, withFloor(mid));
  timed("peak RSS ≤ 250 MiB (default size)", def, peakRss, 250 * MiB, withFloor(def));
  const counted = (target: string, names: (n: string) => boolean) => {
    const bad = results.filter((r) => r.checks.some((c) => names(c.name) && !c.ok));
    rows.push({
      target,
      measured: results.length === 0
        ? "-"
        : bad.length === 0
        ? `exact at ${results.map((r) => fmtInt(r.size.items)).join(", ")} items`
        : `wrong at ${bad.map((r) => fmtInt(r.size.items)).join(", ")} items`,
      status: results.length === 0 ? "not run" : bad.length === 0 ? "met" : "not met",
    });
  };
  counted(
    "Plex requests = sections + pages (+ batched details only for items sent)",
    (n) => n.includes("Plex"),
  );
  counted("Trakt writes = ⌈items to add / 250⌉, none on a no-op", (n) =>
    n.includes("POST") ||
    n.includes("writes"));
  counted(
    `hourly no-op: ≤ ${HOURLY_MAX_REQUESTS} HTTP requests`,
    (n) => n.startsWith("no-op hourly"),
  );
  rows.push({
    target: "zero 429s at Trakt's real pace",
    measured: paced
      ? `${paced.status429} in ${paced.writes} writes at one per ${paced.fakeWriteIntervalMs} ms`
      : "-",
    status: paced ? (paced.checks.every((c) => c.ok) ? "met" : "not met") : "not run",
  });
  rows.push({
    target: "cost linear in library size (--scaling)",
    measured: sc
      ? `marginal ratio first ${sc.marginalRatio.first.toFixed(2)}, ` +
        `no-op ${sc.marginalRatio.noop.toFixed(2)}`
      : "-",
    status: sc ? (sc.linear ? "met" : "not met") : "not run",
  });
  return rows;
}

export function targetsReport(rows: TargetRow[]): string {
  return table(
    ["target", "measured (this run)", "result"],
    rows.map((r) => [r.target, r.measured, r.status]),
    true,
  );
}
