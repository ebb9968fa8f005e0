/** `trakt sync --remove-missing`: removes only what no Plex library has, behind its guards. */
import assert from "node:assert/strict";
import {
  FakePlex,
  type FakeSection,
  NEW_MOVIE_AGENT,
  NEW_TV_AGENT,
} from "../emulators/fake_plex.ts";
import type { Catalog } from "../emulators/catalog.ts";
import { openStore } from "../../lib/store/store.ts";
import { PLEX_TOKEN, startWorld, type World } from "../helpers/world.ts";

const catalog: Catalog = {
  movies: [
    {
      trakt: 1,
      slug: "the-matrix-1999",
      title: "The Matrix",
      year: 1999,
      imdb: "tt0133093",
      tmdb: 603,
    },
    { trakt: 2, slug: "dune-2021", title: "Dune", year: 2021, imdb: "tt1160419", tmdb: 438631 },
    {
      trakt: 4,
      slug: "arrival-2016",
      title: "Arrival",
      year: 2016,
      imdb: "tt2543164",
      tmdb: 329865,
    },
  ],
  shows: [{
    trakt: 3,
    slug: "breaking-bad",
    title: "Breaking Bad",
    year: 2008,
    tvdb: 81189,
    tmdb: 1396,
    seasons: [{ number: 1, episodes: 7 }],
  }],
};
const collection = {
  movies: [1, 2],
  episodes: [1, 2, 3].map((number) => ({ show: 3, season: 1, number })),
};

function sections(movies = true): FakeSection[] {
  return [
    {
      key: "1",
      title: "Movies",
      type: "movie",
      agent: NEW_MOVIE_AGENT,
      movies: movies
        ? [{
          ratingKey: "10",
          title: "The Matrix",
          year: 1999,
          addedAt: 1_700_000_000,
          ids: { imdb: "tt0133093", tmdb: 603 },
        }]
        : [],
    },
    {
      key: "2",
      title: "TV",
      type: "show",
      agent: NEW_TV_AGENT,
      shows: [{
        ratingKey: "20",
        title: "Breaking Bad",
        year: 2008,
        addedAt: 1_700_000_000,
        ids: { tvdb: 81189, tmdb: 1396 },
        episodes: [1, 2].map((i) => ({
          ratingKey: `2${i}`,
          season: 1,
          index: i,
          addedAt: 1_700_000_000,
        })),
      }],
    },
  ];
}

/**
 * A world of `libraries` over the catalog and collection above (VIP unless `trakt` says), in
 * which `check` runs.
 */
async function inWorld(
  libraries: FakeSection[],
  check: (w: World) => Promise<void>,
  trakt: { vip?: boolean; accountLimit?: number } = { vip: true },
): Promise<void> {
  const w = await startWorld({ sections: libraries, catalog, collection, trakt });
  try {
    await check(w);
  } finally {
    await w.close();
  }
}

Deno.test("e2e remove-missing: dry run lists, the real run removes exactly the missing items", async () => {
  await inWorld(sections(), async (w) => {
    const dry = await w.run([
      "trakt",
      "sync",
      "--remove-missing",
      "--max-remove",
      "5",
      "--dry-run",
      "--json",
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout).removal;
    assert.deepEqual(plan.planned, { movies: 1, episodes: 1 });
    assert.equal(plan.movies[0].title, "Dune");
    assert.deepEqual([plan.episodes[0].season, plan.episodes[0].number], [1, 3]);
    assert.equal(w.trakt.count("/sync/collection/remove"), 0);

    const real = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"]);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stderr, /Removed 1 movies and 1 episodes/);
    assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1]);
    assert.deepEqual(w.trakt.collectedEpisodes().map((e) => e.number), [1, 2]);
  });
});

