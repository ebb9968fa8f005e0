/**
 * The near-free hourly run must give the same answer as the full diff. Random sequences of
 * Plex additions, outside changes to the Trakt collection and quiet hours; after every step a
 * full diff (no cache, dry run) and the cached run (the real one, which then sends) must agree.
 */
import assert from "node:assert/strict";
import {
  type FakeEpisode,
  type FakeMovie,
  FakePlex,
  type FakeSection,
} from "../emulators/fake_plex.ts";
import { FakeTrakt } from "../emulators/fake_trakt.ts";
import { mulberry32, SYNTHETIC_SECTIONS, syntheticLibrary } from "../emulators/synthetic.ts";
import { engineWorld } from "./world.ts";
import type { SyncSummary } from "../../lib/sync/report.ts";

interface Pending {
  movies: FakeMovie[];
  episodes: { show: string; episode: FakeEpisode }[];
}

/** Holds back a share of the library: these arrive in Plex later, one step at a time. */
function holdBack(sections: FakeSection[], rand: () => number): Pending {
  const pending: Pending = { movies: [], episodes: [] };
  for (const s of sections) {
    if (s.key !== SYNTHETIC_SECTIONS.movies && s.key !== SYNTHETIC_SECTIONS.shows) continue;
    if (s.movies) {
      const keep = s.movies.filter(() => rand() < 0.7);
      pending.movies.push(...s.movies.filter((m) => !keep.includes(m)));
      s.movies = keep;
    }
    for (const show of s.shows ?? []) {
      const keep = show.episodes.filter((_e, i) => i === 0 || rand() < 0.7);
      for (const e of show.episodes) {
        if (!keep.includes(e)) pending.episodes.push({ show: show.ratingKey, episode: e });
      }
      show.episodes = keep;
    }
  }
  return pending;
}

/** What must be equal: everything but the per-run bookkeeping. */
function comparable(s: SyncSummary) {
  return {
    plex: s.plex,
    trakt_before: s.trakt_before,
    planned: s.planned,
    existing: s.existing,
    skipped: s.skipped.length,
  };
}

for (const seed of [1, 2, 3]) {
  Deno.test(`incremental run equals the full diff after every step (seed ${seed})`, async () => {
    const rand = mulberry32(seed * 7919);
    const lib = syntheticLibrary({
      seed,
      movies: 30,
      shows: 4,
      episodesPerShow: 12,
      collectedFraction: 0.4,
    });
    const pending = holdBack(lib.sections, rand);
    const plex = new FakePlex({ sections: lib.sections });
    const trakt = new FakeTrakt({
      catalog: lib.catalog,
      collection: lib.collection,
      writeIntervalMs: 0,
      accountLimit: null,
    });
    const world = await engineWorld(plex, trakt);
    const outsider = trakt.issueTokens().access_token;
    const outside = (path: string, body: unknown) =>
      trakt.handler(
        new Request(`http://trakt.test${path}`, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "trakt-api-key": "test-client-id",
            "trakt-api-version": "2",
            "Authorization": `Bearer ${outsider}`,
            "User-Agent": "another-app/1.0",
          },
          body: JSON.stringify(body),
        }),
      );
    let now = Date.parse("2026-11-24T12:00:00Z");
    let incrementalRuns = 0;
    try {
      for (let step = 0; step < 24; step++) {
        const r = rand();
        if (r < 0.2 && pending.movies.length) {
          plex.addMovie(SYNTHETIC_SECTIONS.movies, pending.movies.pop()!);
        } else if (r < 0.4 && pending.episodes.length) {
          const p = pending.episodes.pop()!;
          plex.addEpisode(SYNTHETIC_SECTIONS.shows, p.show, p.episode);
        } else if (r < 0.5) {
          // Another app removes a movie we collected.
          const m = trakt.collectedMovies()[Math.floor(rand() * trakt.collectedMovies().length)];
          if (m) {
            await (await outside("/sync/collection/remove", {
              movies: [{ ids: { trakt: m.trakt } }],
            })).body?.cancel();
          }
        } else if (r < 0.6) {
          // Another app collects a catalogue movie.
          const m = lib.catalog.movies[Math.floor(rand() * lib.catalog.movies.length)]!;
          await (await outside("/sync/collection", { movies: [{ ids: { trakt: m.trakt } }] })).body
            ?.cancel();
        } else if (r < 0.7) {
          // Another app removes one episode we collected.
          const eps = trakt.collectedEpisodes();
          const e = eps[Math.floor(rand() * eps.length)];
          if (e) {
            const body = {
              shows: [{
                ids: { trakt: e.show },
                seasons: [{ number: e.season, episodes: [{ number: e.number }] }],
              }],
            };
            await (await outside("/sync/collection/remove", body)).body?.cancel();
          }
        } // else: a quiet hour.
        now += 3600_000;
        const full = await world.sync({ cache: false, dryRun: true, now });
        assert.equal(full.error, undefined);
        const fast = await world.sync({ cache: true, now });
        assert.equal(fast.error, undefined, String(fast.error));
        assert.deepEqual(comparable(fast.summary), comparable(full.summary), `step ${step}`);
        if (fast.summary.incremental) {
          incrementalRuns++;
          // The near-free run: Trakt's stamps and Plex's section list, nothing else.
          assert.equal(fast.traktRequests, 1, `step ${step}: trakt requests`);
          assert.equal(fast.plexRequests, 1, `step ${step}: plex requests`);
        }
        // Whatever the path, afterwards Trakt holds everything Plex has that Trakt knows.
        const again = await world.sync({ cache: false, dryRun: true, now });
        assert.equal(
          again.summary.planned.movies + again.summary.planned.episodes,
          0,
          `step ${step}`,
        );
      }
      assert.ok(incrementalRuns > 0, "the sequence never exercised the incremental path");
    } finally {
      await world.close();
    }
  });
}

