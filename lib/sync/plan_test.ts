import assert from "node:assert/strict";
import type { ExternalIds, PlexEpisode, PlexMediaFacts, PlexMovie } from "../model.ts";
import type { LeanIds, LeanMovieRow, LeanShowRow } from "../trakt/models.ts";
import { episodeKey, movieKey, planSync } from "./plan.ts";
import { buildTraktIndex, episodeCode, type TraktIndex } from "./trakt_index.ts";

// ---- builders ------------------------------------------------------------------------------

let nextKey = 1;

function movie(
  title: string,
  ids: ExternalIds,
  extra: Partial<PlexMovie> = {},
): PlexMovie {
  return {
    kind: "movie",
    server: "Main",
    library: "Movies",
    ratingKey: String(nextKey++),
    addedAt: 1_600_000_000,
    media: [],
    title,
    ids,
    ...extra,
  };
}

function episode(
  showTitle: string,
  showIds: ExternalIds,
  season: number | undefined,
  number: number | undefined,
  extra: Partial<PlexEpisode> = {},
): PlexEpisode {
  const e: PlexEpisode = {
    kind: "episode",
    server: "Main",
    library: "TV",
    ratingKey: String(nextKey++),
    addedAt: 1_600_000_000,
    media: [],
    showTitle,
    showRatingKey: `show-${showTitle}`,
    showIds,
    ids: {},
    ...extra,
  };
  if (season !== undefined) e.season = season;
  if (number !== undefined) e.number = number;
  return e;
}

function media(videoResolution: string): PlexMediaFacts {
  return { videoResolution, files: [`/media/${videoResolution}.mkv`] };
}

function movieRow(ids: LeanIds): LeanMovieRow {
  return { movie: { title: "x", year: 2000, ids } };
}

function showRow(
  ids: LeanIds,
  seasons: { number: number; episodes: number[] }[] | null,
): LeanShowRow {
  return {
    show: { title: "s", year: 2000, ids },
    seasons: seasons === null ? null : seasons.map((s) => ({
      number: s.number,
      episodes: s.episodes.map((n) => ({ number: n })),
    })),
  };
}

const EMPTY_INDEX: TraktIndex = buildTraktIndex([], []);
const NONE = new Set<string>();

// ---- keys ----------------------------------------------------------------------------------

Deno.test("movieKey() does not depend on the order of ids", () => {
  assert.equal(movieKey({ imdb: "tt1", tmdb: 2 }), movieKey({ tmdb: 2, imdb: "tt1" }));
  assert.notEqual(movieKey({ imdb: "tt1" }), movieKey({ imdb: "tt1", tmdb: 2 }));
  assert.equal(movieKey({ tmdb: 2, imdb: "tt1", tvdb: 3 }), "movie|imdb:tt1,tmdb:2,tvdb:3");
});

Deno.test("episodeKey() names show ids, season and number", () => {
  assert.equal(
    episodeKey({ tvdb: 81189, imdb: "tt0903747" }, 0, 3),
    episodeKey(
      { imdb: "tt0903747", tvdb: 81189 },
      0,
      3,
    ),
  );
  assert.notEqual(episodeKey({ tvdb: 1 }, 1, 2), episodeKey({ tvdb: 1 }, 2, 1));
  assert.notEqual(episodeKey({ tvdb: 1 }, 1, 2), episodeKey({ tvdb: 2 }, 1, 2));
  assert.equal(episodeKey({ tvdb: 1 }, 1, 2), "episode|tvdb:1|1|2");
});

// ---- matching ------------------------------------------------------------------------------

Deno.test("planSync() matches a movie by any id (Plex imdb+tmdb, Trakt tmdb only)", () => {
  const index = buildTraktIndex([movieRow({ trakt: 1, imdb: null, tmdb: 272 })], []);
  const plan = planSync([movie("Batman Begins", { imdb: "tt0372784", tmdb: 272 })], index, NONE);
  assert.deepEqual(plan.existing, { movies: 1, episodes: 0 });
  assert.equal(plan.toSend.movies.length, 0);
});

Deno.test("planSync() matches a movie Plex knows by imdb only against a full Trakt row", () => {
  const index = buildTraktIndex([movieRow({ trakt: 1, imdb: "tt0372784", tmdb: 272 })], []);
  const plan = planSync([movie("Batman Begins", { imdb: "tt0372784" })], index, NONE);
  assert.equal(plan.existing.movies, 1);
  assert.equal(plan.toSend.movies.length, 0);
});

