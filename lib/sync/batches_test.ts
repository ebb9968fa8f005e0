import assert from "node:assert/strict";
import type { ExternalIds, PlexMediaFacts, TraktMetadata } from "../model.ts";
import { bestMedia } from "../plex/media.ts";
import type { SyncResponse } from "../trakt/models.ts";
import {
  type Batch,
  buildPayload,
  copiesMedia,
  MAX_BATCH,
  type MetadataOf,
  planBatches,
  readOutcome,
} from "./batches.ts";
import {
  type EpisodeCandidate,
  episodeKey,
  type MovieCandidate,
  movieKey,
  type ShowRef,
} from "./plan.ts";
import { mulberry32 as prng } from "../../tests/helpers/prng.ts";

// ---- builders ------------------------------------------------------------------------------

function movie(
  title: string,
  ids: ExternalIds,
  addedAt = 1_600_000_000,
  year?: number,
): MovieCandidate {
  return {
    key: movieKey(ids),
    title,
    ...(year !== undefined ? { year } : {}),
    ids,
    addedAt,
    sources: [{ server: "Main", ratingKey: title, media: [] }],
  };
}

function show(title: string, ids: ExternalIds, year?: number): ShowRef {
  return { title, ids, ...(year !== undefined ? { year } : {}) };
}

function episode(
  s: ShowRef,
  season: number,
  number: number,
  addedAt = 1_600_000_000,
): EpisodeCandidate {
  return {
    key: episodeKey(s.ids, season, number),
    show: s,
    season,
    number,
    ids: {},
    addedAt,
    sources: [{ server: "Main", ratingKey: `${s.title}-${season}-${number}`, media: [] }],
  };
}

const NO_METADATA: MetadataOf = () => undefined;
const DIGITAL_4K: TraktMetadata = { media_type: "digital", resolution: "uhd_4k", audio: "dts_ma" };

function payloadItemCount(p: ReturnType<typeof buildPayload>): number {
  let n = p.movies?.length ?? 0;
  for (const s of p.shows ?? []) for (const season of s.seasons) n += season.episodes.length;
  return n;
}

function response(partial: Partial<SyncResponse>): SyncResponse {
  return {
    added: { movies: 0, episodes: 0 },
    updated: { movies: 0, episodes: 0 },
    existing: { movies: 0, episodes: 0 },
    not_found: { movies: [], shows: [], seasons: [], episodes: [] },
    ...partial,
  };
}

// ---- planBatches ---------------------------------------------------------------------------

Deno.test("planBatches() returns no batch for no items", () => {
  assert.deepEqual(planBatches([], []), []);
  assert.deepEqual(planBatches([], [], 1), []);
});

Deno.test("planBatches() refuses a size below 1", () => {
  assert.throws(() => planBatches([movie("a", { tmdb: 1 })], [], 0), RangeError);
});

Deno.test("planBatches() defaults to batches of 250", () => {
  assert.equal(MAX_BATCH, 250);
  const movies = Array.from({ length: 251 }, (_, i) => movie(`m${i}`, { tmdb: i + 1 }));
  const batches = planBatches(movies, []);
  assert.deepEqual(batches.map((b) => b.movies.length), [250, 1]);
});

Deno.test("planBatches() never exceeds the size and keeps every item once", () => {
  const s = show("S", { tvdb: 1 });
  const movies = Array.from({ length: 7 }, (_, i) => movie(`m${i}`, { tmdb: i + 1 }));
  const episodes = Array.from({ length: 8 }, (_, i) => episode(s, 1, i + 1));
  const batches = planBatches(movies, episodes, 4);
  assert.deepEqual(batches.map((b) => b.movies.length + b.episodes.length), [4, 4, 4, 3]);
  const seen = batches.flatMap((b) => [...b.movies, ...b.episodes]);
  assert.equal(new Set(seen).size, 15);
  for (const x of [...movies, ...episodes]) assert.ok(seen.includes(x));
});

