import assert from "node:assert/strict";
import type { PlexEpisode, PlexMovie } from "../model.ts";
import {
  EMPTY_FOR_MS,
  libraryBefore,
  type LibraryReading,
  planRemoval,
  recordedLibrary,
  removalPayloads,
  removalRefusal,
  removedCounts,
  STALE_RECORD_MS,
} from "./removal.ts";
import { buildTraktIndex } from "./trakt_index.ts";

const base = { server: "Main", library: "Lib", addedAt: 1, media: [] };
const movie = (ratingKey: string, ids: PlexMovie["ids"]): PlexMovie => ({
  ...base,
  kind: "movie",
  ratingKey,
  title: ratingKey,
  ids,
});
const episode = (season: number, number: number): PlexEpisode => ({
  ...base,
  kind: "episode",
  ratingKey: `e${season}x${number}`,
  showTitle: "Show",
  showRatingKey: "s1",
  showIds: { tvdb: 81189 },
  ids: {},
  season,
  number,
});

const index = buildTraktIndex(
  [
    { movie: { title: "Kept", year: 1999, ids: { trakt: 1, imdb: "tt0133093", tmdb: 603 } } },
    { movie: { title: "Gone", year: 2001, ids: { trakt: 2, tmdb: 120 } } },
    { movie: { title: null, year: null, ids: { trakt: null, imdb: null, tmdb: null } } },
  ],
  [{
    show: { title: "Show", year: 2008, ids: { trakt: 9, tvdb: 81189, imdb: "tt0903747" } },
    seasons: [{ number: 1, episodes: [{ number: 1 }, { number: 2 }, { number: 3 }] }],
  }],
);

Deno.test("planRemoval() lists what Trakt has and no Plex item has, matching by any id", () => {
  const plan = planRemoval([movie("a", { tmdb: 603 }), episode(1, 1), episode(1, 3)], index);
  assert.deepEqual(plan.movies.map((m) => m.title), ["Gone"]);
  assert.deepEqual(plan.episodes.map((e) => [e.show.title, e.season, e.number]), [["Show", 1, 2]]);
});

Deno.test("planRemoval() keeps what Plex may know by an AniDB id only, whatever its title", () => {
  const anime: PlexEpisode = {
    ...episode(1, 1),
    showTitle: "Shingeki no Kyojin",
    showIds: {},
    skip: "anidb id only (HAMA)",
  };
  // Trakt's "Show" is named by no Plex item: it may be the AniDB-only one, so it stays; and
  // "Gone" may be an anime film HAMA lists as a one-episode series.
  const shows = planRemoval([movie("a", { tmdb: 603 }), anime], index);
  assert.deepEqual([shows.movies, shows.episodes], [[], []]);
  assert.deepEqual(shows.kept, { movies: 1, episodes: 3 });
  assert.deepEqual(shows.anidbOnly, ["Shingeki no Kyojin"]);
  // A show Plex names by id (its first season, say) may have later seasons AniDB keeps apart.
  const named = planRemoval([movie("a", { tmdb: 603 }), anime, episode(1, 1)], index);
  assert.deepEqual(named.episodes, []);
  assert.deepEqual(named.kept, { movies: 1, episodes: 2 });
  const film: PlexMovie = {
    ...movie("x", {}),
    title: "Kimi no Na wa",
    skip: "anidb id only (HAMA)",
  };
  const films = planRemoval([film, episode(1, 1)], index);
  assert.deepEqual([films.movies, films.episodes], [[], []]);
  assert.deepEqual(films.kept, { movies: 2, episodes: 2 });
  // Without AniDB-only titles, the same Plex items let both go.
  const plain = planRemoval([movie("a", { tmdb: 603 }), episode(1, 1)], index);
  assert.deepEqual(plain.movies.map((m) => m.title), ["Gone"]);
  assert.deepEqual(plain.episodes.map((e) => e.number), [2, 3]);
});

Deno.test("planRemoval() removes every episode of a show Plex no longer has", () => {
  const plan = planRemoval([movie("a", { imdb: "tt0133093" }), movie("b", { tmdb: 120 })], index);
  assert.equal(plan.movies.length, 0);
  assert.equal(plan.episodes.length, 3);
});