Deno.test("planSync() sends a movie none of whose ids Trakt has", () => {
  const index = buildTraktIndex([movieRow({ trakt: 1, imdb: "tt0372784", tmdb: 272 })], []);
  const plan = planSync([movie("Heat", { imdb: "tt0113277", tmdb: 949 })], index, NONE);
  assert.equal(plan.existing.movies, 0);
  assert.deepEqual(plan.toSend.movies.map((m) => m.title), ["Heat"]);
  assert.equal(plan.toSend.movies[0]!.key, movieKey({ imdb: "tt0113277", tmdb: 949 }));
});

Deno.test("planSync() diffs episodes one by one once the show matches by any id", () => {
  const index = buildTraktIndex([], [
    showRow({ trakt: 10, tvdb: 81189, imdb: null, tmdb: null }, [
      { number: 1, episodes: [1, 2] },
    ]),
  ]);
  const bb = { imdb: "tt0903747", tvdb: 81189 };
  const plan = planSync(
    [
      episode("Breaking Bad", bb, 1, 1),
      episode("Breaking Bad", bb, 1, 2),
      episode("Breaking Bad", bb, 1, 3),
      episode("Breaking Bad", bb, 2, 1),
    ],
    index,
    NONE,
  );
  assert.deepEqual(plan.existing, { movies: 0, episodes: 2 });
  assert.deepEqual(plan.toSend.episodes.map((e) => [e.season, e.number]), [[1, 3], [2, 1]]);
  assert.deepEqual(plan.toSend.episodes[0]!.show.ids, bb);
});

Deno.test("planSync() treats specials (season 0) like any season", () => {
  const index = buildTraktIndex([], [
    showRow({ trakt: 10, tvdb: 81189 }, [{ number: 0, episodes: [1] }, {
      number: 1,
      episodes: [],
    }]),
  ]);
  const show = { tvdb: 81189 };
  const plan = planSync(
    [
      episode("Breaking Bad", show, 0, 1),
      episode("Breaking Bad", show, 0, 2),
      // S01E01 must not be confused with S00E01.
      episode("Breaking Bad", show, 1, 1),
    ],
    index,
    NONE,
  );
  assert.equal(plan.existing.episodes, 1);
  assert.deepEqual(plan.toSend.episodes.map((e) => [e.season, e.number]), [[0, 2], [1, 1]]);
});

Deno.test("planSync() sends the episodes of a show Trakt knows with fewer episodes", () => {
  const index = buildTraktIndex([], [
    showRow({ trakt: 20, tvdb: 80337 }, [{ number: 1, episodes: [1] }]),
  ]);
  const mm = { tvdb: 80337 };
  const plan = planSync(
    [1, 2, 3, 4].map((n) => episode("Mad Men", mm, 1, n)),
    index,
    NONE,
  );
  assert.equal(plan.existing.episodes, 1);
  assert.deepEqual(plan.toSend.episodes.map((e) => e.number), [2, 3, 4]);
});

Deno.test("planSync() sends every episode of a show Trakt does not have", () => {
  const index = buildTraktIndex([], [showRow({ trakt: 20, tvdb: 80337 }, [
    { number: 1, episodes: [1, 2] },
  ])]);
  const plan = planSync(
    [
      episode("Other", { tvdb: 1 }, 1, 1),
      episode("Other", { tvdb: 1 }, 1, 2),
    ],
    index,
    NONE,
  );
  assert.equal(plan.existing.episodes, 0);
  assert.equal(plan.toSend.episodes.length, 2);
});

// ---- dedupe --------------------------------------------------------------------------------