Deno.test("planBatches() keeps a show's episodes together and in order", () => {
  const a = show("A", { tvdb: 1 });
  const b = show("B", { tvdb: 2 });
  const shuffled = [
    episode(b, 2, 1),
    episode(a, 1, 2),
    episode(b, 1, 3),
    episode(a, 0, 1),
    episode(b, 1, 1),
    episode(a, 1, 1),
  ];
  const [batch] = planBatches([], shuffled, 10);
  const order = batch!.episodes.map((e) => `${e.show.title}${e.season}x${e.number}`);
  // Each show is one contiguous run, sorted by season then number.
  assert.deepEqual(order, ["A0x1", "A1x1", "A1x2", "B1x1", "B1x3", "B2x1"]);
  // And the input array is left alone.
  assert.equal(shuffled[0]!.show, b);
});

// ---- buildPayload --------------------------------------------------------------------------

Deno.test("buildPayload() nests episodes under shows[].seasons[].episodes[]", () => {
  const bb = show("Breaking Bad", { tvdb: 81189, imdb: "tt0903747" }, 2008);
  const mm = show("Mad Men", { tvdb: 80337 });
  const batch: Batch = {
    movies: [],
    episodes: [episode(bb, 1, 1), episode(bb, 1, 2), episode(bb, 2, 1), episode(mm, 0, 3)],
  };
  const payload = buildPayload(batch, NO_METADATA);
  assert.equal(payload.movies, undefined);
  const iso = new Date(1_600_000_000 * 1000).toISOString();
  assert.deepEqual(payload.shows, [
    {
      title: "Breaking Bad",
      year: 2008,
      ids: { imdb: "tt0903747", tvdb: 81189 },
      seasons: [
        {
          number: 1,
          episodes: [{ number: 1, collected_at: iso }, { number: 2, collected_at: iso }],
        },
        { number: 2, episodes: [{ number: 1, collected_at: iso }] },
      ],
    },
    {
      title: "Mad Men",
      ids: { tvdb: 80337 },
      seasons: [{ number: 0, episodes: [{ number: 3, collected_at: iso }] }],
    },
  ]);
  // Never a bare show (which would collect every episode Trakt knows).
  for (const s of payload.shows!) {
    assert.ok(s.seasons.length > 0);
    for (const season of s.seasons) assert.ok(season.episodes.length > 0);
  }
});

Deno.test("buildPayload() sends collected_at as ISO only when addedAt is known", () => {
  const s = show("S", { tvdb: 1 });
  const payload = buildPayload({
    movies: [movie("Known", { tmdb: 1 }, 1_234_567_890), movie("Unknown", { tmdb: 2 }, 0)],
    episodes: [episode(s, 1, 1, 0), episode(s, 1, 2, 86_400)],
  }, NO_METADATA);
  assert.equal(payload.movies![0]!.collected_at, "2009-02-13T23:31:30.000Z");
  assert.ok(!("collected_at" in payload.movies![1]!));
  const eps = payload.shows![0]!.seasons[0]!.episodes;
  assert.ok(!("collected_at" in eps[0]!));
  assert.equal(eps[1]!.collected_at, "1970-01-02T00:00:00.000Z");
});

Deno.test("buildPayload() leaves collected_at out past year 9999 (milliseconds, garbage)", () => {
  const payload = buildPayload({
    movies: [
      movie("Millis", { tmdb: 1 }, 1_600_000_000_000),
      movie("Past Date's range", { tmdb: 2 }, 9e15),
      movie("Last second", { tmdb: 3 }, 253_402_300_799),
      movie("NaN", { tmdb: 4 }, NaN),
    ],
    episodes: [],
  }, NO_METADATA);
  const [millis, huge, last, nan] = payload.movies!;
  assert.ok(!("collected_at" in millis!));
  assert.ok(!("collected_at" in huge!));
  assert.equal(last!.collected_at, "9999-12-31T23:59:59.000Z");
  assert.ok(!("collected_at" in nan!));
});

Deno.test("buildPayload() puts metadata on movies and episodes only", () => {
  const s = show("S", { tvdb: 1 }, 1999);
  const payload = buildPayload(
    { movies: [movie("M", { imdb: "tt1" }, 1, 2001)], episodes: [episode(s, 1, 1)] },
    () => DIGITAL_4K,
  );
  const m = payload.movies![0]!;
  assert.equal(m.media_type, "digital");
  assert.equal(m.resolution, "uhd_4k");
  assert.equal(m.audio, "dts_ma");
  assert.equal(m.year, 2001);
  const sh = payload.shows![0]!;
  assert.deepEqual(Object.keys(sh).sort(), ["ids", "seasons", "title", "year"]);
  assert.deepEqual(Object.keys(sh.seasons[0]!).sort(), ["episodes", "number"]);
  assert.equal(sh.seasons[0]!.episodes[0]!.resolution, "uhd_4k");
});

