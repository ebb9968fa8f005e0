/**
 * The fault matrix of issue 3 (item 8), end to end: the real CLI against the emulators, each
 * case ending with the exact expected Trakt collection or the documented exit code. Covered:
 * 429 bursts on writes, 5xx/52x bursts on reads, a stalled connection past the timeout (Trakt
 * and Plex, fatal and recovered), Trakt's paging bugs on a collection bigger than a page,
 * SIGTERM mid-sync then a completing run, Plex's 503 maintenance answer, a Trakt answer off its
 * schema, a locked account (423), config and store file permissions.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sampleLibrary } from "../emulators/sample_library.ts";
import { syntheticLibrary } from "../emulators/synthetic.ts";
import { INITIAL_COLLECTED_AT } from "../emulators/fake_trakt_collection.ts";
import type { World, WorldOptions } from "../helpers/world.ts";
import {
  episodeId,
  expectedAfterFirstSync,
  iniText,
  OutputLog,
  parseJson,
  until,
} from "./e2e_util.ts";

const log = new OutputLog();
const POSIX = Deno.build.os !== "windows";

function sample(extra: Partial<WorldOptions> = {}): WorldOptions {
  return { ...sampleLibrary(), ...extra };
}

/** The Trakt collection now, as the maps `ExpectedCollection` uses. */
function collectionOf(w: World) {
  return {
    movies: new Map(w.trakt.collectedMovies().map((m) => [m.trakt, m.collected_at])),
    episodes: new Map(
      w.trakt.collectedEpisodes().map((
        e,
      ) => [episodeId(e.show, e.season, e.number), e.collected_at]),
    ),
  };
}

/** After a first sync of the sample library, Trakt holds exactly what the oracle says. */
function assertSampleCollection(w: World): void {
  const expected = expectedAfterFirstSync(sampleLibrary());
  const got = collectionOf(w);
  assert.deepEqual(got.movies, expected.movies, "movies on Trakt");
  assert.deepEqual(got.episodes, expected.episodes, "episodes on Trakt");
}

/**
 * Movies of a synthetic library (no unknown titles, no shows): the i-th movie has imdb
 * tt(10000000+i) and Trakt id i+1; it must be on Trakt once, at its addedAt unless it was
 * collected before.
 */
function assertSyntheticMovies(w: World, lib: ReturnType<typeof syntheticLibrary>): void {
  const before = new Set(lib.collection.movies);
  const expected = new Map<number, string>();
  for (const section of lib.sections) {
    for (const m of section.movies ?? []) {
      const trakt = Number(m.ids!.imdb!.slice(2)) - 10_000_000 + 1;
      expected.set(
        trakt,
        before.has(trakt) ? INITIAL_COLLECTED_AT : new Date(m.addedAt * 1000).toISOString(),
      );
    }
  }
  assert.equal(w.trakt.collectedMovies().length, expected.size, "no duplicates on Trakt");
  assert.deepEqual(collectionOf(w).movies, expected);
}

Deno.test("fault matrix: a 429 burst on writes is waited out (Retry-After: 1) → collection exact", async () => {
  const trakt = {
    faults: {
      failNext: [{
        status: 429,
        count: 2,
        path: "/sync/collection",
        method: "POST",
        headers: { "retry-after": "1" },
      }],
    },
  };
  await log.withWorld(sample({ trakt }), async (w) => {
    const started = Date.now();
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseJson("429", r.stdout).error, undefined);
    const attempts = w.trakt.writeAttempts();
    assert.deepEqual(attempts.map((e) => e.status), [429, 429, 201]);
    const gaps = [attempts[1]!.at - attempts[0]!.at, attempts[2]!.at - attempts[1]!.at];
    for (const gap of gaps) assert.ok(gap >= 950, `waited Retry-After (1 s), not ${gap} ms`);
    assert.ok(Date.now() - started < 15_000);
    assertSampleCollection(w);
  });
});

