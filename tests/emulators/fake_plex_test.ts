import assert from "node:assert/strict";
import {
  FakePlex,
  type FakePlexOptions,
  HAMA_AGENT,
  HTML_401,
  htmlError,
  LEGACY_IMDB_AGENT,
  LEGACY_TMDB_AGENT,
  LEGACY_TVDB_AGENT,
  NEW_MOVIE_AGENT,
  NEW_TV_AGENT,
  NONE_AGENT,
  XML_503,
} from "./fake_plex.ts";

const TOKEN = "plex-test-token";

/** A small library that names every case the tests below look at. */
function options(): FakePlexOptions {
  return {
    friendlyName: "Test Server",
    machineIdentifier: "0123456789abcdef0123456789abcdef01234567",
    version: "1.41.3.9314-a0bfb8370",
    sections: [
      {
        key: "1",
        title: "Movies",
        type: "movie",
        agent: NEW_MOVIE_AGENT,
        movies: [
          {
            ratingKey: "10",
            title: "The Matrix",
            year: 1999,
            addedAt: 1_000,
            ids: { imdb: "tt0133093", tmdb: 603, tvdb: 169 },
            media: [
              {
                videoResolution: "4k",
                hdr: "dv8",
                audioCodec: "truehd",
                audioChannels: 8,
                audio: [{ title: "TrueHD Atmos 7.1", displayTitle: "English (TrueHD 7.1 Atmos)" }],
              },
              { videoResolution: "1080", parts: [{}, {}] },
              { optimized: true, videoResolution: "720" },
            ],
          },
          {
            ratingKey: "11",
            title: "The Matrix",
            year: 1999,
            addedAt: 2_000,
            editionTitle: "Director's Cut",
            ids: { imdb: "tt0133093", tmdb: 603, tvdb: 169 },
          },
          {
            ratingKey: "12",
            title: "Dune",
            year: 2021,
            addedAt: 3_000,
            ids: { imdb: "tt1160419", tmdb: 438631 },
            media: [{ videoResolution: "4k", hdr: "hdr10", audio: [{ title: "DTS:X 7.1" }] }],
          },
          {
            ratingKey: "13",
            title: "Alien",
            year: 1979,
            addedAt: 4_000,
            ids: { imdb: "tt0078748" },
            noGuids: true,
          },
          {
            ratingKey: "14",
            title: "Interstellar",
            year: 2014,
            addedAt: 5_000,
            ids: { imdb: "tt0816692", tmdb: 157336 },
            media: [{ unanalysed: true }],
            stringFlags: true,
          },
          {
            ratingKey: "15",
            title: "Rocky",
            year: 1976,
            addedAt: 6_000,
            ids: { tmdb: 1366 },
            agent: LEGACY_TMDB_AGENT,
          },
          {
            ratingKey: "16",
            title: "Mandy",
            year: 2018,
            addedAt: 7_000,
            ids: { imdb: "tt6998518" },
            media: [{ hdr: "dv5" }],
          },
        ],
      },
      {
        key: "2",
        title: "Legacy Movies",
        type: "movie",
        agent: LEGACY_IMDB_AGENT,
        movies: [
          {
            ratingKey: "20",
            title: "Big Buck Bunny",
            year: 2008,
            addedAt: 1_500,
            ids: { imdb: "tt1254207", tmdb: 10378 },
          },
          { ratingKey: "21", title: "Unknown Rip", addedAt: 1_600 },
        ],
      },
      {
        key: "3",
        title: "TV",
        type: "show",
        agent: NEW_TV_AGENT,
        shows: [
          {
            ratingKey: "30",
            title: "Breaking Bad",
            year: 2008,
            addedAt: 8_000,
            ids: { imdb: "tt0903747", tmdb: 1396, tvdb: 81189 },
            episodes: [
              {
                ratingKey: "301",
                season: 1,
                index: 1,
                addedAt: 8_001,
                ids: { imdb: "tt0959621", tvdb: 349232 },
              },
              { ratingKey: "302", season: 1, index: 2, addedAt: 8_002, media: [{ hdr: "hlg" }] },
              { ratingKey: "303", season: 0, index: 1, addedAt: 8_003 },
              { ratingKey: "304", season: 1, addedAt: 8_004, title: "2008-02-02" },
            ],
          },
          {
            ratingKey: "31",
            title: "Chernobyl",
            year: 2019,
            addedAt: 9_000,
            ids: { tvdb: 360893 },
            hiddenSeasons: true,
            episodes: [{ ratingKey: "311", season: 1, index: 1, addedAt: 9_001 }],
          },
        ],
      },
      {
        key: "4",
        title: "Legacy TV",
        type: "show",
        agent: LEGACY_TVDB_AGENT,
        shows: [{
          ratingKey: "40",
          title: "The 100",
          year: 2014,
          addedAt: 10_000,
          ids: { tvdb: 268592 },
          episodes: [{ ratingKey: "401", season: 1, index: 1, addedAt: 10_001 }],
        }],
      },
      {
        key: "5",
        title: "Anime",
        type: "show",
        agent: HAMA_AGENT,
        shows: [{
          ratingKey: "50",
          title: "Cowboy Bebop",
          addedAt: 11_000,
          ids: { anidb: 23 },
          episodes: [
            { ratingKey: "501", season: 1, index: 1, addedAt: 11_001 },
            { ratingKey: "502", season: 1, index: 2, addedAt: 11_002, guid: "local://502" },
          ],
        }],
      },
      {
        key: "6",
        title: "Home Videos",
        type: "movie",
        agent: NONE_AGENT,
        movies: [{ ratingKey: "60", title: "Birthday", addedAt: 12_000 }],
      },
    ],
  };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function call(
  plex: FakePlex,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await plex.handler(
    new Request(`http://plex.test${path}`, {
      headers: { accept: "application/json", "x-plex-token": TOKEN, ...headers },
    }),
  );
  return { status: res.status, headers: res.headers, text: await res.text() };
}

type Obj = Record<string, unknown>;

/** The MediaContainer of a 200 JSON answer. */
async function container(
  plex: FakePlex,
  path: string,
  headers: Record<string, string> = {},
): Promise<Obj> {
  const a = await call(plex, path, headers);
  assert.equal(a.status, 200, `${path}: ${a.text}`);
  assert.equal(a.headers.get("content-type"), "application/json");
  return (JSON.parse(a.text) as { MediaContainer: Obj }).MediaContainer;
}

function metadata(mc: Obj): Obj[] {
  return (mc.Metadata as Obj[] | undefined) ?? [];
}

function byKey(mc: Obj, rk: string): Obj {
  const item = metadata(mc).find((m) => m.ratingKey === rk);
  assert.ok(item, `item ${rk} present`);
  return item;
}

const PAGE = "X-Plex-Container-Start=0&X-Plex-Container-Size=50";

Deno.test("FakePlex answers /identity without a token", async () => {
  const plex = new FakePlex(options());
  const res = await plex.handler(
    new Request("http://plex.test/identity", { headers: { accept: "application/json" } }),
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(body, {
    MediaContainer: {
      size: 0,
      apiVersion: "1.1.1",
      claimed: true,
      machineIdentifier: "0123456789abcdef0123456789abcdef01234567",
      version: "1.41.3.9314-a0bfb8370",
    },
  });
});

Deno.test("FakePlex refuses a bad token with PMS's 401 HTML page", async () => {
  const plex = new FakePlex(options());
  for (const headers of [{ "x-plex-token": "wrong" }, { "x-plex-token": "" }]) {
    const a = await call(plex, "/", headers);
    assert.equal(a.status, 401);
    assert.equal(a.headers.get("content-type"), "text/html");
    assert.equal(a.text, HTML_401);
    assert.match(a.text, /<h1>401 Unauthorized<\/h1>/);
  }
  const noToken = await plex.handler(
    new Request("http://plex.test/library/sections", { headers: { accept: "application/json" } }),
  );
  assert.equal(noToken.status, 401);
  await noToken.body?.cancel();
  // The token may come as a query parameter instead of the header.
  const viaQuery = await plex.handler(
    new Request(`http://plex.test/?X-Plex-Token=${TOKEN}`, {
      headers: { accept: "application/json" },
    }),
  );
  assert.equal(viaQuery.status, 200);
  const root = (await viaQuery.json()).MediaContainer;
  assert.equal(root.friendlyName, "Test Server");
  assert.equal(root.machineIdentifier, "0123456789abcdef0123456789abcdef01234567");
  assert.equal(root.version, "1.41.3.9314-a0bfb8370");
  assert.equal(root.myPlexSigninState, "ok");
});

Deno.test("FakePlex lists sections the same on /library/sections and /library/sections/all", async () => {
  const plex = new FakePlex(options());
  const a = await container(plex, "/library/sections");
  const b = await container(plex, "/library/sections/all");
  assert.deepEqual(a, b);
  assert.equal(a.size, 6);
  const dirs = a.Directory as Obj[];
  assert.deepEqual(dirs.map((d) => [d.key, d.type, d.agent, d.scanner, d.language]), [
    ["1", "movie", NEW_MOVIE_AGENT, "Plex Movie", "en-US"],
    ["2", "movie", LEGACY_IMDB_AGENT, "Plex Movie Scanner", "en-US"],
    ["3", "show", NEW_TV_AGENT, "Plex TV Series", "en-US"],
    ["4", "show", LEGACY_TVDB_AGENT, "Plex Series Scanner", "en-US"],
    ["5", "show", HAMA_AGENT, "Plex Series Scanner", "en-US"],
    ["6", "movie", NONE_AGENT, "Plex Video Files Scanner", "xn"],
  ]);
  const first = dirs[0]!;
  assert.equal(first.title, "Movies");
  assert.match(
    first.uuid as string,
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.equal(first.updatedAt, 1_700_000_000);
  assert.equal(typeof first.createdAt, "number");
  assert.equal(first.scannedAt, 1_700_000_000);
  assert.deepEqual(first.Location, [{ id: 10, path: "/data/Movies" }]);
});

Deno.test("FakePlex pages with headers or query parameters, header first", async () => {
  const plex = new FakePlex(options());
  const viaHeaders = await call(plex, "/library/sections/1/all?type=1", {
    "X-Plex-Container-Start": "2",
    "X-Plex-Container-Size": "3",
  });
  assert.equal(viaHeaders.headers.get("X-Plex-Container-Start"), "2");
  assert.equal(viaHeaders.headers.get("X-Plex-Container-Total-Size"), "7");
  const mc = JSON.parse(viaHeaders.text).MediaContainer;
  assert.equal(mc.size, 3);
  assert.equal(mc.totalSize, 7);
  assert.equal(mc.offset, 2);
  assert.equal(mc.librarySectionID, 1);
  assert.equal(mc.librarySectionTitle, "Movies");
  // Default order is titleSort with articles dropped: Alien, Dune, Interstellar, Mandy, Matrix×2, Rocky.
  assert.deepEqual(metadata(mc).map((m) => m.ratingKey), ["14", "16", "10"]);

  const viaQuery = await container(
    plex,
    "/library/sections/1/all?type=1&X-Plex-Container-Start=2&X-Plex-Container-Size=3",
  );
  assert.deepEqual(metadata(viaQuery).map((m) => m.ratingKey), ["14", "16", "10"]);

  const both = await container(
    plex,
    "/library/sections/1/all?type=1&X-Plex-Container-Start=0&X-Plex-Container-Size=1",
    { "X-Plex-Container-Start": "6", "X-Plex-Container-Size": "5" },
  );
  assert.equal(both.offset, 6);
  assert.equal(both.size, 1);
  assert.deepEqual(metadata(both).map((m) => m.ratingKey), ["15"]);

  const past = await call(
    plex,
    "/library/sections/1/all?type=1&X-Plex-Container-Start=50&X-Plex-Container-Size=10",
  );
  const pastMc = JSON.parse(past.text).MediaContainer;
  assert.equal(pastMc.size, 0);
  assert.equal(pastMc.totalSize, 7);
  assert.equal("Metadata" in pastMc, false);

  const countOnly = await container(
    plex,
    "/library/sections/1/all?type=1&X-Plex-Container-Start=0&X-Plex-Container-Size=0",
  );
  assert.equal(countOnly.size, 0);
  assert.equal(countOnly.totalSize, 7);
  assert.equal("Metadata" in countOnly, false);
});

Deno.test("FakePlex answers 400 HTML without X-Plex-Container-Size unless paging is lax", async () => {
  const strict = new FakePlex(options());
  const a = await call(strict, "/library/sections/1/all?type=1&X-Plex-Container-Start=0");
  assert.equal(a.status, 400);
  assert.equal(a.headers.get("content-type"), "text/html");
  assert.equal(a.text, htmlError(400));
  assert.match(a.text, /<h1>400 Bad Request<\/h1>/);

  const lax = new FakePlex({ ...options(), strictPaging: false });
  const all = await container(lax, "/library/sections/1/all?type=1");
  assert.equal(all.size, 7);
  assert.equal(all.totalSize, 7);
  assert.equal(metadata(all).length, 7);
});

Deno.test("FakePlex answers a later page with no items on the emptyPages fault, the first page as usual", async () => {
  const plex = new FakePlex(options());
  plex.faults.emptyPages = 1;
  const page = (start: number) =>
    container(
      plex,
      `/library/sections/1/all?type=1&X-Plex-Container-Start=${start}&X-Plex-Container-Size=3`,
    );
  assert.equal((await page(0)).size, 3, "the first page is never emptied");
  assert.equal(plex.faults.emptyPages, 1);
  const empty = await page(3);
  assert.equal(empty.size, 0);
  assert.equal(empty.totalSize, 7, "the total stays");
  assert.equal(empty.Metadata, undefined);
  assert.equal(plex.faults.emptyPages, 0);
  assert.equal((await page(3)).size, 3);
});

Deno.test("FakePlex caps pages at pageMax and shortens pages on the shortPages fault", async () => {
  const plex = new FakePlex({ ...options(), pageMax: 2 });
  const capped = await container(plex, `/library/sections/1/all?type=1&${PAGE}`);
  assert.equal(capped.size, 2);
  assert.equal(capped.totalSize, 7);

  const short = new FakePlex(options());
  short.faults.shortPages = 1;
  const half = await container(
    short,
    "/library/sections/1/all?type=1&X-Plex-Container-Start=0&X-Plex-Container-Size=6",
  );
  assert.equal(half.size, 3);
  assert.equal(half.totalSize, 7);
  assert.equal(short.faults.shortPages, 0);
  const full = await container(
    short,
    "/library/sections/1/all?type=1&X-Plex-Container-Start=0&X-Plex-Container-Size=6",
  );
  assert.equal(full.size, 6);
});

Deno.test("FakePlex adds Guid[] only with includeGuids=1 and only to new-agent items", async () => {
  const plex = new FakePlex(options());
  const without = await container(plex, `/library/sections/1/all?type=1&${PAGE}`);
  assert.ok(metadata(without).every((m) => !("Guid" in m)));

  const withGuids = await container(plex, `/library/sections/1/all?type=1&includeGuids=1&${PAGE}`);
  const matrix = byKey(withGuids, "10");
  assert.match(matrix.guid as string, /^plex:\/\/movie\/[0-9a-f]{24}$/);
  assert.deepEqual(matrix.Guid, [{ id: "imdb://tt0133093" }, { id: "tmdb://603" }, {
    id: "tvdb://169",
  }]);
  // An edition is its own item with the same guid and Guid[].
  const edition = byKey(withGuids, "11");
  assert.equal(edition.editionTitle, "Director's Cut");
  assert.equal(edition.guid, matrix.guid);
  assert.deepEqual(edition.Guid, matrix.Guid);
  // A poorly matched new-agent item has a plex:// guid but no Guid[].
  const alien = byKey(withGuids, "13");
  assert.match(alien.guid as string, /^plex:\/\//);
  assert.equal("Guid" in alien, false);
  // A legacy leftover in a new-agent section: ids in the guid string, never Guid[].
  const rocky = byKey(withGuids, "15");
  assert.equal(rocky.guid, "com.plexapp.agents.themoviedb://1366?lang=en");
  assert.equal("Guid" in rocky, false);

  const legacy = await container(plex, `/library/sections/2/all?type=1&includeGuids=1&${PAGE}`);
  assert.equal(byKey(legacy, "20").guid, "com.plexapp.agents.imdb://tt1254207?lang=en");
  assert.equal(byKey(legacy, "21").guid, "local://21");
  assert.ok(metadata(legacy).every((m) => !("Guid" in m)));
  const detail = await container(plex, "/library/metadata/20,21");
  assert.ok(metadata(detail).every((m) => !("Guid" in m)));

  const home = await container(plex, `/library/sections/6/all?includeGuids=1&${PAGE}`);
  assert.match(
    byKey(home, "60").guid as string,
    /^com\.plexapp\.agents\.none:\/\/[0-9a-f]{40}\?lang=xn$/,
  );
});

Deno.test("FakePlex leaves out what excludeFields/excludeElements name, unless told to ignore them", async () => {
  const plex = new FakePlex(options());
  const url = `/library/sections/3/all?type=4&includeGuids=1&${PAGE}`;
  const full = metadata(await container(plex, url));
  for (const k of ["summary", "thumb", "Guid"]) assert.ok(full.some((m) => k in m), k);
  const slim = metadata(
    await container(plex, `${url}&excludeFields=summary,thumb,nosuch&excludeElements=Guid`),
  );
  assert.equal(slim.length, full.length);
  for (const [i, m] of slim.entries()) {
    const { summary: _s, thumb: _t, Guid: _g, ...rest } = full[i]!;
    assert.deepEqual(m, rest);
  }
  plex.ignoreExcludes = true;
  assert.deepEqual(
    metadata(await container(plex, `${url}&excludeFields=summary,thumb&excludeElements=Guid`)),
    full,
  );
});

Deno.test("FakePlex leaves the same out of detail answers, streams untouched", async () => {
  const plex = new FakePlex(options());
  const url = "/library/metadata/10,12,301?includeGuids=1&skipRefresh=1";
  const full = metadata(await container(plex, url));
  assert.equal(full.length, 3);
  for (const k of ["summary", "Guid", "Media"]) assert.ok(full.some((m) => k in m), k);
  const streams = (ms: Obj[]) => JSON.stringify(ms).match(/"streamType"/g);
  assert.ok((streams(full)?.length ?? 0) > 0, "the details carry streams");
  const slim = metadata(await container(plex, `${url}&excludeFields=summary&excludeElements=Guid`));
  for (const [i, m] of slim.entries()) {
    const { summary: _s, Guid: _g, ...rest } = full[i]!;
    assert.deepEqual(m, rest);
  }
  assert.deepEqual(streams(slim), streams(full));
  plex.ignoreExcludes = true;
  assert.deepEqual(
    metadata(await container(plex, `${url}&excludeFields=summary&excludeElements=Guid`)),
    full,
  );
});

Deno.test("FakePlex lists shows by default and episodes with type=4", async () => {
  const plex = new FakePlex(options());
  const shows = await container(plex, `/library/sections/3/all?includeGuids=1&${PAGE}`);
  assert.equal(shows.viewGroup, "show");
  const bb = byKey(shows, "30");
  assert.equal(bb.type, "show");
  assert.equal(bb.key, "/library/metadata/30/children");
  assert.equal(bb.leafCount, 4);
  assert.equal(bb.childCount, 2);
  assert.deepEqual(bb.Guid, [{ id: "imdb://tt0903747" }, { id: "tmdb://1396" }, {
    id: "tvdb://81189",
  }]);
  assert.equal("Media" in bb, false);

  const eps = await container(plex, `/library/sections/3/all?type=4&includeGuids=1&${PAGE}`);
  assert.equal(eps.totalSize, 5);
  // Show by title sort, then season, then episode number (no number sorts first).
  assert.deepEqual(metadata(eps).map((m) => m.ratingKey), ["303", "304", "301", "302", "311"]);
  const e1 = byKey(eps, "301");
  assert.equal(e1.grandparentRatingKey, "30");
  assert.equal(e1.grandparentGuid, bb.guid);
  assert.equal(e1.grandparentTitle, "Breaking Bad");
  assert.equal(e1.parentIndex, 1);
  assert.equal(e1.index, 1);
  assert.equal(typeof e1.parentRatingKey, "string");
  assert.match(e1.guid as string, /^plex:\/\/episode\/[0-9a-f]{24}$/);
  // The episode's own ids, not the show's.
  assert.deepEqual(e1.Guid, [{ id: "imdb://tt0959621" }, { id: "tvdb://349232" }]);
  assert.equal("Guid" in byKey(eps, "302"), false);
  const special = byKey(eps, "303");
  assert.equal(special.parentIndex, 0);
  assert.equal(special.parentTitle, "Specials");
  const unnumbered = byKey(eps, "304");
  assert.equal("index" in unnumbered, false);
  assert.equal(unnumbered.title, "2008-02-02");
  const hidden = byKey(eps, "311");
  assert.equal("parentRatingKey" in hidden, false);
  assert.equal("parentKey" in hidden, false);
  assert.equal(hidden.parentIndex, 1);
  assert.equal(hidden.grandparentRatingKey, "31");

  const seasons = await container(plex, `/library/sections/3/all?type=3&${PAGE}`);
  assert.deepEqual(metadata(seasons).map((m) => [m.parentRatingKey, m.index, m.title]), [
    ["30", 0, "Specials"],
    ["30", 1, "Season 1"],
    ["31", 1, "Season 1"],
  ]);
});

Deno.test("FakePlex builds legacy episode guids from the show guid", async () => {
  const plex = new FakePlex(options());
  const tvdb = await container(plex, `/library/sections/4/all?type=4&includeGuids=1&${PAGE}`);
  const ep = byKey(tvdb, "401");
  assert.equal(ep.guid, "com.plexapp.agents.thetvdb://268592/1/1?lang=en");
  assert.equal(ep.parentGuid, "com.plexapp.agents.thetvdb://268592/1?lang=en");
  assert.equal(ep.grandparentGuid, "com.plexapp.agents.thetvdb://268592?lang=en");
  assert.equal("Guid" in ep, false);

  const hama = await container(plex, `/library/sections/5/all?type=4&includeGuids=1&${PAGE}`);
  assert.equal(byKey(hama, "501").guid, "com.plexapp.agents.hama://anidb-23/1/1?lang=en");
  assert.equal(byKey(hama, "502").guid, "local://502");
  assert.equal(byKey(hama, "502").grandparentGuid, "com.plexapp.agents.hama://anidb-23?lang=en");
});

Deno.test("FakePlex listings carry Media and Part but no Stream", async () => {
  const plex = new FakePlex(options());
  const mc = await container(plex, `/library/sections/1/all?type=1&${PAGE}`);
  const matrix = byKey(mc, "10");
  const media = matrix.Media as Obj[];
  assert.equal(media.length, 3);
  assert.deepEqual(media.map((m) => m.videoResolution), ["4k", "1080", "720"]);
  assert.equal(media[0]!.videoCodec, "hevc");
  assert.equal(media[0]!.audioCodec, "truehd");
  assert.equal(media[0]!.audioChannels, 8);
  assert.equal((media[1]!.Part as Obj[]).length, 2);
  assert.equal(media[2]!.proxyType, 42);
  assert.equal("proxyType" in media[0]!, false);
  for (const m of media) {
    for (const p of m.Part as Obj[]) {
      assert.equal("Stream" in p, false);
      assert.equal(p.hasThumbnail, "1");
      assert.match(p.key as string, /^\/library\/parts\/\d+\/\d+\/file\.\w+$/);
    }
  }
  // Un-analysed: only id, duration, hasVoiceActivity and Part.
  const raw = byKey(mc, "14");
  assert.deepEqual(Object.keys((raw.Media as Obj[])[0]!), [
    "id",
    "duration",
    "hasVoiceActivity",
    "Part",
  ]);
  assert.equal(raw.hasPremiumPrimaryExtra, "1");
});

Deno.test("FakePlex detail batches return streams, Guid[] and librarySectionID", async () => {
  const plex = new FakePlex(options());
  const mc = await container(plex, "/library/metadata/10,12,301,14");
  assert.equal(mc.size, 4);
  assert.deepEqual(metadata(mc).map((m) => m.ratingKey), ["10", "12", "301", "14"]);
  const matrix = byKey(mc, "10");
  assert.equal(matrix.librarySectionID, 1);
  assert.equal(matrix.librarySectionTitle, "Movies");
  assert.deepEqual(matrix.Guid, [{ id: "imdb://tt0133093" }, { id: "tmdb://603" }, {
    id: "tvdb://169",
  }]);
  const streams = ((matrix.Media as Obj[])[0]!.Part as Obj[])[0]!.Stream as Obj[];
  const video = streams.find((s) => s.streamType === 1)!;
  assert.equal(video.DOVIPresent, true);
  assert.equal(video.DOVIProfile, 8);
  assert.equal(video.DOVIVersion, "1.0");
  assert.equal(video.colorTrc, "smpte2084");
  assert.equal(video.displayTitle, "4K DoVi/HDR10 (HEVC Main 10)");
  const audio = streams.find((s) => s.streamType === 2)!;
  assert.equal(audio.codec, "truehd");
  assert.equal(audio.channels, 8);
  assert.equal(audio.audioChannelLayout, "7.1");
  assert.equal(audio.title, "TrueHD Atmos 7.1");
  assert.equal(audio.displayTitle, "English (TrueHD 7.1 Atmos)");
  assert.equal(audio.selected, true);
  // Every part of a multi-part version repeats the streams.
  const parts = (matrix.Media as Obj[])[1]!.Part as Obj[];
  assert.equal(parts.length, 2);
  assert.deepEqual(parts[0]!.Stream, parts[1]!.Stream);
  assert.equal((parts[0]!.Stream as Obj[])[0]!.colorTrc, "bt709");

  const dune = byKey(mc, "12");
  const duneStreams = ((dune.Media as Obj[])[0]!.Part as Obj[])[0]!.Stream as Obj[];
  assert.equal(duneStreams[0]!.colorTrc, "smpte2084");
  assert.equal("DOVIPresent" in duneStreams[0]!, false);
  assert.equal(duneStreams[0]!.displayTitle, "4K HDR10 (HEVC Main 10)");
  assert.equal(duneStreams[1]!.title, "DTS:X 7.1");

  const episode = byKey(mc, "301");
  assert.equal(episode.librarySectionID, 3);
  assert.deepEqual(episode.Guid, [{ id: "imdb://tt0959621" }, { id: "tvdb://349232" }]);

  const raw = byKey(mc, "14");
  const rawPart = ((raw.Media as Obj[])[0]!.Part as Obj[])[0]!;
  assert.equal("Stream" in rawPart, false);

  const mandy = await container(plex, "/library/metadata/16");
  const p5 = (((metadata(mandy)[0]!.Media as Obj[])[0]!.Part as Obj[])[0]!.Stream as Obj[])[0]!;
  assert.equal(p5.DOVIProfile, 5);
  assert.equal("colorTrc" in p5, false);
});

Deno.test("FakePlex answers 404 HTML for unknown items, sections and routes", async () => {
  const plex = new FakePlex(options());
  for (
    const path of ["/library/metadata/999", "/library/sections/99/all?type=1&" + PAGE, "/nope"]
  ) {
    const a = await call(plex, path);
    assert.equal(a.status, 404, path);
    assert.equal(a.headers.get("content-type"), "text/html");
    assert.equal(
      a.text,
      "<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
    );
  }
  // A batch with some unknown keys returns the known ones.
  const partial = await container(plex, "/library/metadata/10,999");
  assert.equal(partial.size, 1);
});

Deno.test("FakePlex filters hdr=1 and dovi=1 on movies, episodes and shows", async () => {
  const plex = new FakePlex(options());
  const keys = async (path: string) =>
    metadata(await container(plex, `${path}&${PAGE}`)).map((m) => m.ratingKey);
  assert.deepEqual(await keys("/library/sections/1/all?type=1&hdr=1"), ["12", "16", "10"]);
  assert.deepEqual(await keys("/library/sections/1/all?type=1&dovi=1"), ["16", "10"]);
  assert.deepEqual(await keys("/library/sections/1/all?type=1&hdr=1&dovi=1"), ["16", "10"]);
  assert.deepEqual(await keys("/library/sections/3/all?type=4&hdr=1"), ["302"]);
  assert.deepEqual(await keys("/library/sections/3/all?type=4&dovi=1"), []);
  assert.deepEqual(await keys("/library/sections/3/all?type=2&episode.hdr=1"), ["30"]);
});

Deno.test("FakePlex filters addedAt>>= and sorts by addedAt", async () => {
  const plex = new FakePlex(options());
  // URLSearchParams turns `addedAt>>=5000` into key `addedAt>>`, value `5000`.
  const after = await container(
    plex,
    `/library/sections/1/all?type=1&addedAt>>=5000&sort=addedAt:desc&${PAGE}`,
  );
  assert.deepEqual(metadata(after).map((m) => [m.ratingKey, m.addedAt]), [["16", 7000], [
    "15",
    6000,
  ], ["14", 5000]]);
  assert.equal(after.totalSize, 3);
  const asc = await container(plex, `/library/sections/1/all?type=1&sort=addedAt&${PAGE}`);
  assert.deepEqual(metadata(asc).map((m) => m.ratingKey), [
    "10",
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
  ]);
  const eps = await container(plex, `/library/sections/3/all?type=4&addedAt>>=8003&${PAGE}`);
  assert.deepEqual(metadata(eps).map((m) => m.ratingKey), ["303", "304", "311"]);
  assert.equal(plex.log.at(-1)!.query["addedAt>>"], "8003");
});

Deno.test("FakePlex answers XML without Accept: application/json", async () => {
  const plex = new FakePlex(options());
  const res = await plex.handler(
    new Request("http://plex.test/library/sections", { headers: { "x-plex-token": TOKEN } }),
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/xml;charset=utf-8");
  const text = await res.text();
  assert.match(text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<MediaContainer size="6"/);
  assert.match(text, /<Directory [^>]*key="1" type="movie" title="Movies"/);
  assert.match(text, /<Location id="10" path="\/data\/Movies"\/>/);
});

Deno.test("FakePlex serves scripted failures from failNext", async () => {
  const plex = new FakePlex(options());
  plex.faults.failNext.push({ status: 503, count: 2, path: "/library/sections/1/all" });
  plex.faults.failNext.push({ status: 500, count: 1 });
  const path = `/library/sections/1/all?type=1&${PAGE}`;
  // The first rule only applies to its path; the second one to anything.
  const other = await call(plex, "/library/sections");
  assert.equal(other.status, 500);
  assert.equal(other.headers.get("content-type"), "text/html");
  assert.equal(other.text, htmlError(500));
  for (let i = 0; i < 2; i++) {
    const a = await call(plex, path);
    assert.equal(a.status, 503);
    assert.equal(a.headers.get("content-type"), "text/xml;charset=utf-8");
    assert.equal(a.text, XML_503);
  }
  assert.equal(plex.faults.failNext.length, 0);
  assert.equal((await call(plex, path)).status, 200);

  plex.faults.failNext.push({
    status: 502,
    count: 1,
    body: "bad gateway",
    contentType: "text/plain",
  });
  const custom = await call(plex, "/");
  assert.equal(custom.status, 502);
  assert.equal(custom.text, "bad gateway");
  assert.equal(custom.headers.get("content-type"), "text/plain");
  assert.deepEqual(plex.log.map((e) => e.status), [500, 503, 503, 200, 502]);
});

Deno.test("FakePlex truncates JSON, serves HTML and delays on request", async () => {
  const plex = new FakePlex(options());
  plex.faults.truncateJson = 1;
  const cut = await call(plex, "/library/sections");
  assert.equal(cut.status, 200);
  assert.throws(() => JSON.parse(cut.text), SyntaxError);
  const whole = await call(plex, "/library/sections");
  assert.equal(cut.text, whole.text.slice(0, Math.floor(whole.text.length / 2)));

  plex.faults.htmlInsteadOfJson = true;
  for (let i = 0; i < 2; i++) {
    const page = await call(plex, "/library/sections");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html");
    assert.match(page.text, /^<html>/);
  }
  plex.faults.htmlInsteadOfJson = false;

  plex.faults.delayMs = 60;
  const started = performance.now();
  assert.equal((await call(plex, "/identity")).status, 200);
  assert.ok(performance.now() - started >= 55);
});

Deno.test("FakePlex logs every request", async () => {
  const plex = new FakePlex(options());
  await call(plex, `/library/sections/1/all?type=1&includeGuids=1`, {
    "X-Plex-Container-Start": "0",
    "X-Plex-Container-Size": "2",
    "X-Plex-Client-Identifier": "abc",
  });
  await call(plex, "/library/metadata/10");
  await call(plex, "/library/metadata/10", { "x-plex-token": "bad" });
  assert.equal(plex.log.length, 3);
  const first = plex.log[0]!;
  assert.equal(first.method, "GET");
  assert.equal(first.path, "/library/sections/1/all");
  assert.deepEqual(first.query, { type: "1", includeGuids: "1" });
  assert.equal(first.headers["x-plex-container-size"], "2");
  assert.equal(first.headers["x-plex-client-identifier"], "abc");
  assert.equal(first.headers["x-plex-token"], TOKEN);
  assert.equal(first.status, 200);
  assert.equal(typeof first.at, "number");
  assert.deepEqual(plex.log.map((e) => e.status), [200, 200, 401]);
  assert.equal(plex.count("/library/metadata"), 2);
  assert.equal(plex.count("/library/sections"), 1);
  assert.equal(plex.count(), 3);
  plex.clearLog();
  assert.equal(plex.count(), 0);
});

Deno.test("FakePlex addMovie and addEpisode show up in listings and bump updatedAt", async () => {
  const plex = new FakePlex(options());
  const before = await container(plex, `/library/sections/1/all?type=1&${PAGE}`);
  assert.equal(before.totalSize, 7);
  plex.addMovie("1", {
    ratingKey: "17",
    title: "Arrival",
    year: 2016,
    addedAt: 20_000,
    ids: { tmdb: 329865 },
  });
  plex.addEpisode("3", "30", { ratingKey: "305", season: 2, index: 1, addedAt: 20_001 });
  assert.ok(plex.sectionUpdatedAt("1")! > 1_700_000_000);
  assert.ok(plex.sectionUpdatedAt("3")! > 1_700_000_000);
  assert.equal(plex.sectionUpdatedAt("2"), 1_700_000_000);
  const sections = await container(plex, "/library/sections");
  assert.equal((sections.Directory as Obj[])[0]!.updatedAt, plex.sectionUpdatedAt("1"));

  const recent = await container(plex, `/library/sections/1/all?type=1&addedAt>>=10000&${PAGE}`);
  assert.deepEqual(metadata(recent).map((m) => m.title), ["Arrival"]);
  const eps = await container(plex, `/library/sections/3/all?type=4&sort=addedAt:desc&${PAGE}`);
  const newest = metadata(eps)[0]!;
  assert.deepEqual([newest.ratingKey, newest.parentIndex, newest.index], ["305", 2, 1]);
  const shows = await container(plex, `/library/sections/3/all?type=2&${PAGE}`);
  assert.equal(byKey(shows, "30").childCount, 3);
  assert.throws(
    () => plex.addEpisode("3", "99", { ratingKey: "x", season: 1, addedAt: 1 }),
    /Unknown show 99/,
  );
  assert.throws(
    () => plex.addMovie("1", { ratingKey: "10", title: "Dup", addedAt: 1 }),
    /Duplicate ratingKey/,
  );
});

Deno.test("FakePlex lists a show's seasons and a season's episodes", async () => {
  const plex = new FakePlex(options());
  const seasons = await container(plex, "/library/metadata/30/children");
  assert.deepEqual(metadata(seasons).map((m) => [m.type, m.index]), [["season", 0], ["season", 1]]);
  const season1 = byKey(seasons, metadata(seasons)[1]!.ratingKey as string);
  const eps = await container(plex, `/library/metadata/${season1.ratingKey}/children`);
  // A number on the container, a string on the items (captured tv_episodes.json).
  assert.equal(eps.grandparentRatingKey, 30);
  assert.deepEqual(metadata(eps).map((m) => [m.ratingKey, m.grandparentRatingKey]), [
    ["304", "30"],
    ["301", "30"],
    ["302", "30"],
  ]);
  const leaves = await container(plex, "/library/metadata/30/allLeaves?includeGuids=1");
  assert.equal(leaves.size, 4);
  assert.equal(leaves.grandparentRatingKey, 30);
  assert.deepEqual(byKey(leaves, "301").Guid, [{ id: "imdb://tt0959621" }, {
    id: "tvdb://349232",
  }]);
});

Deno.test("FakePlex is built from JSON options and serves over HTTP", async () => {
  const plex = new FakePlex(JSON.parse(JSON.stringify(options())));
  const server = await plex.start();
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/library/sections/1/all?type=1&includeGuids=1&${PAGE}`, {
      headers: { accept: "application/json", "x-plex-token": TOKEN },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-plex-container-total-size"), "7");
    const body = await res.json();
    assert.deepEqual(body.MediaContainer.Metadata[4].Guid, [
      { id: "imdb://tt0133093" },
      { id: "tmdb://603" },
      { id: "tvdb://169" },
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("FakePlex close() does not wait out a long delay", async () => {
  const plex = new FakePlex(options());
  plex.faults.delayMs = 10_000;
  const server = await plex.start();
  const started = performance.now();
  try {
    await assert.rejects(
      fetch(`${server.url}/identity`, { signal: AbortSignal.timeout(50) }),
      (e: unknown) => e instanceof DOMException && e.name === "TimeoutError",
    );
  } finally {
    await server.close();
  }
  // close() returned long before the 10 s delay.
  assert.ok(performance.now() - started < 5_000);
  assert.equal(plex.count("/identity"), 1);
});
