import assert from "node:assert/strict";
import { FakePlex, type FakeSection } from "./fake_plex.ts";
import { SAMPLE_SECTIONS, sampleLibrary } from "./sample_library.ts";
import { mulberry32, SYNTHETIC_SECTIONS, syntheticLibrary } from "./synthetic.ts";

const TOKEN = "plex-test-token";
type Obj = Record<string, unknown>;

async function container(plex: FakePlex, path: string): Promise<Obj> {
  const res = await plex.handler(
    new Request(`http://plex.test${path}`, {
      headers: {
        accept: "application/json",
        "x-plex-token": TOKEN,
        "X-Plex-Container-Start": "0",
        "X-Plex-Container-Size": "1000",
      },
    }),
  );
  assert.equal(res.status, 200, path);
  return (await res.json()).MediaContainer as Obj;
}

function items(mc: Obj): Obj[] {
  return (mc.Metadata as Obj[] | undefined) ?? [];
}

function allMovies(sections: FakeSection[]) {
  return sections.flatMap((s) => s.movies ?? []);
}

function allShows(sections: FakeSection[]) {
  return sections.flatMap((s) => s.shows ?? []);
}

Deno.test("mulberry32() is deterministic and stays in [0, 1)", () => {
  const a = mulberry32(7);
  const b = mulberry32(7);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, mulberry32(8)));
});

Deno.test("syntheticLibrary() is the same for the same seed and differs for another", () => {
  const opts = { seed: 42, movies: 200, shows: 20, episodesPerShow: 15 };
  assert.deepEqual(syntheticLibrary(opts), syntheticLibrary(opts));
  const other = syntheticLibrary({ ...opts, seed: 43 });
  assert.notDeepEqual(
    allMovies(other.sections).map((m) => m.title),
    allMovies(syntheticLibrary(opts).sections).map((m) => m.title),
  );
});

Deno.test("syntheticLibrary() has the requested sizes, seasons of ten and unique ids", () => {
  const lib = syntheticLibrary({ seed: 1, movies: 500, shows: 30, episodesPerShow: 25 });
  assert.deepEqual(lib.sections.map((s) => [s.key, s.type, s.agent]), [
    [SYNTHETIC_SECTIONS.movies, "movie", "tv.plex.agents.movie"],
    [SYNTHETIC_SECTIONS.legacyMovies, "movie", "com.plexapp.agents.imdb"],
    [SYNTHETIC_SECTIONS.shows, "show", "tv.plex.agents.series"],
    [SYNTHETIC_SECTIONS.legacyShows, "show", "com.plexapp.agents.thetvdb"],
  ]);
  const movies = allMovies(lib.sections);
  const shows = allShows(lib.sections);
  assert.equal(movies.length, 500);
  assert.equal(shows.length, 30);
  const legacyMovies = lib.sections[1]!.movies!.length;
  assert.ok(legacyMovies > 20 && legacyMovies < 90, `legacy movies: ${legacyMovies}`);
  assert.ok(lib.sections[3]!.shows!.length > 0);
  const episodes = shows.flatMap((s) => s.episodes);
  assert.equal(episodes.length, 750);
  for (const s of shows) {
    assert.deepEqual(
      s.episodes.map((e) => `${e.season}x${e.index}`).slice(8, 12),
      ["1x9", "1x10", "2x1", "2x2"],
    );
  }
  const keys = [...movies, ...shows, ...episodes].map((x) => x.ratingKey);
  assert.equal(new Set(keys).size, keys.length);
  const imdbs = [...movies, ...shows, ...episodes].map((x) => x.ids!.imdb);
  assert.equal(new Set(imdbs).size, imdbs.length);
  // A realistic mix: some 4K HDR, some Dolby Vision.
  const media = movies.flatMap((m) => m.media ?? []);
  assert.ok(media.some((m) => m.hdr === "dv8" && m.audio?.[0]?.displayTitle?.includes("Atmos")));
  assert.ok(media.some((m) => m.hdr === "hdr10"));
  assert.ok(media.filter((m) => m.videoResolution === "1080").length > 150);
});