Deno.test("planRemoval() keeps what Plex has under the same title but cannot identify", () => {
  const unmatched = (title: string, year?: number): PlexMovie => ({
    ...movie(`u-${title}`, {}),
    title,
    ...(year !== undefined ? { year } : {}),
    skip: "unmatched in Plex",
  });
  // "GONE!" from 2002 may be Trakt's "Gone" (2001): case, punctuation and a year apart.
  const has = [movie("a", { tmdb: 603 }), episode(1, 1), episode(1, 2), episode(1, 3)];
  const plan = planRemoval([unmatched("GONE!", 2002), ...has], index);
  assert.deepEqual(plan.movies, []);
  assert.deepEqual(plan.kept, { movies: 1, episodes: 0 });
  // Another title, or a year too far, leaves it to be removed.
  for (const other of [unmatched("Gone Girl", 2001), unmatched("Gone", 1939)]) {
    const p = planRemoval([other, ...has], index);
    assert.deepEqual(p.movies.map((m) => m.title), ["Gone"]);
    assert.deepEqual(p.kept, { movies: 0, episodes: 0 });
  }
});

Deno.test("planRemoval() keeps the episodes of a show Plex cannot identify or number", () => {
  const { season: _s, ...unnumbered } = episode(1, 9);
  const plan = planRemoval([movie("a", { tmdb: 603 }), episode(1, 1), unnumbered], index);
  assert.deepEqual(plan.episodes, []);
  assert.deepEqual(plan.kept, { movies: 0, episodes: 2 });
  // A show without ids (an AniDB-only agent, say) vouches for the Trakt show of its title.
  const anon: PlexEpisode = { ...episode(1, 1), showIds: {}, showTitle: "Show", showYear: 2008 };
  const byTitle = planRemoval([movie("a", { tmdb: 603 }), anon], index);
  assert.deepEqual(byTitle.episodes, []);
  assert.deepEqual(byTitle.kept, { movies: 0, episodes: 3 });
  // A date-numbered episode (S2024E1123) is as unsure as one without numbers.
  const dated: PlexEpisode = {
    ...episode(2024, 1123),
    skip: "implausible season or episode number",
  };
  const byDate = planRemoval([movie("a", { tmdb: 603 }), episode(1, 1), dated], index);
  assert.deepEqual(byDate.kept, { movies: 0, episodes: 2 });
  // A home video vouches for nothing, whatever its title.
  const home: PlexEpisode = { ...anon, skip: "personal media (no agent)" };
  assert.equal(planRemoval([movie("a", { tmdb: 603 }), home], index).episodes.length, 3);
});

Deno.test("removalRefusal() refuses an empty library until every sync of a whole day has found it empty, or when it is new", () => {
  const plan = {
    movies: [],
    episodes: [],
    kept: { movies: 0, episodes: 0 },
    physical: { movies: 0, episodes: 0 },
    anidbOnly: [],
  };
  const now = Date.parse("2026-11-25T12:00:00Z");
  const refusal = (movies: LibraryReading) =>
    removalRefusal({
      plan,
      libraryCounts: new Map([["Main / Movies", movies], ["Main / TV", { items: 10, before: 9 }]]),
      collected: 1000,
      now,
    });
  assert.match(
    refusal({ items: 0, before: 120 }) ?? "",
    /"Main \/ Movies" came back empty \(it had 120 items when a sync last found any\): an unmounted disk, or a library deleted or no longer shared\? Nothing was removed. If that is meant, the removal goes ahead once every sync of a whole day has found it so/,
  );
  assert.match(refusal({ items: 0, before: undefined }) ?? "", /\(no earlier sync recorded it\)/);
  const hourAgo = now - 3600_000;
  assert.match(
    refusal({ items: 0, before: 0, emptySince: hourAgo }) ?? "",
    /\(no sync has found items in it; empty since 2026-11-25T11:00:00.000Z\)/,
  );
  assert.match(refusal({ items: 0, before: 120, emptySince: hourAgo }) ?? "", /empty since/);
  // A day of empty syncs (a DVR's watched and deleted recordings), or a new library: as meant.
  assert.equal(refusal({ items: 0, before: 120, emptySince: now - EMPTY_FOR_MS }), undefined);
  assert.equal(refusal({ items: 0, before: 0, emptySince: now - EMPTY_FOR_MS - 1 }), undefined);
  assert.equal(refusal({ items: 0, before: "new" }), undefined);
});