Deno.test("planSync() merges the same movie from two servers into one candidate", () => {
  const a = movie("Heat", { imdb: "tt0113277" }, {
    server: "Main",
    library: "Movies",
    ratingKey: "a1",
    addedAt: 1_700_000_000,
    media: [media("1080")],
  });
  const b = movie("Heat", { imdb: "tt0113277", tmdb: 949 }, {
    server: "Backup",
    library: "Films",
    ratingKey: "b1",
    addedAt: 1_600_000_000,
    media: [media("4k")],
  });
  const zero = movie("Heat", { tmdb: 949 }, {
    server: "Third",
    ratingKey: "c1",
    addedAt: 0,
    media: [media("720")],
  });
  const plan = planSync([a, b, zero], EMPTY_INDEX, NONE);
  assert.equal(plan.toSend.movies.length, 1);
  const c = plan.toSend.movies[0]!;
  assert.equal(c.addedAt, 1_600_000_000, "earliest non-zero addedAt");
  assert.deepEqual(c.ids, { imdb: "tt0113277", tmdb: 949 }, "union of the copies' ids");
  assert.equal(c.key, movieKey({ imdb: "tt0113277", tmdb: 949 }));
  assert.deepEqual(
    c.sources.flatMap((s) => s.media).map((m) => m.videoResolution).sort(),
    ["1080", "4k", "720"],
  );
  assert.deepEqual(c.sources.map(({ server, ratingKey }) => ({ server, ratingKey })), [
    { server: "Main", ratingKey: "a1" },
    { server: "Backup", ratingKey: "b1" },
    { server: "Third", ratingKey: "c1" },
  ]);
  assert.equal(plan.plex.movies, 1);
});

Deno.test("planSync() keeps addedAt 0 only when no copy knows it", () => {
  const first = movie("Up", { tmdb: 14160 }, { addedAt: 0 });
  const second = movie("Up", { tmdb: 14160 }, { addedAt: 0 });
  const plan = planSync([first, second], EMPTY_INDEX, NONE);
  assert.equal(plan.toSend.movies[0]!.addedAt, 0);
  const later = planSync([first, movie("Up", { tmdb: 14160 }, { addedAt: 42 })], EMPTY_INDEX, NONE);
  assert.equal(later.toSend.movies[0]!.addedAt, 42);
});

Deno.test("planSync() merges copies that only share ids through a third copy", () => {
  // A~C via imdb, B~C via tmdb: A and B share nothing directly.
  const plan = planSync(
    [
      movie("Alien", { imdb: "tt0078748" }),
      movie("Alien", { tmdb: 348 }),
      movie("Alien", { imdb: "tt0078748", tmdb: 348 }),
    ],
    EMPTY_INDEX,
    NONE,
  );
  assert.equal(plan.toSend.movies.length, 1);
  assert.deepEqual(plan.toSend.movies[0]!.ids, { imdb: "tt0078748", tmdb: 348 });
  assert.equal(plan.plex.movies, 1);
});

Deno.test("planSync() matches Trakt through an id only the other copy has", () => {
  // A has imdb, B has imdb+tmdb; Trakt knows tmdb only: the merged candidate is collected.
  const index = buildTraktIndex([movieRow({ trakt: 5, tmdb: 949 })], []);
  const plan = planSync(
    [
      movie("Heat", { imdb: "tt0113277" }, { server: "A" }),
      movie("Heat", { imdb: "tt0113277", tmdb: 949 }, { server: "B" }),
    ],
    index,
    NONE,
  );
  assert.equal(plan.existing.movies, 1);
  assert.equal(plan.toSend.movies.length, 0);
});

Deno.test("planSync() collapses editions of one movie", () => {
  const ids = { imdb: "tt0083658", tmdb: 78 };
  const plan = planSync(
    [
      movie("Blade Runner", ids, { media: [media("1080")] }),
      movie("Blade Runner", ids, { editionTitle: "Final Cut", media: [media("4k")] }),
      movie("Blade Runner", ids, { editionTitle: "Director's Cut", media: [media("720")] }),
    ],
    EMPTY_INDEX,
    NONE,
  );
  assert.equal(plan.toSend.movies.length, 1);
  const c = plan.toSend.movies[0]!;
  assert.equal(c.title, "Blade Runner");
  assert.equal(c.sources.flatMap((s) => s.media).length, 3);
  assert.equal(c.sources.length, 3);
  assert.equal(plan.plex.movies, 1);
});