Deno.test("syntheticLibrary() catalogue and collection match the Plex side", () => {
  const lib = syntheticLibrary({
    seed: 9,
    movies: 1000,
    shows: 40,
    episodesPerShow: 23,
    collectedFraction: 0.3,
    unknownToTraktFraction: 0.1,
  });
  const movies = allMovies(lib.sections);
  const shows = allShows(lib.sections);
  const catalogByImdb = new Map(lib.catalog.movies.map((m) => [m.imdb, m]));
  let unknownMovies = 0;
  for (const m of movies) {
    const entry = catalogByImdb.get(m.ids!.imdb);
    if (!entry) {
      unknownMovies++;
      continue;
    }
    assert.equal(entry.title, m.title);
    assert.equal(entry.year, m.year);
    if (m.ids!.tmdb !== undefined) assert.equal(entry.tmdb, m.ids!.tmdb);
  }
  assert.ok(unknownMovies > 60 && unknownMovies < 140, `unknown movies: ${unknownMovies}`);
  assert.equal(lib.catalog.movies.length + unknownMovies, 1000);

  const catalogByTvdb = new Map(lib.catalog.shows.map((s) => [s.tvdb, s]));
  for (const s of shows) {
    const entry = catalogByTvdb.get(s.ids!.tvdb);
    if (!entry) continue;
    assert.equal(entry.imdb, s.ids!.imdb);
    assert.equal(entry.tmdb, s.ids!.tmdb);
    assert.deepEqual(entry.seasons, [
      { number: 1, episodes: 10 },
      { number: 2, episodes: 10 },
      { number: 3, episodes: 3 },
    ]);
  }
  assert.equal(new Set(lib.catalog.movies.map((m) => m.slug)).size, lib.catalog.movies.length);
  assert.equal(new Set(lib.catalog.movies.map((m) => m.trakt)).size, lib.catalog.movies.length);

  // Collected items exist in the catalogue (and in Plex), about the requested share of them.
  const knownTrakt = new Set(lib.catalog.movies.map((m) => m.trakt));
  assert.ok(lib.collection.movies.every((t) => knownTrakt.has(t)));
  const share = lib.collection.movies.length / lib.catalog.movies.length;
  assert.ok(share > 0.25 && share < 0.35, `collected share ${share}`);
  const showsByTrakt = new Map(lib.catalog.shows.map((s) => [s.trakt, s]));
  for (const e of lib.collection.episodes) {
    const show = showsByTrakt.get(e.show);
    assert.ok(show, `collected episode of known show ${e.show}`);
    const season = show.seasons.find((s) => s.number === e.season);
    assert.ok(season && e.number >= 1 && e.number <= season.episodes);
  }
  const knownEpisodes = lib.catalog.shows.length * 23;
  const epShare = lib.collection.episodes.length / knownEpisodes;
  assert.ok(epShare > 0.22 && epShare < 0.38, `collected episode share ${epShare}`);
});

Deno.test("syntheticLibrary() leaves the library alone when only the collected share changes", () => {
  const a = syntheticLibrary({ seed: 5, movies: 50, shows: 5, episodesPerShow: 5 });
  const b = syntheticLibrary({
    seed: 5,
    movies: 50,
    shows: 5,
    episodesPerShow: 5,
    collectedFraction: 1,
  });
  assert.deepEqual(a.sections, b.sections);
  assert.deepEqual(a.catalog, b.catalog);
  assert.equal(b.collection.movies.length, 50);
  assert.equal(b.collection.episodes.length, 25);
});

Deno.test("syntheticLibrary() builds 10,000 movies and 100,000 episodes quickly", async () => {
  const started = performance.now();
  const lib = syntheticLibrary({ seed: 3, movies: 10_000, shows: 1_000, episodesPerShow: 100 });
  const generated = performance.now() - started;
  assert.ok(generated < 2_000, `generation took ${generated} ms`);
  const plex = new FakePlex({ sections: lib.sections });
  const built = performance.now() - started;
  assert.ok(built < 6_000, `generation + fake took ${built} ms`);
  let episodes = 0;
  for (const key of [SYNTHETIC_SECTIONS.shows, SYNTHETIC_SECTIONS.legacyShows]) {
    const res = await plex.handler(
      new Request(`http://plex.test/library/sections/${key}/all?type=4`, {
        headers: {
          accept: "application/json",
          "x-plex-token": TOKEN,
          "X-Plex-Container-Start": "0",
          "X-Plex-Container-Size": "0",
        },
      }),
    );
    episodes += (await res.json()).MediaContainer.totalSize;
  }
  assert.equal(episodes, 100_000);
});

Deno.test("sampleLibrary() holds about thirty real titles with real ids", () => {
  const lib = sampleLibrary();
  assert.deepEqual(lib, sampleLibrary());
  const titles = new Set([
    ...allMovies(lib.sections).map((m) => m.title),
    ...allShows(lib.sections).map((s) => s.title),
  ]);
  assert.ok(titles.size >= 25 && titles.size <= 35, `titles: ${titles.size}`);
  const matrix = lib.catalog.movies.find((m) => m.title === "The Matrix");
  assert.deepEqual([matrix?.imdb, matrix?.tmdb, matrix?.year], ["tt0133093", 603, 1999]);
  const bb = lib.catalog.shows.find((s) => s.title === "Breaking Bad");
  assert.deepEqual([bb?.tvdb, bb?.tmdb, bb?.imdb], [81189, 1396, "tt0903747"]);
  // Trakt knows more Breaking Bad than Plex has.
  const plexBb = allShows(lib.sections).find((s) => s.title === "Breaking Bad")!;
  const known = bb!.seasons.reduce((n, s) => n + s.episodes, 0);
  assert.equal(known, 62);
  assert.equal(plexBb.episodes.length, 10);
  // One title is missing from the catalogue on purpose.
  assert.ok(titles.has("Sintel"));
  assert.equal(lib.catalog.movies.some((m) => m.title === "Sintel"), false);
  // Collected items are in the catalogue.
  const traktMovies = new Map(lib.catalog.movies.map((m) => [m.trakt, m.title]));
  assert.deepEqual(lib.collection.movies.map((t) => traktMovies.get(t)), [
    "The Shawshank Redemption",
    "Pulp Fiction",
  ]);
  assert.deepEqual(
    lib.collection.episodes.filter((e) => e.show === bb!.trakt).map((e) => e.number),
    [1, 2, 3],
  );
});