Deno.test("libraryBefore() reads the record: a count, new since a complete record, or unknown", () => {
  const now = 100 * 3600_000;
  const complete = {
    at: now - 3600_000,
    complete: true,
    items: { "1": 120, "2": 0, "3": null },
    emptySince: { "2": 5 },
  };
  assert.deepEqual(libraryBefore(complete, "1", now), { before: 120 });
  assert.deepEqual(libraryBefore(complete, "2", now), { before: 0, emptySince: 5 });
  assert.deepEqual(libraryBefore(complete, "3", now), { before: undefined }, "an older null");
  assert.deepEqual(libraryBefore(complete, "4", now), { before: "new" });
  // A record of some libraries only (a --library run) cannot say a library is new.
  assert.deepEqual(libraryBefore({ complete: false, items: { "1": 5 } }, "4", now), {
    before: undefined,
  });
  assert.deepEqual(libraryBefore(undefined, "1", now), { before: undefined });
});

Deno.test("libraryBefore(): the empty day restarts when no sync kept watching, or the clock lied", () => {
  const now = 100 * 3600_000;
  const record = (at: number, since: number) => ({
    at,
    complete: true,
    items: { "1": 7 },
    emptySince: { "1": since },
  });
  const kept = libraryBefore(record(now - STALE_RECORD_MS, now - 40 * 3600_000), "1", now);
  assert.equal(kept.emptySince, now - 40 * 3600_000, "a record the syncs kept up");
  // No sync for longer than the timer's daily full comparison allows: the day starts again.
  const stale = libraryBefore(record(now - STALE_RECORD_MS - 1, now - 40 * 3600_000), "1", now);
  assert.equal(stale.emptySince, undefined);
  // Written by a clock ahead of time (since put right): neither the record nor its date counts.
  assert.equal(
    libraryBefore(record(now + 3600_000, now - 40 * 3600_000), "1", now).emptySince,
    undefined,
  );
  assert.equal(
    libraryBefore(record(now - 3600_000, now + 3600_000), "1", now).emptySince,
    undefined,
  );
  // And the refusal says why the day starts again.
  assert.match(
    removalRefusal({
      plan: {
        movies: [],
        episodes: [],
        kept: { movies: 0, episodes: 0 },
        physical: { movies: 0, episodes: 0 },
        anidbOnly: [],
      },
      libraryCounts: new Map([["Main / TV", {
        items: 0,
        ...libraryBefore(record(now - STALE_RECORD_MS - 1, now - 40 * 3600_000), "1", now),
      }]]),
      collected: 100,
      now,
    }) ?? "",
    /\(it had 7 items when a sync last found any; its day starts again, as no sync listed it for over 30 hours: the removal needs syncs at least daily\)/,
  );
  // So what a sync now records restarts the day.
  assert.deepEqual(
    recordedLibrary({ items: 0, ...libraryBefore(record(now + 1, now + 1), "1", now) }, now),
    { items: 7, emptySince: now },
  );
});

Deno.test("recordedLibrary() keeps the last count found, and since when a library is empty", () => {
  assert.deepEqual(recordedLibrary({ items: 7, before: 120, emptySince: 5 }, 99), { items: 7 });
  // Empty now: the count it had stays, and the first empty sync's time, not this one's.
  assert.deepEqual(recordedLibrary({ items: 0, before: 120 }, 99), { items: 120, emptySince: 99 });
  assert.deepEqual(recordedLibrary({ items: 0, before: 120, emptySince: 5 }, 99), {
    items: 120,
    emptySince: 5,
  });
  assert.deepEqual(recordedLibrary({ items: 0, before: undefined }, 99), {
    items: 0,
    emptySince: 99,
  });
});

Deno.test("removalRefusal() refuses past 50 items or 10% unless --max-remove allows it", () => {
  const plan = planRemoval([], index); // Plex has nothing: 2 movies and 3 episodes
  const counts = new Map([["Main / Movies", { items: 5, before: 5 }]]);
  assert.equal(plan.movies.length + plan.episodes.length, 5);
  const now = 0;
  assert.match(
    removalRefusal({ plan, libraryCounts: counts, collected: 40, now }) ?? "",
    /limit of 4/,
  );
  assert.equal(removalRefusal({ plan, libraryCounts: counts, collected: 1000, now }), undefined);
  assert.equal(
    removalRefusal({ plan, libraryCounts: counts, collected: 40, maxRemove: 5, now }),
    undefined,
  );
  assert.match(
    removalRefusal({ plan, libraryCounts: counts, collected: 10_000, maxRemove: 4, now }) ?? "",
    /limit of 4/,
  );
});