Deno.test("buildPayload() asks metadataOf once per item, with the item itself", () => {
  const s = show("S", { tvdb: 1 });
  const m = movie("M", { tmdb: 5 });
  const e = episode(s, 3, 4);
  const asked: unknown[] = [];
  const payload = buildPayload({ movies: [m], episodes: [e] }, (c) => {
    asked.push(c);
    return c === m ? { media_type: "digital", resolution: "hd_720p" } : undefined;
  });
  assert.deepEqual(asked, [m, e]);
  assert.equal(payload.movies![0]!.resolution, "hd_720p");
  assert.ok(!("resolution" in payload.shows![0]!.seasons[0]!.episodes[0]!));
});

Deno.test("buildPayload() sends no tvdb id for movies, but keeps it for shows", () => {
  const s = show("S", { tvdb: 99, tmdb: 98, imdb: "tt97" });
  const payload = buildPayload({
    movies: [movie("M", { imdb: "tt1", tmdb: 2, tvdb: 3 })],
    episodes: [episode(s, 1, 1)],
  }, NO_METADATA);
  assert.deepEqual(payload.movies![0]!.ids, { imdb: "tt1", tmdb: 2 });
  assert.deepEqual(payload.shows![0]!.ids, { imdb: "tt97", tmdb: 98, tvdb: 99 });
});

Deno.test("buildPayload() leaves out empty arrays", () => {
  assert.deepEqual(buildPayload({ movies: [], episodes: [] }, NO_METADATA), {});
  const onlyMovies = buildPayload({ movies: [movie("M", { tmdb: 1 })], episodes: [] }, NO_METADATA);
  assert.deepEqual(Object.keys(onlyMovies), ["movies"]);
});

// ---- readOutcome ---------------------------------------------------------------------------

Deno.test("readOutcome() maps not-found movies back by any of their ids, or their title", () => {
  const a = movie("A", { imdb: "tt1", tmdb: 1 });
  const b = movie("B", { imdb: "tt2", tmdb: 2 });
  const c = movie("C", { tmdb: 3 });
  const d = movie("D", { tmdb: 4 }, undefined, 2001);
  const d2 = movie("D", { tmdb: 5 }, undefined, 1987);
  // Two of one title and year: an echo without ids cannot tell which, so it names neither.
  const e1 = movie("E", { tmdb: 6 }, undefined, 1931);
  const e2 = movie("E", { tmdb: 7 }, undefined, 1931);
  const out = readOutcome(
    { movies: [a, b, c, d, d2, e1, e2], episodes: [] },
    response({
      added: { movies: 1, episodes: 0 },
      // Trakt echoes the posted object; sometimes only part of the ids, sometimes none: then the
      // posted title (and year, which tells two "D"s apart) names it.
      not_found: {
        movies: [
          { ids: { tmdb: 1 } },
          { title: "B", ids: { imdb: "tt2" } },
          { title: "C" },
          { title: "D", year: 2001 },
          { title: "E", year: 1931 },
        ],
        shows: [],
        seasons: [],
        episodes: [],
      },
    }),
  );
  assert.deepEqual(out.notFound.movies, [a, b, c, d]);
  assert.deepEqual(out.notFound.episodes, []);
  assert.deepEqual(out.added, { movies: 1, episodes: 0 });
});

Deno.test("readOutcome() maps the echo of a whole unknown show to all its episodes", () => {
  const known = show("Known", { tvdb: 1 });
  const unknown = show("Unknown", { tvdb: 2, imdb: "tt2" });
  const batch: Batch = {
    movies: [],
    episodes: [episode(known, 1, 1), episode(unknown, 1, 1), episode(unknown, 2, 5)],
  };
  const out = readOutcome(
    batch,
    response({
      not_found: { movies: [], shows: [{ title: "Unknown", ids: { imdb: "tt2" } }] },
    }),
  );
  assert.deepEqual(out.notFound.episodes.map((e) => [e.show.title, e.season, e.number]), [
    ["Unknown", 1, 1],
    ["Unknown", 2, 5],
  ]);
});