Deno.test("sampleLibrary() covers agents, editions, duplicates, HDR and specials through the fake", async () => {
  const lib = sampleLibrary();
  const plex = new FakePlex({ sections: lib.sections });
  const sections = await container(plex, "/library/sections");
  assert.deepEqual((sections.Directory as Obj[]).map((d) => [d.key, d.type, d.agent]), [
    [SAMPLE_SECTIONS.movies, "movie", "tv.plex.agents.movie"],
    [SAMPLE_SECTIONS.shows, "show", "tv.plex.agents.series"],
    [SAMPLE_SECTIONS.classics, "movie", "com.plexapp.agents.imdb"],
    [SAMPLE_SECTIONS.homeVideos, "movie", "com.plexapp.agents.none"],
    [SAMPLE_SECTIONS.legacyShows, "show", "com.plexapp.agents.thetvdb"],
  ]);

  const movies = items(await container(plex, "/library/sections/1/all?type=1&includeGuids=1"));
  const bladeRunner = movies.filter((m) => m.title === "Blade Runner");
  assert.equal(bladeRunner.length, 2);
  assert.equal(bladeRunner[0]!.guid, bladeRunner[1]!.guid);
  assert.deepEqual(
    bladeRunner.map((m) => m.editionTitle ?? null).sort(),
    [null, "The Final Cut"].sort(),
  );
  const unmatched = movies.find((m) => (m.guid as string).startsWith("local://"));
  assert.equal(unmatched?.title, "VTS_01_1");
  assert.equal("Guid" in unmatched!, false);
  const inception = movies.find((m) => m.title === "Inception")!;
  assert.deepEqual((inception.Media as Obj[]).map((m) => m.proxyType ?? null), [null, 42]);

  const classics = items(await container(plex, "/library/sections/3/all?type=1&includeGuids=1"));
  assert.ok(classics.some((m) => m.guid === "com.plexapp.agents.imdb://tt0068646?lang=en"));
  assert.ok(classics.some((m) => m.guid === "com.plexapp.agents.themoviedb://11?lang=en"));
  assert.ok(
    movies.some((m) => (m.Guid as Obj[] | undefined)?.some((g) => g.id === "imdb://tt0068646")),
  );
  const home = items(await container(plex, "/library/sections/4/all?type=1"));
  assert.match(home[0]!.guid as string, /^com\.plexapp\.agents\.none:\/\/[0-9a-f]{40}\?lang=xn$/);

  const dovi = items(await container(plex, "/library/sections/1/all?type=1&dovi=1"));
  assert.deepEqual(dovi.map((m) => m.title), ["The Matrix"]);
  const hdr = items(await container(plex, "/library/sections/1/all?type=1&hdr=1"));
  assert.deepEqual(hdr.map((m) => [m.title, m.editionTitle ?? ""]), [
    ["Blade Runner", "The Final Cut"],
    ["Dune", ""],
    ["The Matrix", ""],
  ]);
  const detail = items(await container(plex, `/library/metadata/${dovi[0]!.ratingKey}`))[0]!;
  const streams = ((detail.Media as Obj[])[0]!.Part as Obj[])[0]!.Stream as Obj[];
  assert.equal(streams[0]!.DOVIProfile, 8);
  assert.equal(streams[1]!.displayTitle, "English (TrueHD 7.1 Atmos)");

  const episodes = items(await container(plex, "/library/sections/2/all?type=4&includeGuids=1"));
  assert.ok(episodes.some((e) => e.grandparentTitle === "Sherlock" && e.parentIndex === 0));
  assert.ok(episodes.some((e) => e.grandparentTitle === "Friends" && !("index" in e)));
  assert.ok(
    episodes.filter((e) => e.grandparentTitle === "Chernobyl").every((e) =>
      !("parentRatingKey" in e)
    ),
  );
  const legacy = items(await container(plex, "/library/sections/5/all?type=4"));
  assert.equal(legacy[0]!.guid, "com.plexapp.agents.thetvdb://268592/1/1?lang=en");
});