Deno.test("planSync() merges an episode present on two servers and libraries", () => {
  const main = episode("Breaking Bad", { tvdb: 81189 }, 1, 1, {
    server: "Main",
    library: "TV",
    showRatingKey: "100",
    addedAt: 1_700_000_000,
    ids: { tvdb: 349232 },
    media: [media("1080")],
  });
  const backup = episode("Breaking Bad", { tvdb: 81189, imdb: "tt0903747" }, 1, 1, {
    server: "Backup",
    library: "Shows",
    showRatingKey: "7",
    addedAt: 1_650_000_000,
    ids: { imdb: "tt0959621" },
    media: [media("4k")],
  });
  const otherLibrary = episode("Breaking Bad", { imdb: "tt0903747" }, 1, 2, {
    server: "Main",
    library: "TV (4K)",
    showRatingKey: "555",
  });
  const plan = planSync([main, backup, otherLibrary], EMPTY_INDEX, NONE);
  assert.equal(plan.plex.shows, 1);
  assert.equal(plan.plex.episodes, 2);
  assert.equal(plan.toSend.episodes.length, 2);
  const e1 = plan.toSend.episodes.find((e) => e.number === 1)!;
  assert.equal(e1.addedAt, 1_650_000_000);
  assert.deepEqual(e1.ids, { tvdb: 349232, imdb: "tt0959621" });
  assert.equal(e1.sources.flatMap((s) => s.media).length, 2);
  assert.equal(e1.sources.length, 2);
  // Every episode of the show carries the union of the show's ids, and shares one show object.
  const e2 = plan.toSend.episodes.find((e) => e.number === 2)!;
  assert.deepEqual(e1.show.ids, { tvdb: 81189, imdb: "tt0903747" });
  assert.equal(e1.show, e2.show);
  assert.equal(e1.key, episodeKey({ tvdb: 81189, imdb: "tt0903747" }, 1, 1));
});

// ---- skipped -------------------------------------------------------------------------------

Deno.test("planSync() lists skipped movies one by one with their reason", () => {
  const plan = planSync(
    [
      movie("Home Video", {}, { skip: "personal media (no agent)", year: 2019 }),
      movie("Home Video", {}, { skip: "personal media (no agent)" }),
      movie("Unmatched", {}, { skip: "unmatched in Plex" }),
      movie("Nothing", {}),
    ],
    EMPTY_INDEX,
    NONE,
  );
  assert.deepEqual(plan.skipped, [
    {
      type: "movie",
      title: "Home Video",
      year: 2019,
      reason: "personal media (no agent)",
      server: "Main",
      library: "Movies",
    },
    {
      type: "movie",
      title: "Home Video",
      reason: "personal media (no agent)",
      server: "Main",
      library: "Movies",
    },
    {
      type: "movie",
      title: "Unmatched",
      reason: "unmatched in Plex",
      server: "Main",
      library: "Movies",
    },
    {
      type: "movie",
      title: "Nothing",
      reason: "no external id",
      server: "Main",
      library: "Movies",
    },
  ]);
  assert.equal(plan.plex.movies, 4);
  assert.equal(plan.toSend.movies.length, 0);
});

Deno.test("planSync() groups skipped episodes per show and reason, with counts", () => {
  const anime = (n: number) =>
    episode("Anime", {}, 1, n, { skip: "anidb id only (HAMA)", showYear: 2001 });
  const plan = planSync(
    [
      anime(1),
      anime(2),
      anime(3),
      episode("Home", {}, 1, 1),
      episode("Home", {}, 1, 2),
      episode("Anime", {}, 1, 4, { server: "Backup", skip: "anidb id only (HAMA)" }),
    ],
    EMPTY_INDEX,
    NONE,
  );
  assert.deepEqual(plan.skipped, [
    {
      type: "show",
      title: "Anime",
      year: 2001,
      reason: "anidb id only (HAMA)",
      episodes: 3,
      server: "Main",
      library: "TV",
    },
    {
      type: "show",
      title: "Home",
      reason: "no external id",
      episodes: 2,
      server: "Main",
      library: "TV",
    },
    {
      type: "show",
      title: "Anime",
      reason: "anidb id only (HAMA)",
      episodes: 1,
      server: "Backup",
      library: "TV",
    },
  ]);
  assert.equal(plan.plex.episodes, 6);
  assert.equal(plan.toSend.episodes.length, 0);
});