Deno.test("readOutcome() maps an unknown show echoed without its ids by its title", () => {
  const unknown = show("Unknown", { tvdb: 2 }, 2010);
  const namesake = show("Unknown", { tvdb: 3 }, 1990);
  const batch: Batch = {
    movies: [],
    episodes: [episode(unknown, 1, 1), episode(unknown, 1, 2), episode(namesake, 1, 1)],
  };
  const posted = buildPayload(batch, NO_METADATA).shows![0]!;
  const { ids: _ids, ...withoutIds } = posted as Record<string, unknown>;
  const out = readOutcome(batch, response({ not_found: { shows: [withoutIds] } }));
  assert.deepEqual(out.notFound.episodes.map((e) => [e.show.year, e.season, e.number]), [
    [2010, 1, 1],
    [2010, 1, 2],
  ]);
});

Deno.test("readOutcome() maps an unknown show echoed with its posted seasons", () => {
  const unknown = show("Unknown", { tvdb: 2 });
  const batch: Batch = { movies: [], episodes: [episode(unknown, 1, 1), episode(unknown, 1, 2)] };
  // The echo is exactly what buildPayload posted.
  const posted = buildPayload(batch, NO_METADATA).shows![0];
  const out = readOutcome(batch, response({ not_found: { shows: [posted] } }));
  assert.equal(out.notFound.episodes.length, 2);
});

Deno.test("readOutcome() maps nested unknown episodes (show → seasons → episodes)", () => {
  const s = show("S", { tvdb: 10, tmdb: 100 });
  const other = show("O", { tvdb: 11 });
  const batch: Batch = {
    movies: [],
    episodes: [
      episode(s, 1, 1),
      episode(s, 1, 9),
      episode(s, 7, 1),
      episode(other, 1, 9),
    ],
  };
  const out = readOutcome(
    batch,
    response({
      added: { movies: 0, episodes: 1 },
      not_found: {
        episodes: [
          { ids: { tvdb: 10 }, seasons: [{ number: 1, episodes: [{ number: 9 }] }] },
          { show: { ids: { tmdb: 100 }, seasons: [{ number: 7, episodes: [{ number: 1 }] }] } },
        ],
      },
    }),
  );
  assert.deepEqual(out.notFound.episodes.map((e) => [e.show.title, e.season, e.number]), [
    ["S", 1, 9],
    ["S", 7, 1],
  ]);
  assert.deepEqual(out.added, { movies: 0, episodes: 1 });
});

Deno.test("readOutcome() sums existing and updated", () => {
  const out = readOutcome({ movies: [], episodes: [] }, {
    added: { movies: 1, episodes: 2 },
    updated: { movies: 3, episodes: 4 },
    existing: { movies: 5, episodes: 6 },
  });
  assert.deepEqual(out.added, { movies: 1, episodes: 2 });
  assert.deepEqual(out.existing, { movies: 8, episodes: 10 });
  assert.deepEqual(out.notFound, { movies: [], episodes: [] });
});

Deno.test("readOutcome() accepts missing blocks and keys", () => {
  const out = readOutcome({ movies: [movie("M", { tmdb: 1 })], episodes: [] }, {
    added: null,
    existing: { movies: 2 },
  });
  assert.deepEqual(out.added, { movies: 0, episodes: 0 });
  assert.deepEqual(out.existing, { movies: 2, episodes: 0 });
  assert.deepEqual(out.notFound, { movies: [], episodes: [] });
});

// ---- property ------------------------------------------------------------------------------

