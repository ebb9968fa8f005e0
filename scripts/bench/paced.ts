/**
 * The write pace, measured: a first sync against a fake Trakt that keeps Trakt's real limit
 * (one write per second, a 429 to any write sooner), by the CLI with its default pace, as users
 * run it. Its figure is the number of 429s the CLI provoked, which must be zero; the other
 * phases run without pace so that waiting hides none of the CLI's own cost.
 */
import { makeCliWorld, removeCliWorld, runCli } from "./cli.ts";
import { startEmulators, type WorldSize } from "./emulators.ts";
import { expectedCounts, type TraktCounts, traktCounts } from "./expect.ts";
import { type Check, equalCheck, type Progress, sumCounts } from "./measure.ts";
import { MIN_TRAKT_WRITE_INTERVAL_MS } from "../../lib/config/trakt.ts";

/** 1,500 items, half collected: three writes, two and a half seconds at the real pace. */
export const PACED_SIZE: WorldSize = { movies: 1_000, shows: 10, episodes: 50 };
/** Trakt's limit on writes (trakt-api.md): one per second per user. */
export const TRAKT_WRITE_INTERVAL_MS = 1_000;

export interface PacedResult {
  size: WorldSize & { items: number };
  fakeWriteIntervalMs: number;
  /** The CLI's own pace: its default, as the bench's config leaves `write_interval_ms` out. */
  cliWriteIntervalMs: number;
  code: number;
  wallMs: number;
  writes: number;
  status429: number;
  trakt: TraktCounts;
  checks: Check[];
}

export async function measurePaced(progress: Progress): Promise<PacedResult> {
  const size = PACED_SIZE;
  const items = size.movies + size.shows * size.episodes;
  progress(
    `paced: ${items} items, the fake Trakt at one write per ${TRAKT_WRITE_INTERVAL_MS} ms, ` +
      "the CLI at its default pace",
  );
  const emu = await startEmulators(size, TRAKT_WRITE_INTERVAL_MS);
  const world = await makeCliWorld(emu.ready, true);
  try {
    const expected = expectedCounts(emu.ready.library);
    await emu.reset();
    const cli = await runCli(world, ["trakt", "sync", "--json"]);
    const trakt = traktCounts((await emu.stats()).trakt);
    progress(
      `  paced first sync: exit ${cli.code} in ${(cli.wallMs / 1000).toFixed(2)} s, ` +
        `${trakt.post} POST, ${trakt.status429} answered 429`,
    );
    if (cli.code !== 0) progress(cli.stderrTail);
    const checks: Check[] = [
      equalCheck("paced: exit code", 0, cli.code),
      equalCheck("paced: items added", expected.toAdd.total, sumCounts(cli.summary?.added)),
      equalCheck("paced: Trakt collection writes (⌈items/250⌉)", expected.writes, trakt.post),
      equalCheck("paced: 429 answers", 0, trakt.status429),
    ];
    return {
      size: { ...size, items },
      fakeWriteIntervalMs: TRAKT_WRITE_INTERVAL_MS,
      cliWriteIntervalMs: MIN_TRAKT_WRITE_INTERVAL_MS,
      code: cli.code,
      wallMs: cli.wallMs,
      writes: trakt.post,
      status429: trakt.status429,
      trakt,
      checks,
    };
  } finally {
    await emu.stop();
    await removeCliWorld(world);
  }
}