Deno.test("fault matrix: a 502/503/520 burst on the collection read is retried → collection exact", async () => {
  const path = "/sync/collection/movies";
  const trakt = {
    faults: {
      failNext: [
        { status: 502, path, method: "GET" },
        { status: 503, path, method: "GET" },
        { status: 520, path, method: "GET" },
      ],
    },
  };
  await log.withWorld(sample({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = parseJson("5xx", r.stdout) as { requests: { retries: number }; error?: unknown };
    assert.equal(s.error, undefined);
    assert.ok(s.requests.retries >= 3, `${s.requests.retries} retries`);
    const reads = w.trakt.log.filter((e) => e.path === path && e.query.get("page") !== "2");
    assert.deepEqual(reads.slice(0, 4).map((e) => e.status), [502, 503, 520, 200]);
    assertSampleCollection(w);
  });
});

const FAST_TIMEOUT = { COMPLEXIONIST_TIMEOUT_MS: "300" };

Deno.test("fault matrix: Trakt stalling past the timeout → exit 4 'no answer within'", async () => {
  const trakt = { faults: { delayMs: 5_000, delayPath: "/sync/collection/movies" } };
  await log.withWorld(sample({ trakt }), async (w) => {
    const started = Date.now();
    const r = await log.run(w, ["trakt", "sync"], FAST_TIMEOUT);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /^error: .*Trakt/m);
    assert.match(r.stderr, /no answer within/);
    const tries = w.trakt.log.filter((e) => e.path === "/sync/collection/movies").length;
    assert.ok(tries >= 2 && tries <= 10, `retried, bounded: ${tries}`);
    assert.ok(Date.now() - started < 15_000, "gave up long before the stall ended");
    assert.equal(w.trakt.writeAttempts().length, 0, "nothing written after a failed read");
    assert.equal(w.trakt.collectedMovies().length, sampleLibrary().collection.movies.length);
  });
});

Deno.test("fault matrix: a Trakt stall on the first attempt only → retried, collection exact", async () => {
  const trakt = { faults: { delayMs: 5_000, delayPath: "/sync/collection/movies" } };
  await log.withWorld(sample({ trakt }), async (w) => {
    const run = log.run(w, ["trakt", "sync", "--json"], FAST_TIMEOUT);
    await until(
      "the first read",
      () => w.trakt.log.some((e) => e.path.startsWith("/sync/collection/movies")),
    );
    w.trakt.faults.delayMs = 0;
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    const s = parseJson("stall once", r.stdout) as { requests: { retries: number } };
    assert.ok(s.requests.retries >= 1);
    assertSampleCollection(w);
  });
});

