/**
 * The engine overlaps its reads (Trakt's collection while Plex is read, the next batch's
 * details while a batch is sent). An early end must not pay for, or report, work that was only
 * read ahead: a Plex failure stops the collection read after the page in flight, and a batch
 * never sent leaves no warning about its details.
 */
import assert from "node:assert/strict";
import { AccountLimitError, AuthError } from "../../lib/errors.ts";
import { runSync, type SyncState } from "../../lib/sync/run.ts";
import { FakePlex } from "../emulators/fake_plex.ts";
import { FakeTrakt } from "../emulators/fake_trakt.ts";
import { syntheticLibrary } from "../emulators/synthetic.ts";
import { engineParts } from "./world.ts";

const state: SyncState = {
  recentNotFound: () => Promise.resolve({ keys: new Set<string>(), until: undefined }),
  rememberNotFound: () => Promise.resolve(),
};

function engine(plex: FakePlex, trakt: FakeTrakt, plexToken?: string) {
  const { sources, trakt: client } = engineParts(plex, trakt, plexToken);
  return { sources, trakt: client, state };
}

Deno.test("overlap: a Plex failure stops the Trakt collection read after the page in flight", async () => {
  const lib = syntheticLibrary({
    seed: 3,
    movies: 3000,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 1,
  });
  const plex = new FakePlex({ token: "right-token", sections: lib.sections });
  const trakt = new FakeTrakt({ catalog: lib.catalog, collection: lib.collection });
  trakt.faults.delayPath = "/sync/collection";
  trakt.faults.delayMs = 50;
  const r = await runSync({ ...engine(plex, trakt, "wrong-token"), dryRun: true, full: true });
  assert.ok(r.error instanceof AuthError, String(r.error));
  const pages = trakt.log.filter((e) => e.path.startsWith("/sync/collection")).length;
  // 3,000 movies are 12 pages of 250; only what was already asked for may be read.
  assert.ok(pages >= 1 && pages <= 2, `collection pages read after Plex failed: ${pages}`);
});

/** A Plex of `movies` movies that Trakt has none of, and a Trakt that writes without pause. */
function firstSyncOf(seed: number, movies: number) {
  const lib = syntheticLibrary({
    seed,
    movies,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 0,
  });
  return {
    plex: new FakePlex({ token: "t", sections: lib.sections }),
    trakt: new FakeTrakt({ catalog: lib.catalog, writeIntervalMs: 0 }),
  };
}

Deno.test("overlap: after a 420, the batch never sent leaves no warning about its details", async () => {
  const { plex, trakt } = firstSyncOf(4, 2);
  // Every detail request fails: each batch that is sent warns once that it went without them.
  plex.faults.failNext.push({ status: 500, count: 100, path: "/library/metadata/" });
  trakt.faults.failNext.push({ status: 420, count: 1, path: "/sync/collection", method: "POST" });
  const r = await runSync({ ...engine(plex, trakt), dryRun: false, full: true, batchSize: 1 });
  assert.ok(r.error instanceof AccountLimitError, String(r.error));
  const details = r.summary.warnings.filter((w) => /Could not read media details/.test(w));
  assert.equal(details.length, 1, r.summary.warnings.join("\n"));
  assert.match(r.summary.warnings.at(-1)!, /Stopped after 0 of 2 batches/);
});

/**
 * A first sync of `movies` movies, one per batch, with the next `failures` detail requests
 * answered 500: the distinct detail requests made, and the detail warnings.
 */
async function detailFailures(seed: number, movies: number, failures: number) {
  const { plex, trakt } = firstSyncOf(seed, movies);
  plex.faults.failNext.push({ status: 500, count: failures, path: "/library/metadata/" });
  const r = await runSync({ ...engine(plex, trakt), dryRun: false, full: true, batchSize: 1 });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(trakt.writes().length, movies, "every batch is still sent");
  const asked = new Set(
    plex.log.filter((e) => e.path.startsWith("/library/metadata/")).map((e) => e.path),
  );
  const details = r.summary.warnings.filter((w) => /Could not read media details/.test(w));
  return { asked, details, warnings: r.summary.warnings };
}

Deno.test("overlap: a server whose details fail two batches in a row is not asked again this run", async () => {
  const { asked, details, warnings } = await detailFailures(5, 6, 1000);
  assert.equal(asked.size, 2, `details asked for two batches only: ${[...asked].join(" ")}`);
  assert.equal(details.length, 2, warnings.join("\n"));
  assert.match(details[1]!, /this run sends the rest of its items without them/);
});

Deno.test("overlap: one failed batch of details alone does not stop the next batches asking", async () => {
  // Enough failures for one request and its 4 retries, then the server is well again.
  const { asked, details, warnings } = await detailFailures(6, 4, 5);
  assert.equal(asked.size, 4, "every batch's details were asked for");
  assert.equal(details.length, 1, warnings.join("\n"));
  assert.match(details[0]!, /sending without them$/);
});

Deno.test("overlap: a write Trakt applied but whose answer was lost counts as added, not existing", async () => {
  const { plex, trakt } = firstSyncOf(8, 6);
  let lost = 0;
  const parts = engineParts(plex, trakt, undefined, async (req) => {
    const res = await trakt.handler(req);
    if (req.method === "POST" && lost++ === 0) throw new TypeError("connection reset by peer");
    return res;
  });
  const r = await runSync({
    sources: parts.sources,
    trakt: parts.trakt,
    state,
    dryRun: false,
    full: true,
  });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(trakt.writeAttempts().length, 2, "the write was sent again");
  assert.equal(trakt.collectedMovies().length, 6);
  assert.deepEqual(r.summary.added, { movies: 6, episodes: 0 });
  assert.deepEqual(r.summary.existing, { movies: 0, episodes: 0 });
});

Deno.test("overlap: after a 429 (Trakt did nothing), what Trakt calls existing was already there", async () => {
  const { plex, trakt } = firstSyncOf(9, 6);
  let raced = false;
  const parts = engineParts(plex, trakt, undefined, async (req) => {
    if (req.method !== "POST" || raced) return await trakt.handler(req);
    raced = true;
    // Another client collects two of the movies meanwhile, and this write is rate limited.
    const body = await req.clone().json() as { movies: unknown[] };
    await trakt.handler(
      new Request(req.url, {
        method: "POST",
        headers: req.headers,
        body: JSON.stringify({ movies: body.movies.slice(0, 2) }),
      }),
    );
    return new Response("", { status: 429, headers: { "Retry-After": "0" } });
  });
  const r = await runSync({
    sources: parts.sources,
    trakt: parts.trakt,
    state,
    dryRun: false,
    full: true,
  });
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(trakt.collectedMovies().length, 6);
  assert.deepEqual(r.summary.added, { movies: 4, episodes: 0 });
  assert.deepEqual(r.summary.existing, { movies: 2, episodes: 0 });
});