Deno.test("removalPayloads() nests episodes under show and season, by Trakt id, ≤ size each", () => {
  const plan = planRemoval([], index);
  const payloads = removalPayloads(plan, 3);
  assert.equal(payloads.length, 2);
  assert.deepEqual(payloads[0]!.movies, [{ ids: { trakt: 1 } }, { ids: { trakt: 2 } }]);
  assert.deepEqual(payloads[0]!.shows, [{
    ids: { trakt: 9 },
    seasons: [{ number: 1, episodes: [{ number: 1 }] }],
  }]);
  assert.deepEqual(payloads[1]!.shows![0]!.seasons[0]!.episodes, [{ number: 2 }, { number: 3 }]);
});

Deno.test("removedCounts() takes Trakt's deleted, or after a retry what was sent and found", () => {
  const [payload] = removalPayloads(planRemoval([], index)); // 2 movies, 3 episodes of 1 show
  const lost = { deleted: { movies: 0, episodes: 0 }, not_found: { movies: [], shows: [] } };
  // Answered the first time: Trakt's word.
  assert.deepEqual(removedCounts(payload!, lost, false), { movies: 0, episodes: 0 });
  assert.deepEqual(
    removedCounts(payload!, { deleted: { movies: 2, episodes: 3 } }, false),
    { movies: 2, episodes: 3 },
  );
  // Sent again: the first attempt may have landed, its answer lost. All was collected when read.
  assert.deepEqual(removedCounts(payload!, lost, true), { movies: 2, episodes: 3 });
  // What Trakt could not find was not removed: a movie, an episode, a show echoed with its
  // episodes, or echoed bare (all its episodes sent).
  const notFound = (nf: Record<string, unknown[]>) =>
    removedCounts(payload!, { deleted: { movies: 0, episodes: 0 }, not_found: nf }, true);
  assert.deepEqual(notFound({ movies: [{ ids: { trakt: 2 } }] }), { movies: 1, episodes: 3 });
  assert.deepEqual(
    notFound({ episodes: [{ ids: { tvdb: 1 } }] }),
    { movies: 2, episodes: 2 },
  );
  const echoed = { ids: { trakt: 9 }, seasons: [{ number: 1, episodes: [{ number: 2 }] }] };
  assert.deepEqual(notFound({ shows: [echoed] }), { movies: 2, episodes: 2 });
  assert.deepEqual(notFound({ shows: [{ ids: { trakt: 9 } }] }), { movies: 2, episodes: 0 });
  // A retry that did remove everything is counted once.
  assert.deepEqual(
    removedCounts(payload!, { deleted: { movies: 2, episodes: 3 } }, true),
    { movies: 2, episodes: 3 },
  );
});

Deno.test("planRemoval() never removes what Trakt has on a physical medium (a disc the user owns)", () => {
  const discs = buildTraktIndex(
    [
      { movie: { title: "Kept", year: 1999, ids: { trakt: 1, tmdb: 603 } }, physical: true },
      { movie: { title: "Gone", year: 2001, ids: { trakt: 2, tmdb: 120 } }, physical: true },
      { movie: { title: "File", year: 2003, ids: { trakt: 3, tmdb: 121 } } },
      // The same movie again, this time as a disc: a disc in either row holds.
      { movie: { title: "Twice", year: 2004, ids: { trakt: 4, tmdb: 122 } } },
      { movie: { title: "Twice", year: 2004, ids: { trakt: 4, tmdb: 122 } }, physical: true },
    ],
    [{
      show: { title: "Show", year: 2008, ids: { trakt: 9, tvdb: 81189 } },
      seasons: [{
        number: 1,
        episodes: [{ number: 1, physical: true }, { number: 2, physical: true }, { number: 3 }],
      }],
    }],
  );
  // Plex has "Kept" and S01E01: neither is missing, so neither counts as kept for its disc.
  const plan = planRemoval([movie("a", { tmdb: 603 }), episode(1, 1)], discs);
  assert.deepEqual(plan.movies.map((m) => m.title), ["File"]);
  assert.deepEqual(plan.episodes.map((e) => e.number), [3]);
  assert.deepEqual(plan.physical, { movies: 2, episodes: 1 });
  assert.deepEqual(plan.kept, { movies: 0, episodes: 0 });
  // Digital, missing or null media types stay candidates, as the index above shows for "File".
  assert.equal(index.movieTitles.some((m) => m.physical), false);
});