Deno.test("fault matrix: Plex stalling past the timeout → exit 4 naming the server", async () => {
  await log.withWorld(sample(), async (w) => {
    w.plex.faults.delayMs = 5_000;
    const r = await log.run(w, ["trakt", "sync"], FAST_TIMEOUT);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /^error: Plex server "Main Server"/m);
    assert.match(r.stderr, /no answer within/);
    assert.ok(w.plex.log.length >= 2 && w.plex.log.length <= 10, `${w.plex.log.length} tries`);
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test("fault matrix: a Plex stall on the first attempt only → retried, collection exact", async () => {
  await log.withWorld(sample(), async (w) => {
    w.plex.faults.delayMs = 5_000;
    const run = log.run(w, ["trakt", "sync"], FAST_TIMEOUT);
    await until("the first Plex request", () => w.plex.log.length > 0);
    w.plex.faults.delayMs = 0;
    const r = await run;
    assert.equal(r.code, 0, r.stderr);
    assertSampleCollection(w);
  });
});

for (
  const [name, faults] of [
    ["duplicated rows across pages", { duplicateRowsAcrossPages: true }],
    ["ghost rows", { ghostRows: true }],
    ["an inflated page count", { inflatePageCount: 2 }],
  ] as const
) {
  Deno.test(`fault matrix: paging bug (${name}) → exact collection, the next sync plans 0`, async () => {
    const lib = syntheticLibrary({
      seed: 31,
      movies: 600,
      shows: 0,
      episodesPerShow: 0,
      collectedFraction: 0.5,
    });
    await log.withWorld({ ...lib, trakt: { faults: { ...faults } } }, async (w) => {
      const first = await log.run(w, ["trakt", "sync", "--json"]);
      assert.equal(first.code, 0, first.stderr);
      const pages = w.trakt.log.filter((e) => e.path === "/sync/collection/movies");
      assert.ok(pages.length >= 2, `the collection spans pages (${pages.length} read)`);
      assertSyntheticMovies(w, lib);
      const writes = w.trakt.writes().length;
      const second = await log.run(w, ["trakt", "sync", "--json"]);
      assert.equal(second.code, 0, second.stderr);
      const s = parseJson("second", second.stdout) as { planned: unknown };
      assert.deepEqual(s.planned, { movies: 0, episodes: 0 });
      assert.equal(w.trakt.writes().length, writes, "the second sync sends zero writes");
      assert.equal(w.trakt.writeAttempts().length, writes);
      assertSyntheticMovies(w, lib);
    });
  });
}

Deno.test({
  name: "fault matrix: SIGTERM mid-sync → exit 130 within seconds; the next sync completes the job",
  ignore: !POSIX,
}, async () => {
  const lib = syntheticLibrary({
    seed: 47,
    movies: 320,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 0,
  });
  // 3 s between writes on the client: the process sits between batch 1 and batch 2.
  const slow = iniText({ trakt: "" }).replace("write_interval_ms = 0", "write_interval_ms = 3000");
  await log.withWorld({ ...lib, ini: slow }, async (w) => {
    const sync = log.spawn(w, ["trakt", "sync", "--json"]);
    await until("the first batch", () => w.trakt.writes().length === 1);
    // The fake counts the write when it answers; the CLI has the answer a moment later. The 3 s
    // pace leaves it waiting for batch 2 long after that: signal it well inside that wait.
    await new Promise((r) => setTimeout(r, 500));
    const killedAt = Date.now();
    sync.child.kill("SIGTERM");
    const r = await sync.finish();
    const elapsed = Date.now() - killedAt;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(elapsed < 5_000, `stopped within ${elapsed} ms`);
    const s = parseJson("sigterm", r.stdout) as {
      added: { movies: number };
      error?: { code: number };
    };
    assert.equal(s.error?.code, 130);
    assert.equal(s.added.movies, 250, "the first batch is reported");
    assert.equal(w.trakt.writeAttempts().length, 1, "no write after the signal");
    assert.equal(w.trakt.collectedMovies().length, 250);

    // The store is intact and the next run finishes the job.
    await Deno.writeTextFile(
      w.configPath,
      iniText().replaceAll("{plex}", w.plexUrl).replaceAll("{trakt}", w.traktUrl),
      { mode: 0o600 },
    );
    const next = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(parseJson("next", next.stdout).planned, { movies: 70, episodes: 0 });
    assertSyntheticMovies(w, lib);
    const status = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
  });
});

Deno.test("fault matrix: Plex answering its 503 maintenance XML → retried, then exit 4 naming Plex", async () => {
  await log.withWorld(sample(), async (w) => {
    w.plex.faults.failNext.push({ status: 503, count: 1000 });
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: Plex server "Main Server"/m);
    assert.match(r.stderr, /503/);
    assert.ok(w.plex.log.length >= 2 && w.plex.log.length <= 10, `${w.plex.log.length} tries`);
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test("fault matrix: Plex maintenance that ends during the retries → collection exact", async () => {
  await log.withWorld(sample(), async (w) => {
    w.plex.faults.failNext.push({ status: 503, count: 2 });
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 0, r.stderr);
    assertSampleCollection(w);
  });
});

Deno.test("fault matrix: a Trakt answer off its schema → exit 4, nothing written", async () => {
  const trakt = {
    faults: {
      failNext: [{ status: 200, count: 100, body: '{"nope":1}', path: "/sync/collection/movies" }],
    },
  };
  await log.withWorld(sample({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 4, r.stderr);
    const s = parseJson("schema", r.stdout) as { error?: { code: number; message: string } };
    assert.equal(s.error?.code, 4);
    assert.match(r.stderr, /^error: Trakt's answer to .* does not have the expected shape/m);
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test("fault matrix: Trakt 423 (account locked) → exit 3, contact Trakt support", async () => {
  const trakt = { faults: { failNext: [{ status: 423, count: 100 }] } };
  await log.withWorld(sample({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^error: Trakt says the account is locked \(HTTP 423\)/m);
    assert.match(r.stderr, /Contact Trakt support/);
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test({
  name: "fault matrix: a config file readable by others → warning with chmod 600; 0600 → none",
  ignore: !POSIX,
}, async () => {
  await log.withWorld(sample(), async (w) => {
    await Deno.chmod(w.configPath, 0o644);
    const loose = await log.run(w, ["trakt", "sync"]);
    assert.equal(loose.code, 0, loose.stderr);
    assert.match(loose.stderr, /^warning: .*chmod 600/m);
    await Deno.chmod(w.configPath, 0o600);
    const tight = await log.run(w, ["trakt", "sync"]);
    assert.equal(tight.code, 0, tight.stderr);
    assert.doesNotMatch(tight.stderr, /chmod/);
    assertSampleCollection(w);
  });
});

Deno.test({
  name: "fault matrix: after a sync the token store is 0600 (tightened) in a 0700 folder",
  ignore: !POSIX,
}, async () => {
  await log.withWorld(sample(), async (w) => {
    const dir = join(w.storePath, "..");
    // A store file left readable by others is tightened; the folder (created by the store
    // code, 0700) is kept as it is: an existing folder may be a StateDirectory with its own
    // policy (lib/store/open.ts).
    await Deno.chmod(w.storePath, 0o644);
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700, "folder 0700");
    assert.equal((await Deno.stat(w.storePath)).mode! & 0o777, 0o600, "store 0600");
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile) continue;
      const mode = (await Deno.stat(join(dir, e.name))).mode! & 0o777;
      assert.equal(mode & 0o077, 0, `${e.name} is owner-only (${mode.toString(8)})`);
    }
  });
});

Deno.test("fault matrix: no output of this file shows a secret", () => {
  log.assertNoSecrets();
});

Deno.test({
  name: "fault matrix: SIGTERM while the login is renewed → the new tokens are kept, exit 130",
  ignore: !POSIX,
}, async () => {
  // The stored login is due for renewal, and Trakt takes 1.5 s to answer it.
  await log.withWorld(
    sample({ loggedIn: { expiresIn: 60, createdAt: 1_700_000_000 } }),
    async (w) => {
      w.trakt.faults.delayMs = 1500;
      w.trakt.faults.delayPath = "/oauth/token";
      const sync = log.spawn(w, ["trakt", "sync", "--json"]);
      await until("the renewal request", () => w.trakt.log.some((e) => e.path === "/oauth/token"));
      sync.child.kill("SIGTERM");
      const r = await sync.finish();
      assert.equal(r.code, 130, r.stderr);
      assert.equal(w.trakt.successfulRefreshes, 1, "Trakt rotated the tokens");
      assert.equal(w.trakt.writeAttempts().length, 0, "nothing sent after the signal");

      // The rotated tokens were saved: the next run needs no new login and completes the job.
      w.trakt.faults.delayMs = 0;
      const next = await log.run(w, ["trakt", "sync", "--json"]);
      assert.equal(next.code, 0, next.stderr);
      assert.equal(w.trakt.successfulRefreshes, 1, "no second renewal");
      assertSampleCollection(w);
    },
  );
});

Deno.test({
  name:
    "fault matrix: SIGTERM during `trakt logout` → exit 130, the login kept; logout again works",
  ignore: !POSIX,
}, async () => {
  await log.withWorld(sample(), async (w) => {
    w.trakt.faults.delayMs = 10_000;
    w.trakt.faults.delayPath = "/oauth/revoke";
    const logout = log.spawn(w, ["trakt", "logout"]);
    await until("the revoke request", () => w.trakt.log.some((e) => e.path === "/oauth/revoke"));
    logout.child.kill("SIGTERM");
    const r = await logout.finish();
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /^error: Interrupted/m);

    // Nothing was undone half-way: still connected here, and a second logout revokes and forgets.
    w.trakt.faults.delayMs = 0;
    const status = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).connected, true);
    const again = await log.run(w, ["trakt", "logout"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Disconnected from Trakt/);
    const after = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(JSON.parse(after.stdout).connected, false, after.stdout);
  });
});

Deno.test("fault matrix: a sync started while `trakt logout` revokes is refused (75), not cut off half-way", async () => {
  await log.withWorld(sample(), async (w) => {
    w.trakt.faults.delayMs = 2000;
    w.trakt.faults.delayPath = "/oauth/revoke";
    const logout = log.spawn(w, ["trakt", "logout"]);
    await until("the revoke request", () => w.trakt.log.some((e) => e.path === "/oauth/revoke"));
    const sync = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(sync.code, 75, sync.stderr);
    assert.match(
      sync.stderr,
      /^error: Trakt is being disconnected \(`complexionist trakt logout`/m,
    );
    assert.equal(w.plex.log.filter((e) => e.path.includes("/all")).length, 0, "Plex not read");
    const done = await logout.finish();
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /Disconnected from Trakt/);
  });
});

Deno.test({
  name: "fault matrix: SIGTERM during `trakt status` or `plex servers` → exit 130, Interrupted",
  ignore: !POSIX,
}, async () => {
  await log.withWorld(sample(), async (w) => {
    w.trakt.faults.delayMs = 10_000;
    w.trakt.faults.delayPath = "/users/settings";
    const status = log.spawn(w, ["trakt", "status"]);
    await until(
      "the settings request",
      () => w.trakt.log.some((e) => e.path === "/users/settings"),
    );
    status.child.kill("SIGTERM");
    const s = await status.finish();
    assert.equal(s.code, 130, s.stderr);
    assert.match(s.stderr, /^error: Interrupted/m);

    w.plex.faults.delayMs = 10_000;
    const servers = log.spawn(w, ["plex", "servers", "--json"]);
    await until("the Plex request", () => w.plex.log.length > 0);
    servers.child.kill("SIGTERM");
    const p = await servers.finish();
    assert.equal(p.code, 130, p.stderr);
    assert.match(p.stderr, /^error: Interrupted/m);
    assert.equal(p.stdout, "", "no report of a server it never heard from");
  });
});