Deno.test("e2e remove-missing: refuses over the default limit and when a library is empty", async () => {
  await inWorld(sections(false), async (w) => {
    const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "100", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(JSON.parse(r.stdout).removal.refused, /"Main Server \/ Movies" came back empty/);
    assert.equal(w.trakt.count("/sync/collection/remove"), 0);
    assert.equal(w.trakt.collectedMovies().length, 2);
  });
  await inWorld(sections(), async (w2) => {
    // 2 to remove out of 5 collected: more than 10%.
    const r = await w2.run(["trakt", "sync", "--remove-missing"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /Refusing to remove: 2 items would be removed, more than the limit of 0/,
    );
    assert.equal(w2.trakt.count("/sync/collection/remove"), 0);
  });
});

Deno.test("e2e remove-missing: needs every server and library; --max-remove needs it", async () => {
  await inWorld(sections(), async (w) => {
    const lib = await w.run(["trakt", "sync", "--remove-missing", "--library", "Movies"]);
    assert.equal(lib.code, 2);
    assert.match(lib.stderr, /--remove-missing needs every configured server and library/);
    const max = await w.run(["trakt", "sync", "--max-remove", "3"]);
    assert.equal(max.code, 2);
    assert.match(max.stderr, /only applies with --remove-missing/);
    for (const n of ["lots", "1e3", "-1", "2.5", "0x10"]) {
      const bad = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", n]);
      assert.equal(bad.code, 2, n);
      assert.match(bad.stderr, /--max-remove needs a whole number of items/, n);
    }
    assert.equal(w.trakt.count("/sync/collection/remove"), 0);
  }, {});
});

Deno.test("e2e remove-missing: an empty library is caught even when another has its title", async () => {
  // Plex allows two libraries of one name: the full one must not vouch for the empty one.
  const [movies, tv] = sections();
  const emptyTwin: FakeSection = { ...movies!, key: "3", movies: [] };
  await inWorld([movies!, tv!, emptyTwin], async (w) => {
    const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "100", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      JSON.parse(r.stdout).removal.refused,
      /"Main Server \/ Movies \(section 3\)" came back empty/,
    );
    assert.equal(w.trakt.count("/sync/collection/remove"), 0);
    assert.equal(w.trakt.collectedMovies().length, 2);
  });
});

Deno.test("e2e remove-missing: a server answering with no library at all vouches for nothing", async () => {
  // A reinstalled server, or a token whose user lost access: no library, so no empty one either.
  await inWorld([], async (w) => {
    const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "100", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      JSON.parse(r.stdout).removal.refused,
      /"Main Server" answered with no movie or show library.*nothing was removed/,
    );
    assert.deepEqual(JSON.parse(r.stdout).removal.movies, [], "nothing listed as missing");
    assert.equal(w.trakt.count("/sync/collection/remove"), 0);
    assert.equal(w.trakt.collectedMovies().length, 2);
    // The report says it was refused, not that nothing needed removing.
    const human = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "100"]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stderr, /^warning: Refusing to remove: Plex server "Main Server" answered/m);
    assert.equal(human.stderr.match(/answered with no movie or show library/g)?.length, 1);
    assert.doesNotMatch(human.stderr, /Nothing to remove/);
  });
});

Deno.test("e2e remove-missing: keeps what Plex has but could not identify, and says so", async () => {
  // Dune is in Plex, unmatched (a `local://` guid, no ids): its Trakt copy must stay.
  const [movies, tv] = sections();
  const unmatched = { ratingKey: "11", title: "Dune", year: 2021, addedAt: 1_700_000_000 };
  const withDune: FakeSection = { ...movies!, movies: [...movies!.movies!, unmatched] };
  await inWorld([withDune, tv!], async (w) => {
    const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const removal = JSON.parse(r.stdout).removal;
    assert.deepEqual(removal.planned, { movies: 0, episodes: 1 });
    assert.deepEqual(removal.kept, { movies: 1, episodes: 0 });
    assert.match(r.stderr, /^warning: Kept 1 Trakt item that no Plex item names by id/m);
    assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt).sort(), [1, 2]);
    assert.deepEqual(w.trakt.collectedEpisodes().map((e) => e.number), [1, 2]);
  });
});