/** A small synthetic library, everything but `unknownToTraktFraction` of it on Trakt already. */
function collectedWorld(seed: number, unknownToTraktFraction = 0) {
  const lib = syntheticLibrary({
    seed,
    movies: 12,
    shows: 1,
    episodesPerShow: 5,
    collectedFraction: 1,
    unknownToTraktFraction,
  });
  const plex = new FakePlex({ sections: lib.sections });
  const trakt = new FakeTrakt({
    catalog: lib.catalog,
    collection: lib.collection,
    writeIntervalMs: 0,
  });
  return engineWorld(plex, trakt);
}

Deno.test("incremental run is not trusted after a day, nor with --full", async () => {
  const world = await collectedWorld(9);
  try {
    const t0 = Date.parse("2026-11-24T12:00:00Z");
    assert.equal((await world.sync({ cache: true, now: t0 })).summary.incremental, false);
    assert.equal((await world.sync({ cache: true, now: t0 + 3600_000 })).summary.incremental, true);
    assert.equal(
      (await world.sync({ cache: true, full: true, now: t0 + 7200_000 })).summary.incremental,
      false,
    );
    assert.equal(
      (await world.sync({ cache: true, now: t0 + 27 * 3600_000 })).summary.incremental,
      false,
    );
  } finally {
    await world.close();
  }
});

Deno.test("incremental run is not trusted once a withheld not-found item is due again", async () => {
  const world = await collectedWorld(11, 0.3);
  const hour = 3600_000;
  const withheld = (s: SyncSummary) => s.not_found.movies.length + s.not_found.episodes.length;
  try {
    const t0 = Date.parse("2026-11-24T12:00:00Z");
    // The first run sends the unknown items once; Trakt answers "not found".
    const first = await world.sync({ cache: true, now: t0 });
    assert.ok(withheld(first.summary) > 0, "the library has items Trakt does not know");
    // Then the cached run stands in for the full diff (which sends nothing) most hours.
    await world.sync({ cache: true, now: t0 + hour });
    let incrementalRuns = 0;
    let t = t0 + 2 * hour;
    for (; t < t0 + 8 * 24 * hour; t += hour) {
      const full = await world.sync({ cache: false, dryRun: true, now: t });
      const fast = await world.sync({ cache: true, dryRun: true, now: t });
      assert.deepEqual(
        comparable(fast.summary),
        comparable(full.summary),
        `at +${(t - t0) / hour} h`,
      );
      if (fast.summary.incremental) incrementalRuns++;
      if (full.summary.planned.movies + full.summary.planned.episodes > 0) break;
    }
    assert.ok(incrementalRuns > 0, "the cached run never stood in");
    // A week after Trakt's answer the full diff sends them again, and so does the hourly run.
    assert.equal(t, t0 + 7 * 24 * hour, `due at +${(t - t0) / hour} h`);
  } finally {
    await world.close();
  }
});