Deno.test("planBatches() and buildPayload() keep every item across random candidate sets", () => {
  const random = prng(0xc0ffee);
  const int = (n: number) => Math.floor(random() * n);
  for (let iteration = 0; iteration < 300; iteration++) {
    const movies = Array.from(
      { length: int(40) },
      (_, i) =>
        movie(`m${i}`, random() < 0.5 ? { tmdb: i + 1 } : { imdb: `tt${i}`, tmdb: i + 1 }, int(3)),
    );
    const shows = Array.from({ length: 1 + int(5) }, (_, i) => show(`s${i}`, { tvdb: 1000 + i }));
    const episodes: EpisodeCandidate[] = [];
    const taken = new Set<string>();
    for (let i = int(80); i > 0; i--) {
      const s = shows[int(shows.length)]!;
      const season = int(4);
      const number = 1 + int(12);
      const k = `${s.title}|${season}|${number}`;
      if (taken.has(k)) continue;
      taken.add(k);
      episodes.push(episode(s, season, number, int(3)));
    }
    const size = 1 + int(30);
    const batches = planBatches(movies, episodes, size);
    const flat = batches.flatMap((b) => [...b.movies, ...b.episodes]);
    assert.equal(flat.length, movies.length + episodes.length, `iteration ${iteration}`);
    assert.equal(new Set(flat).size, flat.length, "no item twice");
    for (const x of [...movies, ...episodes]) assert.ok(flat.includes(x), "no item lost");
    for (const [i, b] of batches.entries()) {
      const n = b.movies.length + b.episodes.length;
      assert.ok(n >= 1 && n <= size, `batch ${i} has ${n} items, size ${size}`);
      // Only the last batch may be short.
      if (i < batches.length - 1) assert.equal(n, size);
      const payload = buildPayload(b, NO_METADATA);
      assert.equal(payloadItemCount(payload), n, "payload item count equals the batch size");
      for (const s of payload.shows ?? []) {
        assert.ok(s.seasons.length > 0 && s.seasons.every((x) => x.episodes.length > 0));
      }
    }
    // A show's episodes are one contiguous run over the whole sequence.
    const runs = flat.filter((x): x is EpisodeCandidate => "show" in x).map((e) => e.show.title);
    const closed = new Set<string>();
    for (let i = 0; i < runs.length; i++) {
      assert.ok(!closed.has(runs[i]!), `show ${runs[i]} split into two runs`);
      if (runs[i + 1] !== runs[i]) closed.add(runs[i]!);
    }
  }
});

Deno.test("readOutcome() matches a not-found episode echoed by its own ids, not as a whole show", () => {
  const show: ShowRef = { title: "Show", ids: { tvdb: 81189 } };
  const known = episode(show, 1, 1);
  const unknown = { ...episode(show, 1, 2), ids: { tvdb: 349232 } };
  const batch: Batch = { movies: [], episodes: [known, unknown] };
  // The same number as the show's id but an episode's: must not drop the whole show.
  const out = readOutcome(
    batch,
    response({ not_found: { episodes: [{ ids: { tvdb: 349232 } }, { ids: { tvdb: 81189 } }] } }),
  );
  assert.deepEqual(out.notFound.episodes, [unknown]);
});

Deno.test("copiesMedia: a copy without details still competes with its listing's media", () => {
  const uhd: PlexMediaFacts = {
    videoResolution: "4k",
    audioCodec: "truehd",
    audioChannels: 8,
    files: [],
  };
  const hdListing: PlexMediaFacts = {
    videoResolution: "1080",
    audioCodec: "aac",
    audioChannels: 2,
    files: [],
  };
  const hdDetailed: PlexMediaFacts = { ...hdListing, streams: { dovi: false, audioTitles: [] } };
  const c = movie("The Matrix", { imdb: "tt0133093" });
  c.sources = [
    { server: "Main", ratingKey: "1", media: [hdListing] },
    { server: "UHD", ratingKey: "9", media: [uhd] },
  ];
  // The UHD server's details failed: only Main's are known.
  const partial = new Map([["Main|1", [hdDetailed]]]);
  assert.deepEqual(copiesMedia(c, partial), [hdDetailed, uhd]);
  assert.equal(bestMedia(copiesMedia(c, partial))?.videoResolution, "4k");
  // Details replace a copy's listing media; without any, the listings decide.
  const uhdDetailed: PlexMediaFacts = { ...uhd, streams: { dovi: true, audioTitles: [] } };
  const both = new Map([["Main|1", [hdDetailed]], ["UHD|9", [uhdDetailed]]]);
  assert.deepEqual(copiesMedia(c, both), [hdDetailed, uhdDetailed]);
  assert.deepEqual(copiesMedia(c, new Map()), [hdListing, uhd]);
  // Details that name no media (a broken Media list reads as empty) leave the listing's.
  assert.deepEqual(copiesMedia(c, new Map([["Main|1", []], ["UHD|9", [uhdDetailed]]])), [
    hdListing,
    uhdDetailed,
  ]);
});