Deno.test("e2e remove-missing: a library that changes while it is listed vouches for nothing", async () => {
  // 30 movies, all collected, listed 10 per page. Movie 01 is deleted after the first page: the
  // rest shift left, and Movie 10 slips past the page boundary unseen (plex-api.md §6).
  const titles = Array.from({ length: 30 }, (_, i) => `Movie ${String(i).padStart(2, "0")}`);
  const cat: Catalog = {
    movies: titles.map((title, i) => ({
      trakt: 100 + i,
      slug: `m${i}`,
      title,
      year: 2000,
      imdb: `tt${1_000_000 + i}`,
      tmdb: 5000 + i,
    })),
    shows: [],
  };
  const movies = (deleted?: number): FakeSection[] => [{
    key: "1",
    title: "Movies",
    type: "movie",
    agent: NEW_MOVIE_AGENT,
    movies: titles.map((title, i) => ({
      ratingKey: `${10 + i}`,
      title,
      year: 2000,
      addedAt: 1_700_000_000 + i,
      ids: { imdb: `tt${1_000_000 + i}`, tmdb: 5000 + i },
    })).filter((_, i) => i !== deleted),
  }];
  const w = await startWorld({
    sections: movies(),
    catalog: cat,
    collection: { movies: cat.movies.map((m) => m.trakt), episodes: [] },
    trakt: { vip: true },
  });
  const later = new FakePlex({ token: PLEX_TOKEN, sections: movies(1), pageMax: 10 });
  w.plex.pageMax = 10;
  const laterServer = await later.start();
  let pages = 0;
  // The server as the CLI sees it: the first listing page before the deletion, the rest after.
  const proxy = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const u = new URL(req.url);
    const listing = u.pathname.endsWith("/all");
    const origin = listing && ++pages > 1 ? laterServer.url : w.plexUrl;
    const res = await fetch(origin + u.pathname + u.search, { headers: req.headers });
    return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
  });
  try {
    const ini = await Deno.readTextFile(w.configPath);
    await Deno.writeTextFile(
      w.configPath,
      ini.replace(w.plexUrl, `http://127.0.0.1:${proxy.addr.port}`),
    );
    const r = await w.run(["trakt", "sync", "--remove-missing", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const removal = JSON.parse(r.stdout).removal;
    assert.match(
      removal.refused,
      /"Main Server \/ Movies" changed or came back incomplete while it was read/,
    );
    assert.deepEqual(removal.movies, []);
    assert.equal(w.trakt.count("/sync/collection/remove"), 0);
    assert.equal(w.trakt.collectedMovies().length, 30, "Movie 10 is still collected");
  } finally {
    await proxy.shutdown();
    await laterServer.close();
    await w.close();
  }
});

Deno.test("e2e remove-missing: at the account limit the removal frees the room the additions need", async () => {
  // Trakt holds 5 items, its limit. Plex gained Arrival and lost Dune and an episode: added
  // first, Arrival got a 420 (exit 5) and nothing was ever removed, every hour.
  const [movies, tv] = sections();
  const arrival = {
    ratingKey: "12",
    title: "Arrival",
    year: 2016,
    addedAt: 1_700_000_000,
    ids: { imdb: "tt2543164", tmdb: 329865 },
  };
  const withArrival: FakeSection = { ...movies!, movies: [...movies!.movies!, arrival] };
  await inWorld([withArrival, tv!], async (w) => {
    const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.error, undefined);
    assert.deepEqual(out.removal.removed, { movies: 1, episodes: 1 });
    assert.deepEqual(out.added, { movies: 1, episodes: 0 });
    assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1, 4]);
    const writes = w.trakt.writeAttempts().map((e) => e.path);
    assert.deepEqual(writes, ["/sync/collection/remove", "/sync/collection"]);
  }, { vip: false, accountLimit: 5 });
});

Deno.test("e2e remove-missing: a removal Trakt applied but whose answer was lost counts as removed", async () => {
  await inWorld(sections(), async (w) => {
    // Between the CLI and Trakt: the first removal reaches Trakt, its answer does not (a 502).
    let removes = 0;
    const proxy = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
      const u = new URL(req.url);
      const res = await fetch(w.traktUrl + u.pathname + u.search, {
        method: req.method,
        headers: req.headers,
        ...(req.method === "POST" ? { body: await req.arrayBuffer() } : {}),
      });
      const body = await res.arrayBuffer();
      if (u.pathname === "/sync/collection/remove" && ++removes === 1) {
        return new Response("bad gateway", { status: 502 });
      }
      return new Response(body, { status: res.status, headers: res.headers });
    });
    try {
      const ini = await Deno.readTextFile(w.configPath);
      await Deno.writeTextFile(
        w.configPath,
        ini.replaceAll(w.traktUrl, `http://127.0.0.1:${proxy.addr.port}`),
      );
      const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(removes, 2, "the removal was sent again");
      assert.deepEqual(JSON.parse(r.stdout).removal.removed, { movies: 1, episodes: 1 });
      assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1]);
    } finally {
      await proxy.shutdown();
    }
  });
});