Deno.test("planSync() skips episodes without season or number (as the reader marks them)", () => {
  const show = { tvdb: 1 };
  const items = [
    episode("Show", show, undefined, 3, { skip: "no season or episode number" }),
    episode("Show", show, 1, undefined, { skip: "no season or episode number" }),
    episode("Show", show, 1, 1),
  ];
  const plan = planSync(items, EMPTY_INDEX, NONE);
  assert.deepEqual(plan.toSend.episodes.map((e) => [e.season, e.number]), [[1, 1]]);
  assert.deepEqual(
    plan.skipped.map((s) => [s.title, s.reason, s.episodes]),
    [["Show", "no season or episode number", 2]],
  );
  assert.equal(plan.plex.episodes, 3);
});

Deno.test("planSync() never crashes on episodes without numbers and no skip reason", () => {
  const show = { tvdb: 1 };
  const plan = planSync(
    [
      episode("Show", show, undefined, undefined),
      episode("Show", show, 2, undefined),
      episode("Show", show, undefined, 5),
    ],
    buildTraktIndex([], [showRow({ trakt: 1, tvdb: 1 }, [{ number: 1, episodes: [1] }])]),
    NONE,
  );
  assert.equal(plan.toSend.episodes.length, 0);
  assert.equal(plan.existing.episodes, 0);
});

Deno.test({
  name: "planSync() reports episodes without numbers even when the reader gave no reason",
  fn() {
    const plan = planSync([episode("Show", { tvdb: 1 }, 1, undefined)], EMPTY_INDEX, NONE);
    assert.deepEqual(plan.skipped.map((s) => [s.reason, s.episodes]), [[
      "no season or episode number",
      1,
    ]]);
    assert.equal(plan.plex.episodes, 1);
  },
});

Deno.test({
  name: "planSync() counts a show once when only some of its episodes are skipped",
  fn() {
    const show = { tvdb: 1 };
    const plan = planSync(
      [
        episode("Show", show, 1, 1),
        episode("Show", show, 1, 2),
        episode("Show", show, undefined, 3, { skip: "no season or episode number" }),
      ],
      EMPTY_INDEX,
      NONE,
    );
    assert.equal(plan.plex.shows, 1);
  },
});

// ---- not found memory ----------------------------------------------------------------------

Deno.test("planSync() holds back recently not-found items but keeps them reported", () => {
  const unknownMovie = movie("Obscure", { imdb: "tt9999999" });
  const known = movie("Other", { imdb: "tt0000001" });
  const show = { tvdb: 424242 };
  const recent = new Set([
    movieKey({ imdb: "tt9999999" }),
    episodeKey(show, 1, 2),
  ]);
  const plan = planSync(
    [
      unknownMovie,
      known,
      episode("Lost Show", show, 1, 1),
      episode("Lost Show", show, 1, 2),
    ],
    EMPTY_INDEX,
    recent,
  );
  assert.deepEqual(plan.toSend.movies.map((m) => m.title), ["Other"]);
  assert.deepEqual(plan.recentlyNotFound.movies.map((m) => m.title), ["Obscure"]);
  assert.deepEqual(plan.toSend.episodes.map((e) => e.number), [1]);
  assert.deepEqual(plan.recentlyNotFound.episodes.map((e) => e.number), [2]);
  assert.equal(plan.plex.movies, 2);
  assert.equal(plan.plex.episodes, 2);
});

Deno.test("planSync() lets 'already collected' win over the not-found memory", () => {
  const ids = { imdb: "tt9999999" };
  const index = buildTraktIndex([movieRow({ trakt: 9, imdb: "tt9999999" })], []);
  const plan = planSync([movie("Now Known", ids)], index, new Set([movieKey(ids)]));
  assert.equal(plan.existing.movies, 1);
  assert.equal(plan.recentlyNotFound.movies.length, 0);
  assert.equal(plan.toSend.movies.length, 0);
});

Deno.test("planSync() sends again when the ids changed since the item was not found", () => {
  // The memory is keyed on the ids sent: a movie that gained a tmdb id is a new question.
  const recent = new Set([movieKey({ imdb: "tt9999999" })]);
  const plan = planSync([movie("Obscure", { imdb: "tt9999999", tmdb: 5 })], EMPTY_INDEX, recent);
  assert.equal(plan.toSend.movies.length, 1);
  assert.equal(plan.recentlyNotFound.movies.length, 0);
});

