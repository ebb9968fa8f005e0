import assert from "node:assert/strict";
import type { PlexEpisode, PlexMovie } from "../model.ts";
import { planRemoval, removalPayloads, removalRefusal } from "./removal.ts";
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

Deno.test("planRemoval() removes every episode of a show Plex no longer has", () => {
  const plan = planRemoval([movie("a", { imdb: "tt0133093" }), movie("b", { tmdb: 120 })], index);
  assert.equal(plan.movies.length, 0);
  assert.equal(plan.episodes.length, 3);
});

Deno.test("removalRefusal() refuses when a library came back empty", () => {
  const reason = removalRefusal({
    plan: { movies: [], episodes: [] },
    libraryCounts: new Map([["Main / Movies", 0], ["Main / TV", 10]]),
    collected: 1000,
  });
  assert.match(reason ?? "", /"Main \/ Movies" came back empty/);
});

Deno.test("removalRefusal() refuses past 50 items or 10% unless --max-remove allows it", () => {
  const plan = planRemoval([], index); // Plex has nothing: 2 movies and 3 episodes
  const counts = new Map([["Main / Movies", 5]]);
  assert.equal(plan.movies.length + plan.episodes.length, 5);
  assert.match(removalRefusal({ plan, libraryCounts: counts, collected: 40 }) ?? "", /limit of 4/);
  assert.equal(removalRefusal({ plan, libraryCounts: counts, collected: 1000 }), undefined);
  assert.equal(
    removalRefusal({ plan, libraryCounts: counts, collected: 40, maxRemove: 5 }),
    undefined,
  );
  assert.match(
    removalRefusal({ plan, libraryCounts: counts, collected: 10_000, maxRemove: 4 }) ?? "",
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