Deno.test("e2e remove-missing: never removes what the user collected on a disc (Blu-ray, DVD…)", async () => {
  // Dune as a Blu-ray and S01E03 as a DVD, added by hand on Trakt: Plex has neither.
  const w = await startWorld({
    sections: sections(),
    catalog,
    collection: {
      ...collection,
      mediaTypes: { movies: { 2: "bluray" }, episodes: { "3:1:3": "dvd" } },
    },
    trakt: { vip: true },
  });
  try {
    const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const removal = JSON.parse(r.stdout).removal;
    assert.deepEqual(removal.planned, { movies: 0, episodes: 0 });
    assert.deepEqual(removal.physical, { movies: 1, episodes: 1 });
    assert.deepEqual(removal.kept, { movies: 0, episodes: 0 });
    assert.equal(w.trakt.count("/sync/collection/remove"), 0);
    assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1, 2]);
    const human = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"]);
    assert.match(
      human.stderr,
      /Kept 1 movies and 1 episodes that Trakt has on a physical medium \(Blu-ray, DVD…\)/,
    );
    assert.match(human.stderr, /Nothing to remove: every other movie and episode/);
  } finally {
    await w.close();
  }
});

Deno.test("e2e remove-missing: trakt status tells how the last removal went, refused or done", async () => {
  await inWorld(sections(), async (w) => {
    // 2 to remove out of 5 collected: over the default limit, refused, and the run exits 0.
    const refused = await w.run(["trakt", "sync", "--remove-missing"]);
    assert.equal(refused.code, 0, refused.stderr);
    const status = await w.run(["trakt", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const [last] = JSON.parse(status.stdout).last_syncs;
    assert.equal(last.outcome, "success");
    assert.deepEqual(last.removal.planned, { movies: 1, episodes: 1 });
    assert.deepEqual(last.removal.removed, { movies: 0, episodes: 0 });
    assert.match(last.removal.refused, /2 items would be removed, more than the limit of 0/);
    const text = await w.run(["trakt", "status"]);
    assert.match(text.stderr, /success: .*; removal refused: 2 items would be removed/);

    const done = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"]);
    assert.equal(done.code, 0, done.stderr);
    const after = JSON.parse((await w.run(["trakt", "status", "--json"])).stdout).last_syncs[0];
    assert.deepEqual(after.removal, {
      planned: { movies: 1, episodes: 1 },
      removed: { movies: 1, episodes: 1 },
    });
    assert.match((await w.run(["trakt", "status"])).stderr, /; removed 1 movies, 1 episodes/);
    // A sync without --remove-missing had no removal to tell of.
    await w.run(["trakt", "sync"]);
    const plain = JSON.parse((await w.run(["trakt", "status", "--json"])).stdout).last_syncs[0];
    assert.equal(plain.removal, undefined);
  });
});

/** Points the world's config at a new fake Plex of `libraries` (the same server, changed). */
async function replugPlex(w: World, from: string, libraries: FakeSection[]) {
  const plex = new FakePlex({
    token: PLEX_TOKEN,
    friendlyName: "Main Server",
    sections: libraries,
  });
  const server = await plex.start();
  const ini = await Deno.readTextFile(w.configPath);
  await Deno.writeTextFile(w.configPath, ini.replaceAll(from, server.url));
  return server;
}

/** Moves the record's "empty since" of every library of the world's server back by `ms`. */
async function backdateEmpty(w: World, ms: number) {
  const store = await openStore(w.storePath);
  try {
    const rec = await store.getLibraryItems("main server");
    assert.ok(rec?.emptySince, "a library on record as empty");
    for (const k of Object.keys(rec.emptySince)) rec.emptySince[k]! -= ms;
    await store.saveLibraryItems("main server", rec);
  } finally {
    store.close();
  }
}

Deno.test("e2e remove-missing: a library that had items and comes back empty is refused until every sync of a day has found it empty", async () => {
  await inWorld(sections(), async (w) => {
    const first = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1]);
    // The disk holding the movies is not mounted: Plex lists the library empty.
    const unmounted = await replugPlex(w, w.plexUrl, sections(false));
    try {
      const args = ["trakt", "sync", "--remove-missing", "--max-remove", "100", "--json"];
      // Neither later hours nor a sync without --remove-missing (the hourly timer's) vouch
      // for the empty library: only a day of it does.
      const refused = async () => {
        const r = await w.run(args);
        assert.equal(r.code, 0, r.stderr);
        return JSON.parse(r.stdout).removal.refused as string;
      };
      assert.match(
        await refused(),
        /"Main Server \/ Movies" came back empty \(it had 1 item when a sync last found any\): an unmounted disk, or a library deleted or no longer shared\? Nothing was removed. If that is meant, the removal goes ahead once every sync of a whole day has found it so/,
      );
      const preview = await w.run([...args, "--dry-run"]);
      assert.match(
        JSON.parse(preview.stdout).removal.refused,
        /a whole day has found it so \(a preview does not count: it records nothing\)$/,
      );
      assert.equal((await w.run(["trakt", "sync", "--full"])).code, 0);
      assert.match(
        await refused(),
        /\(it had 1 item when a sync last found any; empty since \d{4}-\d\d-\d\dT[\d:.]+Z\)/,
      );
      assert.equal(w.trakt.count("/sync/collection/remove"), 1);
      assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1]);
      await backdateEmpty(w, 25 * 3600_000);
      const r = await w.run(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).removal.refused, undefined);
      assert.deepEqual(JSON.parse(r.stdout).removal.removed, { movies: 1, episodes: 0 });
      assert.deepEqual(w.trakt.collectedMovies(), []);
    } finally {
      await unmounted.close();
    }
  });
});