Deno.test("planSync() holds back an item whose ids shrank since it was not found (a copy went)", () => {
  const recent = new Set([
    movieKey({ imdb: "tt9999999", tmdb: 5 }),
    episodeKey({ tvdb: 77, imdb: "tt7777777" }, 2, 3),
  ]);
  const plan = planSync(
    [
      movie("Obscure", { imdb: "tt9999999" }),
      episode("Rare", { tvdb: 77 }, 2, 3),
      episode("Rare", { tvdb: 77 }, 2, 4),
    ],
    EMPTY_INDEX,
    recent,
  );
  assert.deepEqual(plan.recentlyNotFound.movies.map((m) => m.title), ["Obscure"]);
  assert.deepEqual(plan.recentlyNotFound.episodes.map((e) => e.number), [3]);
  assert.deepEqual(plan.toSend.episodes.map((e) => e.number), [4], "another episode is asked");
  assert.equal(plan.toSend.movies.length, 0);
  // A movie's TVDB id is never sent to Trakt: gaining one asks nothing new.
  const tvdb = planSync([movie("Obscure", { imdb: "tt9999999", tvdb: 4 })], EMPTY_INDEX, recent);
  assert.equal(tvdb.recentlyNotFound.movies.length, 1);
});

// ---- counts --------------------------------------------------------------------------------

Deno.test("planSync() counts unique Plex movies, shows, episodes and what Trakt has", () => {
  const index = buildTraktIndex(
    [movieRow({ trakt: 1, imdb: "tt1" }), movieRow({ trakt: 2, tmdb: 2 })],
    [showRow({ trakt: 10, tvdb: 10 }, [{ number: 1, episodes: [1, 2, 3] }])],
  );
  const plan = planSync(
    [
      movie("One", { imdb: "tt1" }),
      movie("One again", { imdb: "tt1" }, { server: "Backup" }),
      movie("Two", { tmdb: 2 }),
      movie("Three", { tmdb: 3 }),
      movie("No ids", {}),
      episode("Ten", { tvdb: 10 }, 1, 1),
      episode("Ten", { tvdb: 10 }, 1, 2),
      episode("Ten", { tvdb: 10 }, 1, 4),
      episode("Eleven", { tvdb: 11 }, 1, 1),
      episode("Skipped", {}, 1, 1),
    ],
    index,
    NONE,
  );
  assert.deepEqual(plan.plex, { movies: 4, shows: 3, episodes: 5 });
  assert.deepEqual(plan.existing, { movies: 2, episodes: 2 });
  assert.equal(plan.toSend.movies.length, 1);
  assert.equal(plan.toSend.episodes.length, 2);
  assert.deepEqual(plan.warnings, []);
});

Deno.test("planSync() handles an empty library", () => {
  const plan = planSync([], EMPTY_INDEX, NONE);
  assert.deepEqual(plan.plex, { movies: 0, shows: 0, episodes: 0 });
  assert.deepEqual(plan.toSend, { movies: [], episodes: [] });
  assert.deepEqual(plan.skipped, []);
});

// ---- Trakt index ---------------------------------------------------------------------------

Deno.test("buildTraktIndex() de-duplicates rows repeated across pages by trakt id", () => {
  const index = buildTraktIndex(
    [
      movieRow({ trakt: 1, imdb: "tt1", tmdb: 1 }),
      movieRow({ trakt: 2, imdb: "tt2" }),
      movieRow({ trakt: 2, imdb: "tt2" }),
      movieRow({ trakt: 1, imdb: "tt1", tmdb: 1 }),
    ],
    [
      showRow({ trakt: 10, tvdb: 10 }, [{ number: 1, episodes: [1, 2] }]),
      showRow({ trakt: 10, tvdb: 10 }, [{ number: 1, episodes: [1, 2] }]),
    ],
  );
  assert.deepEqual(index.counts, { movies: 2, shows: 1, episodes: 2 });
  assert.equal(index.episodes.length, 1);
  assert.deepEqual([...index.movies].sort(), ["imdb:tt1", "imdb:tt2", "tmdb:1"]);
});