Deno.test("e2e remove-missing: the near-free hourly run leaves the libraries' record alone", async () => {
  await inWorld(sections(), async (w) => {
    const first = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"]);
    assert.equal(first.code, 0, first.stderr);
    // The timer's plain runs: the later ones take the near-free path, which lists no library.
    let incremental = 0;
    for (let i = 0; i < 3; i++) {
      const r = await w.run(["trakt", "sync", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      if (JSON.parse(r.stdout).incremental) incremental++;
    }
    assert.ok(incremental >= 1, "a near-free run happened");
    const unmounted = await replugPlex(w, w.plexUrl, sections(false));
    try {
      const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "100", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(JSON.parse(r.stdout).removal.refused, /"Main Server \/ Movies" came back empty/);
      assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1]);
    } finally {
      await unmounted.close();
    }
  });
});

Deno.test("e2e remove-missing: a library empty for a day, or new since the last sync, does not block the removal", async () => {
  const [movies, tv] = sections();
  const recordings: FakeSection = { ...movies!, key: "3", title: "Recordings", movies: [] };
  await inWorld([movies!, tv!, recordings], async (w) => {
    // No sync has found items in "Recordings" yet: it may be an unmounted disk.
    const args = ["trakt", "sync", "--remove-missing", "--max-remove", "5", "--json"];
    const unknown = await w.run(args);
    assert.match(
      JSON.parse(unknown.stdout).removal.refused,
      /"Main Server \/ Recordings" came back empty \(no earlier sync recorded it\)/,
    );
    const again = await w.run(args);
    assert.match(
      JSON.parse(again.stdout).removal.refused,
      /"Main Server \/ Recordings" came back empty \(no sync has found items in it; empty since /,
    );
    await backdateEmpty(w, 25 * 3600_000);
    // Empty for a day, and a "4K Movies" library created since the last sync: both as meant.
    const uhd: FakeSection = { ...movies!, key: "4", title: "4K Movies", movies: [] };
    const replugged = await replugPlex(w, w.plexUrl, [movies!, tv!, recordings, uhd]);
    try {
      const r = await w.run(args);
      assert.equal(r.code, 0, r.stderr);
      const removal = JSON.parse(r.stdout).removal;
      assert.equal(removal.refused, undefined);
      assert.deepEqual(removal.removed, { movies: 1, episodes: 1 });
    } finally {
      await replugged.close();
    }
  });
});

Deno.test("e2e remove-missing: a library Plex no longer lists counts as empty until it has been gone a day", async () => {
  await inWorld(sections(), async (w) => {
    const first = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"]);
    assert.equal(first.code, 0, first.stderr);
    // The movies library is gone from Plex (deleted, or a shared library no longer shared).
    const [, tv] = sections();
    const replugged = await replugPlex(w, w.plexUrl, [tv!]);
    try {
      const args = ["trakt", "sync", "--remove-missing", "--max-remove", "100", "--json"];
      for (const _ of [1, 2]) {
        const r = await w.run(args);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          JSON.parse(r.stdout).removal.refused,
          /"Main Server \/ section 1" is no longer listed \(it had 1 item/,
        );
      }
      assert.deepEqual(w.trakt.collectedMovies().map((m) => m.trakt), [1]);
      await backdateEmpty(w, 25 * 3600_000);
      const r = await w.run(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).removal.refused, undefined);
      assert.deepEqual(JSON.parse(r.stdout).removal.removed, { movies: 1, episodes: 0 });
      // Gone a day, it is forgotten: the next removal no longer names it.
      const after = await w.run(args);
      assert.doesNotMatch(after.stdout, /no longer listed/);
    } finally {
      await replugged.close();
    }
  });
});

Deno.test("e2e remove-missing: a server renamed or removed from the config holds the removal back for a day", async () => {
  await inWorld(sections(), async (w) => {
    const first = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"]);
    assert.equal(first.code, 0, first.stderr);
    const ini = await Deno.readTextFile(w.configPath);
    assert.match(ini, /name = Main Server/);
    await Deno.writeTextFile(w.configPath, ini.replace("name = Main Server", "name = Den"));
    const args = ["trakt", "sync", "--remove-missing", "--max-remove", "5", "--json"];
    for (const _ of [1, 2]) {
      const r = await w.run(args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        JSON.parse(r.stdout).removal.refused,
        /server "Main Server" \(since [\d-]+T[\d:.]+Z\), read by an earlier sync, is no longer in the config \(renamed or removed\?\).*goes ahead once it has been out of the config a whole day/,
      );
    }
    const store = await openStore(w.storePath);
    try {
      const gone = await store.getLibraryItems("main server");
      assert.ok(gone?.goneSince, "marked as gone by the runs");
      await store.saveLibraryItems("main server", {
        ...gone,
        goneSince: gone.goneSince - 25 * 3600_000,
      });
    } finally {
      store.close();
    }
    const r = await w.run(args);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).removal.refused, undefined);
    // Named back: its record is no longer marked gone, and "Den" is.
    await Deno.writeTextFile(w.configPath, ini);
    assert.equal((await w.run(["trakt", "sync", "--full"])).code, 0);
    const after = await openStore(w.storePath);
    try {
      assert.equal((await after.getLibraryItems("main server"))?.goneSince, undefined);
      assert.ok((await after.getLibraryItems("den"))?.goneSince);
    } finally {
      after.close();
    }
  });
});

Deno.test("e2e remove-missing: a server only a 0.1.0 sync recorded, since removed from the config, holds the removal back too", async () => {
  await inWorld(sections(), async (w) => {
    const store = await openStore(w.storePath);
    try {
      await store.saveLastSync("old nas", {
        at: Date.now() - 30 * 24 * 3600_000,
        serverName: "Old NAS",
        outcome: "success",
        added: { movies: 1, episodes: 0 },
        existing: { movies: 0, episodes: 0 },
        notFound: { movies: 0, episodes: 0 },
        skipped: 0,
      });
    } finally {
      store.close();
    }
    const r = await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(JSON.parse(r.stdout).removal.refused, /server "Old NAS" \(since /);
  });
});

Deno.test("e2e remove-missing: a --library run leaves the other libraries' record as old as it was, and a preview keeps no comparison", async () => {
  await inWorld(sections(), async (w) => {
    assert.equal((await w.run(["trakt", "sync", "--remove-missing", "--max-remove", "5"])).code, 0);
    const at = async () => {
      const store = await openStore(w.storePath);
      try {
        return (await store.getLibraryItems("main server"))?.at;
      } finally {
        store.close();
      }
    };
    const first = await at();
    assert.ok(first);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await w.run(["trakt", "sync", "--full", "--library", "TV"])).code, 0);
    assert.equal(await at(), first, "a run of some libraries does not keep the others' day up");
    // A preview that finds nothing to send keeps no comparison for the next run to reuse.
    const preview = await w.run(["trakt", "sync", "--dry-run", "--json"]);
    assert.equal(preview.code, 0, preview.stderr);
    const next = await w.run(["trakt", "sync", "--json"]);
    assert.notEqual(JSON.parse(next.stdout).incremental, true);
  });
});