Deno.test("buildTraktIndex() merges the episodes of a show split across two rows", () => {
  const index = buildTraktIndex([], [
    showRow({ trakt: 10, tvdb: 10 }, [{ number: 1, episodes: [1] }]),
    showRow({ trakt: 10, tvdb: 10 }, [{ number: 1, episodes: [2] }, { number: 0, episodes: [1] }]),
  ]);
  assert.equal(index.counts.shows, 1);
  assert.equal(index.counts.episodes, 3);
  const n = index.shows.get("tvdb:10")!;
  assert.ok(index.episodes[n]!.has(episodeCode(0, 1)));
  assert.ok(index.episodes[n]!.has(episodeCode(1, 2)));
});

Deno.test("buildTraktIndex() ignores ghost rows whose ids are all null", () => {
  const ghostIds = { trakt: null, imdb: null, tmdb: null, tvdb: null };
  const index = buildTraktIndex(
    [
      movieRow(ghostIds),
      { movie: { title: null, year: null, ids: null } },
      { movie: null },
      movieRow({ trakt: 1, imdb: "tt1" }),
    ],
    [
      showRow(ghostIds, [{ number: 1, episodes: [1] }]),
      { show: null, seasons: null },
      showRow({ trakt: 10, tvdb: 10 }, [{ number: 1, episodes: [1] }]),
    ],
  );
  assert.deepEqual(index.counts, { movies: 1, shows: 1, episodes: 1 });
  assert.deepEqual([...index.movies], ["imdb:tt1"]);
  assert.deepEqual([...index.shows.keys()], ["tvdb:10"]);
  assert.deepEqual(index.warnings, [], "a ghost row is no reason to warn");
});

Deno.test("buildTraktIndex() warns on seasons: null and counts no episodes for it", () => {
  const index = buildTraktIndex([], [
    showRow({ trakt: 10, tvdb: 10 }, null),
    showRow({ trakt: 11, tvdb: 11 }, [{ number: 1, episodes: [1] }]),
  ]);
  assert.equal(index.warnings.length, 1);
  assert.match(index.warnings[0]!, /1 collected show\(s\) without their seasons/);
  assert.equal(index.counts.shows, 2);
  assert.equal(index.counts.episodes, 1);
  assert.equal(index.episodes[index.shows.get("tvdb:10")!]!.size, 0);
  // The plan sends that show's episodes (better a resend than a silent gap) and passes the warning.
  const plan = planSync([episode("Ten", { tvdb: 10 }, 1, 1)], index, NONE);
  assert.equal(plan.toSend.episodes.length, 1);
  assert.deepEqual(plan.warnings, index.warnings);
});

Deno.test("buildTraktIndex() keeps shows with an empty seasons list quiet", () => {
  const index = buildTraktIndex([], [showRow({ trakt: 10, tvdb: 10 }, [])]);
  assert.deepEqual(index.warnings, []);
  assert.equal(index.counts.shows, 1);
});

Deno.test("buildTraktIndex() indexes every external id of a row and ignores empty imdb", () => {
  const index = buildTraktIndex(
    [movieRow({ trakt: 1, imdb: "", tmdb: 5 })],
    [showRow({ trakt: 10, imdb: "tt10", tmdb: 100, tvdb: 1000 }, [])],
  );
  assert.deepEqual([...index.movies], ["tmdb:5"]);
  assert.deepEqual([...index.shows.keys()].sort(), ["imdb:tt10", "tmdb:100", "tvdb:1000"]);
});

Deno.test("buildTraktIndex() de-duplicates rows without a trakt id by their first id", () => {
  const index = buildTraktIndex(
    [movieRow({ imdb: "tt1" }), movieRow({ imdb: "tt1" })],
    [
      showRow({ tvdb: 10 }, [{ number: 1, episodes: [1] }]),
      showRow({ tvdb: 10 }, [{ number: 1, episodes: [1] }]),
    ],
  );
  assert.deepEqual(index.counts, { movies: 1, shows: 1, episodes: 1 });
});

Deno.test("planSync() skips a movie known only by TVDB: Trakt cannot match movies by it", () => {
  // Posted as `ids: {}`, its not-found echo could never be mapped back and it would be re-sent
  // on every run.
  const plan = planSync([movie("TVDB only", { tvdb: 1913 })], EMPTY_INDEX, NONE);
  assert.equal(plan.toSend.movies.length, 0);
  assert.deepEqual(plan.skipped.map((s) => [s.title, s.reason]), [["TVDB only", "no external id"]]);
  assert.equal(plan.plex.movies, 1);
});
