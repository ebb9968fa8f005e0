import assert from "node:assert/strict";
import type { Catalog, InitialCollection } from "../../tests/emulators/catalog.ts";
import { FakeTrakt, type FakeTraktOptions } from "../../tests/emulators/fake_trakt.ts";
import { AccountLimitError, AuthError, RemoteError, UsageError } from "../errors.ts";
import { HttpClient } from "../http/client.ts";
import type { Sleep } from "../http/sleep.ts";
import { buildPayload, planBatches, readOutcome } from "../sync/batches.ts";
import { planSync } from "../sync/plan.ts";
import { readTraktIndex } from "../sync/run.ts";
import { type TraktIndex, TraktIndexBuilder } from "../sync/trakt_index.ts";
import type { PlexEpisode, PlexMovie } from "../model.ts";
import { type CollectionPayload, type TokenSource, TraktClient } from "./client.ts";
import type { LeanMovieRow, LeanShowRow } from "./models.ts";
import {
  type OAuthOptions,
  pollDeviceToken,
  refreshToken,
  requestDeviceCode,
  revokeToken,
} from "./oauth.ts";
import { TEST_CATALOG } from "../../tests/emulators/test_catalog.ts";
import { caught } from "../../tests/helpers/caught.ts";

// ---- fixtures ------------------------------------------------------------------------------

const BASE = "http://trakt.test";
const CLIENT_ID = "test-client-id";
const CLIENT_SECRET = "test-client-secret";
const UA = "complexionist/0.0.0-test";

/** The shared test catalogue plus one show that no test collects. */
const CATALOG: Catalog = {
  movies: TEST_CATALOG.movies,
  shows: [
    ...TEST_CATALOG.shows,
    {
      trakt: 30,
      slug: "the-wire",
      title: "The Wire",
      year: 2002,
      tvdb: 79126,
      seasons: [{ number: 1, episodes: 2 }],
    },
  ],
};

const ALL_MOVIES: InitialCollection = {
  movies: [1, 2, 3, 4, 5],
  episodes: [
    { show: 10, season: 0, number: 1 },
    { show: 10, season: 1, number: 1 },
    { show: 10, season: 1, number: 2 },
    { show: 20, season: 1, number: 1 },
    { show: 30, season: 1, number: 2 },
  ],
};

/** Sleeps nothing and advances its own clock, so retries and polling cost no real time. */
class Clock {
  t = 1_700_000_000_000;
  sleeps: number[] = [];
  now = (): number => this.t;
  sleep: Sleep = (ms) => {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
    return Promise.resolve();
  };
}

class StubTokens implements TokenSource {
  rejected: string[] = [];
  constructor(public current: string, readonly next: () => string) {}
  accessToken(): Promise<string> {
    return Promise.resolve(this.current);
  }
  afterUnauthorized(rejected: string): Promise<string> {
    this.rejected.push(rejected);
    this.current = this.next();
    return Promise.resolve(this.current);
  }
}

interface Setup {
  fake: FakeTrakt;
  http: HttpClient;
  trakt: TraktClient;
  tokens: StubTokens;
  clock: Clock;
  oauth: OAuthOptions;
}

function setup(
  options: Partial<FakeTraktOptions> = {},
  extra: { headers?: Record<string, string>; tokens?: (fake: FakeTrakt) => StubTokens } = {},
): Setup {
  const fake = new FakeTrakt({
    catalog: CATALOG,
    collection: ALL_MOVIES,
    writeIntervalMs: 0,
    ...options,
  });
  const clock = new Clock();
  const http = new HttpClient({
    service: "trakt",
    label: "Trakt",
    baseHeaders: extra.headers ?? { "User-Agent": UA, "Content-Type": "application/json" },
    timeoutMs: 10_000,
    retries: 2,
    backoffMs: 10,
    fetch: ((input: string | URL | Request, init?: RequestInit) =>
      fake.handler(new Request(input, init))) as typeof fetch,
    sleep: clock.sleep,
    now: clock.now,
  });
  const tokens = extra.tokens?.(fake) ??
    new StubTokens(fake.issueTokens().access_token, () => fake.issueTokens().access_token);
  const trakt = new TraktClient({ apiUrl: BASE, clientId: CLIENT_ID, http, tokens });
  const oauth = { authUrl: BASE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, http };
  return { fake, http, trakt, tokens, clock, oauth };
}

function collectionGets(fake: FakeTrakt, type: "movies" | "shows") {
  return fake.log.filter((e) => e.method === "GET" && e.path === `/sync/collection/${type}`);
}

// ---- plain reads ---------------------------------------------------------------------------

Deno.test("TraktClient.settings() sends the API headers and parses the account", async () => {
  const { fake, trakt } = setup({ vip: true, username: "Walter" });
  const settings = await trakt.settings();
  assert.equal(settings.user.username, "Walter");
  assert.equal(settings.user.vip, true);
  const [entry] = fake.log;
  assert.equal(entry!.status, 200);
  assert.equal(entry!.headers["trakt-api-key"], CLIENT_ID);
  assert.equal(entry!.headers["trakt-api-version"], "2");
  assert.match(entry!.headers["authorization"] ?? "", /^Bearer [0-9a-f]{64}$/);
  assert.equal(entry!.headers["user-agent"], UA);
  assert.equal(entry!.headers["content-type"], "application/json");
});

Deno.test("TraktClient.lastActivities() parses the collection stamps", async () => {
  const { trakt } = setup();
  const a = await trakt.lastActivities();
  assert.equal(typeof a.movies?.collected_at, "string");
  assert.equal(typeof a.episodes?.collected_at, "string");
});

// ---- paged reads ---------------------------------------------------------------------------

/** The movie collection read page by page as the sync reads it, the pages kept to look at. */
async function readMovies(
  trakt: TraktClient,
): Promise<{ pages: LeanMovieRow[][]; index: TraktIndex }> {
  const builder = new TraktIndexBuilder();
  const pages: LeanMovieRow[][] = [];
  await trakt.eachCollectionMoviePage((rows) => {
    pages.push(rows);
    builder.addMovies(rows);
  });
  return { pages, index: builder.finish() };
}

async function readShows(
  trakt: TraktClient,
): Promise<{ pages: LeanShowRow[][]; index: TraktIndex }> {
  const builder = new TraktIndexBuilder();
  const pages: LeanShowRow[][] = [];
  await trakt.eachCollectionShowPage((rows) => {
    pages.push(rows);
    builder.addShows(rows);
  });
  return { pages, index: builder.finish() };
}

Deno.test("TraktClient.eachCollectionMoviePage() hands over every page, read with limit=250 and metadata", async () => {
  const { fake, trakt } = setup({ maxPageSize: 2 });
  const { pages } = await readMovies(trakt);
  assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
  assert.deepEqual(pages.flat().map((r) => r.movie?.ids?.trakt).sort(), [1, 2, 3, 4, 5]);
  const gets = collectionGets(fake, "movies");
  assert.equal(gets.length, 3);
  assert.deepEqual(gets.map((g) => g.query.get("page")), ["1", "2", "3"]);
  for (const g of gets) {
    assert.equal(g.query.get("limit"), "250");
    assert.equal(g.query.get("extended"), "metadata");
  }
});

Deno.test("TraktClient.eachCollectionMoviePage() survives rows repeated across pages", async () => {
  const { fake, trakt } = setup({ maxPageSize: 2, faults: { duplicateRowsAcrossPages: true } });
  const { pages, index } = await readMovies(trakt);
  assert.ok(pages.flat().length > 5, `the fake repeated rows (${pages.flat().length})`);
  assert.equal(index.counts.movies, 5);
  assert.equal(collectionGets(fake, "movies").length, 3);
});

Deno.test("TraktClient.eachCollectionMoviePage() survives ghost rows", async () => {
  const { trakt } = setup({ maxPageSize: 2, faults: { ghostRows: true } });
  const { pages, index } = await readMovies(trakt);
  assert.ok(pages.flat().some((r) => r.movie?.ids?.trakt === null), "ghost rows parsed");
  assert.equal(index.counts.movies, 5);
  assert.deepEqual(index.warnings, []);
});

/** Page 1 of the movies answered empty while its headers announce 5 items in 3 pages. */
function emptyFirstPage(count: number) {
  return {
    status: 200,
    count,
    path: "/sync/collection/movies",
    body: "[]",
    contentType: "application/json",
    headers: {
      "x-pagination-page": "1",
      "x-pagination-limit": "2",
      "x-pagination-page-count": "3",
      "x-pagination-item-count": "5",
    },
  };
}

Deno.test("TraktClient.eachCollectionMoviePage() asks again for a page that ends the listing early", async () => {
  const { fake, trakt } = setup({ maxPageSize: 2, faults: { failNext: [emptyFirstPage(1)] } });
  const { index } = await readMovies(trakt);
  assert.equal(index.counts.movies, 5, "every movie, not none");
  assert.deepEqual(collectionGets(fake, "movies").map((g) => g.query.get("page")), [
    "1",
    "1",
    "2",
    "3",
  ]);
});

Deno.test("TraktClient.eachCollectionMoviePage() reads on past a page that stays empty, and tells of the gap", async () => {
  const { fake, trakt } = setup({ maxPageSize: 2, faults: { failNext: [emptyFirstPage(2)] } });
  const gaps: string[] = [];
  const builder = new TraktIndexBuilder();
  await trakt.eachCollectionMoviePage((rows) => builder.addMovies(rows), (m) => gaps.push(m));
  assert.equal(builder.finish().counts.movies, 3, "pages 2 and 3: page 1's rows are lost");
  assert.deepEqual(collectionGets(fake, "movies").map((g) => g.query.get("page")), [
    "1",
    "1",
    "2",
    "3",
  ]);
  assert.equal(gaps.length, 1);
  assert.match(gaps[0]!, /page 1 came back empty twice although page 2 has rows/);
});

Deno.test("TraktClient.eachCollectionMoviePage() reads on past a short page before the last (rows Trakt left out)", async () => {
  const { fake, trakt } = setup({ maxPageSize: 2 });
  const first = await fake.handler(
    new Request(`${BASE}/sync/collection/movies?extended=metadata&page=1&limit=250`, {
      headers: {
        "trakt-api-key": CLIENT_ID,
        "trakt-api-version": "2",
        authorization: `Bearer ${fake.issueTokens().access_token}`,
        "content-type": "application/json",
        "user-agent": UA,
      },
    }),
  );
  const rows = (await first.json()) as unknown[];
  fake.faults.failNext.push({
    status: 200,
    path: "/sync/collection/movies",
    body: JSON.stringify(rows.slice(0, 1)),
    contentType: "application/json",
    headers: Object.fromEntries([...first.headers].filter(([k]) => k.startsWith("x-pagination"))),
  });

  const { index } = await readMovies(trakt);
  assert.equal(index.counts.movies, 4, "one row left out of page 1; pages 2 and 3 read");
});

Deno.test("TraktClient.eachCollectionMoviePage() stops at an empty page under an inflated count", async () => {
  const { fake, trakt } = setup({
    collection: { movies: [1, 2, 3, 4], episodes: [] },
    maxPageSize: 2,
    faults: { inflatePageCount: 50, ghostRows: true, duplicateRowsAcrossPages: true },
  });
  const { index } = await readMovies(trakt);
  assert.equal(index.counts.movies, 4);
  // Two full pages, then the first empty one, asked once more, and the next one, empty too: not
  // the 52 pages the header claims.
  assert.deepEqual(collectionGets(fake, "movies").map((g) => g.query.get("page")), [
    "1",
    "2",
    "3",
    "3",
    "4",
  ]);
});

Deno.test("TraktClient.eachCollectionMoviePage() ends at the empty page after a short one", async () => {
  const { fake, trakt } = setup({ maxPageSize: 2, faults: { inflatePageCount: 50 } });
  const { pages } = await readMovies(trakt);
  assert.equal(pages.flat().length, 5);
  // Pages of 2, 2 and 1; the page after the short one is read once, and is empty.
  assert.equal(collectionGets(fake, "movies").length, 4);
});

Deno.test("TraktClient.eachCollectionMoviePage() reads the classic unpaged answer in one request", async () => {
  const { fake, trakt } = setup({ faults: { classicShape: true, unpaginated: true } });
  const { pages, index } = await readMovies(trakt);
  assert.deepEqual(pages.map((p) => p.length), [5]);
  assert.equal(index.counts.movies, 5);
  assert.equal(collectionGets(fake, "movies").length, 1);
});

Deno.test("TraktClient.eachCollectionShowPage() reads paged show rows with their episodes", async () => {
  for (const classicShape of [false, true]) {
    const { fake, trakt } = setup({
      maxPageSize: 1,
      faults: { classicShape, duplicateRowsAcrossPages: true, ghostRows: true },
    });
    const { pages, index } = await readShows(trakt);
    assert.deepEqual(index.counts, { movies: 0, shows: 3, episodes: 5 }, `classic=${classicShape}`);
    assert.deepEqual(index.warnings, []);
    assert.ok(pages.length >= 3, "handed over page by page");
    assert.equal(collectionGets(fake, "shows").length, pages.length);
  }
});

Deno.test("TraktClient.eachCollectionShowPage() reads the unpaged classic shape", async () => {
  const { fake, trakt } = setup({ faults: { classicShape: true, unpaginated: true } });
  const { index } = await readShows(trakt);
  assert.equal(index.counts.episodes, 5);
  assert.equal(collectionGets(fake, "shows").length, 1);
});

Deno.test("readTraktIndex() indexes both collections from their pages", async () => {
  for (
    const faults of [{ duplicateRowsAcrossPages: true, ghostRows: true }, { classicShape: true }]
  ) {
    const { fake, trakt } = setup({ maxPageSize: 1, faults });
    const index = await readTraktIndex(trakt);
    assert.deepEqual(index.counts, { movies: 5, shows: 3, episodes: 5 });
    assert.deepEqual(index.warnings, []);
    assert.equal(index.movieTitles.length, 5);
    assert.equal(index.showTitles.length, 3);
    assert.ok(
      collectionGets(fake, "movies").length > 1 && collectionGets(fake, "shows").length > 1,
    );
  }
});

// ---- 401 and refresh -----------------------------------------------------------------------

Deno.test("TraktClient retries once with a new token after a 401", async () => {
  const { fake, trakt, tokens } = setup({}, {
    tokens: (f) => new StubTokens("expired-token", () => f.issueTokens().access_token),
  });
  const settings = await trakt.settings();
  assert.equal(settings.user.username, "plexfan");
  assert.deepEqual(tokens.rejected, ["expired-token"]);
  assert.deepEqual(fake.log.map((e) => e.status), [401, 200]);
  assert.equal(fake.log[1]!.headers["authorization"], `Bearer ${tokens.current}`);
});

Deno.test("TraktClient gives up with AuthError on a second 401", async () => {
  let n = 0;
  const { fake, trakt, tokens } = setup({}, {
    tokens: () => new StubTokens("expired-token", () => `still-bad-${++n}`),
  });
  const err = await caught(trakt.settings(), AuthError);
  assert.match(err.message, /complexionist trakt auth/);
  assert.equal(err.exitCode, 3);
  assert.deepEqual(tokens.rejected, ["expired-token"]);
  assert.equal(fake.log.length, 2);
});

Deno.test("TraktClient re-posts a write after a 401 refresh", async () => {
  const { fake, trakt, tokens } = setup({ collection: { movies: [], episodes: [] } }, {
    tokens: (f) => new StubTokens("expired-token", () => f.issueTokens().access_token),
  });
  const res = await trakt.addToCollection({ movies: [{ ids: { tmdb: 949 } }] });
  assert.equal(res.added?.movies, 1);
  assert.equal(tokens.rejected.length, 1);
  assert.equal(fake.writes().length, 1);
});

// ---- status mapping ------------------------------------------------------------------------

Deno.test("TraktClient turns 420 into AccountLimitError with the limit", async () => {
  const { trakt } = setup({ collection: { movies: [1, 2], episodes: [] }, accountLimit: 3 });
  const err = await caught(
    trakt.addToCollection({ movies: [{ ids: { tmdb: 949 } }, { ids: { imdb: "tt0078748" } }] }),
    AccountLimitError,
  );
  assert.equal(err.limit, 3);
  assert.equal(err.exitCode, 5);
  assert.match(err.message, /limit of 3 items/);
  assert.match(err.message, /HTTP 420/);
});

Deno.test("TraktClient reports 420 without X-Account-Limit as an unknown limit", async () => {
  const { trakt } = setup({
    collection: { movies: [1, 2], episodes: [] },
    accountLimit: 2,
    omitLimitHeaders: ["X-Account-Limit"],
  });
  const err = await caught(
    trakt.addToCollection({ movies: [{ ids: { tmdb: 949 } }] }),
    AccountLimitError,
  );
  assert.equal(err.limit, undefined);
  assert.doesNotMatch(err.message, /limit of/);
});

Deno.test("TraktClient turns 423 into AuthError mentioning the lock", async () => {
  const { trakt } = setup({
    faults: { failNext: [{ status: 423, headers: { "X-Account-Locked": "true" } }] },
  });
  const err = await caught(trakt.settings(), AuthError);
  assert.match(err.message, /locked/);
  assert.match(err.message, /HTTP 423/);
  const deactivated = setup({
    faults: { failNext: [{ status: 423, headers: { "X-Account-Deactivated": "true" } }] },
  });
  const err2 = await caught(deactivated.trakt.settings(), AuthError);
  assert.match(err2.message, /deactivated/);
});

Deno.test("TraktClient reports Cloudflare's HTML 403 as a block with the Ray ID", async () => {
  // No User-Agent: the fake answers like Cloudflare does.
  const { trakt } = setup({}, { headers: { "Content-Type": "application/json" } });
  const err = await caught(trakt.settings(), RemoteError);
  assert.match(err.message, /Cloudflare/);
  assert.match(err.message, /Ray ID [0-9a-f]{16}/);
  assert.equal(err.status, 403);
  assert.equal(err.exitCode, 4);
});

Deno.test("TraktClient treats a JSON 403 as a client_id problem", async () => {
  const { http, tokens } = setup();
  const trakt = new TraktClient({ apiUrl: BASE, clientId: "wrong-id", http, tokens });
  const err = await caught(trakt.settings(), UsageError);
  // Both places a client_id can come from: the file, and the variable that overrides it.
  assert.match(err.message, /\[trakt\] client_id in complexionist\.ini/);
  assert.match(err.message, /\$TRAKT_CLIENT_ID/);
  assert.equal(err.exitCode, 2);
});

Deno.test("TraktClient reports a body that is not JSON as RemoteError", async () => {
  const { trakt } = setup({
    faults: {
      failNext: [{
        status: 200,
        body: "<html><title>Oops</title></html>",
        contentType: "text/html",
      }],
    },
  });
  const err = await caught(trakt.settings(), RemoteError);
  assert.match(err.message, /instead of JSON/);
  assert.match(err.message, /Oops/);
  assert.equal(err.service, "trakt");
});

Deno.test("TraktClient reports JSON of the wrong shape as RemoteError", async () => {
  const { trakt } = setup({
    faults: {
      failNext: [
        { status: 200, body: '{"user":{"vip":"yes"}}', path: "/users/settings" },
        { status: 200, body: '{"movies":[]}', path: "/sync/collection/movies" },
        { status: 201, body: '{"added":{"movies":"one"}}', path: "/sync/collection" },
      ],
    },
  });
  const settings = await caught(trakt.settings(), RemoteError);
  assert.match(settings.message, /does not have the expected shape \(user\./);
  const movies = await caught(trakt.eachCollectionMoviePage(() => {}), RemoteError);
  assert.match(movies.message, /expected shape/);
  const write = await caught(trakt.addToCollection({ movies: [] }), RemoteError);
  assert.match(write.message, /added\.movies/);
});

Deno.test("TraktClient retries 5xx and 52x, then reports RemoteError", async () => {
  const ok = setup({ faults: { failNext: [{ status: 502 }, { status: 520 }] } });
  assert.equal((await ok.trakt.settings()).user.username, "plexfan");
  assert.equal(ok.fake.log.length, 3);

  const down = setup({ faults: { failNext: [{ status: 503, count: 3, body: "" }] } });
  const err = await caught(down.trakt.settings(), RemoteError);
  assert.equal(err.status, 503);
  assert.match(err.message, /HTTP 503/);
  assert.equal(down.fake.log.length, 3);
});

Deno.test("TraktClient reports Cloudflare's own 52x page as Trakt not answering, a 403 page as a block", async () => {
  const down = setup({ faults: { failNext: [{ status: 522, count: 10 }] } });
  const err = await caught(down.trakt.settings(), RemoteError);
  assert.equal(err.status, 522);
  assert.match(err.message, /^Trakt did not answer .*\(HTTP 522, Ray ID [0-9a-f]+/);
  assert.match(err.message, /status\.trakt\.tv/);
  assert.doesNotMatch(err.message, /blocked|support/);

  const page = "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title>" +
    "</head><body>Sorry, you have been blocked. Cloudflare Ray ID: <strong>8f1a2b3c4d5e6f70" +
    "</strong></body></html>";
  const blocked = setup({
    faults: { failNext: [{ status: 403, body: page, headers: { server: "cloudflare" } }] },
  });
  const block = await caught(blocked.trakt.settings(), RemoteError);
  assert.match(block.message, /^Trakt's Cloudflare blocked .*\(HTTP 403, Ray ID 8f1a2b3c4d5e6f70/);
});

Deno.test("TraktClient waits out a 429 on a write and posts again", async () => {
  const { fake, trakt, clock } = setup({
    collection: { movies: [], episodes: [] },
    faults: {
      failNext: [{ status: 429, method: "POST", headers: { "Retry-After": "2" } }],
    },
  });
  const res = await trakt.addToCollection({ movies: [{ ids: { tmdb: 949 } }] });
  assert.equal(res.added?.movies, 1);
  assert.equal(fake.writeAttempts().length, 2);
  assert.ok(clock.sleeps.some((ms) => ms >= 2000 && ms <= 2250), `${clock.sleeps}`);
});

Deno.test("TraktClient rejects a malformed write as a bug (no retry)", async () => {
  const { fake, trakt } = setup({ faults: { failNext: [{ status: 422, method: "POST" }] } });
  const err = await caught(trakt.addToCollection({ movies: [] }), RemoteError);
  assert.match(err.message, /malformed \(HTTP 422/);
  assert.equal(fake.writeAttempts().length, 1);
});

// ---- write round trip ----------------------------------------------------------------------

Deno.test("addToCollection() round-trips a plan: added, existing and not_found map back", async () => {
  const { fake, trakt } = setup({ collection: { movies: [1], episodes: [] } });
  const plexMovie = (ratingKey: string, title: string, ids: PlexMovie["ids"]): PlexMovie => ({
    kind: "movie",
    server: "Main",
    library: "Movies",
    ratingKey,
    addedAt: 1_600_000_000,
    media: [],
    title,
    ids,
  });
  const plexEpisode = (
    showTitle: string,
    showIds: PlexEpisode["showIds"],
    season: number,
    number: number,
  ): PlexEpisode => ({
    kind: "episode",
    server: "Main",
    library: "TV",
    ratingKey: `${showTitle}${season}${number}`,
    addedAt: 1_600_000_000,
    media: [],
    showTitle,
    showRatingKey: showTitle,
    showIds,
    ids: {},
    season,
    number,
  });
  const items = [
    plexMovie("1", "Batman Begins", { imdb: "tt0372784" }),
    plexMovie("2", "Heat", { tmdb: 949 }),
    plexMovie("3", "Unknown", { imdb: "tt0000001", tmdb: 1 }),
    plexEpisode("Mad Men", { tvdb: 80337 }, 1, 2),
    plexEpisode("Mad Men", { tvdb: 80337 }, 1, 9), // Trakt knows only 4 episodes
    plexEpisode("Mad Men", { tvdb: 80337 }, 5, 1), // and one season
    plexEpisode("Nobody", { tvdb: 1 }, 1, 1), // and not this show
  ];
  const index = await readTraktIndex(trakt);
  const plan = planSync(items, index, new Set());
  assert.equal(plan.existing.movies, 1);
  const [batch] = planBatches(plan.toSend.movies, plan.toSend.episodes);
  const payload: CollectionPayload = buildPayload(batch!, () => ({ media_type: "digital" }));
  const outcome = readOutcome(batch!, await trakt.addToCollection(payload));
  assert.deepEqual(outcome.added, { movies: 1, episodes: 1 });
  assert.deepEqual(outcome.notFound.movies.map((m) => m.title), ["Unknown"]);
  assert.deepEqual(
    outcome.notFound.episodes.map((e) => `${e.show.title} ${e.season}x${e.number}`).sort(),
    ["Mad Men 1x9", "Mad Men 5x1", "Nobody 1x1"],
  );
  assert.deepEqual(fake.collectedEpisodes().map((e) => [e.show, e.season, e.number]), [
    [20, 1, 2],
  ]);
  assert.equal(fake.collectedEpisodes()[0]!.collected_at, "2020-09-13T12:26:40.000Z");
});

// ---- OAuth: device flow --------------------------------------------------------------------

Deno.test("requestDeviceCode() returns the code and refuses a wrong client_id", async () => {
  const { oauth } = setup({ deviceInterval: 5, deviceExpiresIn: 600 });
  const code = await requestDeviceCode(oauth);
  assert.equal(code.interval, 5);
  assert.equal(code.expires_in, 600);
  assert.match(code.user_code, /^[0-9A-F]{8}$/);
  const err = await caught(requestDeviceCode({ ...oauth, clientId: "nope" }), AuthError);
  assert.match(err.message, /client_id/);
});

Deno.test("pollDeviceToken() keeps polling on 400 and returns the token", async () => {
  const { oauth, clock, fake } = setup({ deviceInterval: 0, approveAfterPolls: 2 });
  const code = { ...(await requestDeviceCode(oauth)), interval: 5 };
  const remaining: number[] = [];
  const token = await pollDeviceToken(oauth, code, {
    sleep: clock.sleep,
    now: clock.now,
    onPoll: (s) => remaining.push(s),
  });
  assert.match(token.access_token, /^[0-9a-f]{64}$/);
  assert.deepEqual(clock.sleeps, [5000, 5000, 5000]);
  assert.deepEqual(remaining, [595, 590]);
  assert.deepEqual(
    fake.log.filter((e) => e.path === "/oauth/device/token").map((e) => e.status),
    [400, 400, 200],
  );
});

Deno.test("pollDeviceToken() slows down by 5 s on 429", async () => {
  const { oauth, clock } = setup({
    deviceInterval: 0,
    approveAfterPolls: 1,
    faults: { failNext: [{ status: 429, path: "/oauth/device/token" }] },
  });
  const code = { ...(await requestDeviceCode(oauth)), interval: 2 };
  await pollDeviceToken(oauth, code, { sleep: clock.sleep, now: clock.now });
  assert.deepEqual(clock.sleeps, [2000, 7000, 7000]);
});

Deno.test("pollDeviceToken() stops with AuthError on 418 (denied)", async () => {
  const { oauth, clock } = setup({
    deviceInterval: 0,
    approveAfterPolls: 1,
    deviceOutcome: "deny",
  });
  const code = await requestDeviceCode(oauth);
  const err = await caught(pollDeviceToken(oauth, code, clock), AuthError);
  assert.match(err.message, /denied/);
  assert.match(err.message, /complexionist trakt auth/);
});

Deno.test("pollDeviceToken() stops with AuthError on 410 (expired)", async () => {
  const { oauth, clock } = setup({
    deviceInterval: 0,
    approveAfterPolls: 0,
    deviceOutcome: "expire",
  });
  const code = await requestDeviceCode(oauth);
  const err = await caught(pollDeviceToken(oauth, code, clock), AuthError);
  assert.match(err.message, /expired \(HTTP 410\)/);
});

Deno.test("pollDeviceToken() stops with AuthError on 409 (code already used)", async () => {
  const { oauth, clock } = setup({ deviceInterval: 0, approveAfterPolls: 0 });
  const code = await requestDeviceCode(oauth);
  await pollDeviceToken(oauth, code, clock);
  const err = await caught(pollDeviceToken(oauth, code, clock), AuthError);
  assert.match(err.message, /already used \(HTTP 409\)/);
});

Deno.test("pollDeviceToken() stops with AuthError on 404 (unknown code)", async () => {
  const { oauth, clock } = setup({ deviceInterval: 0 });
  const code = { ...(await requestDeviceCode(oauth)), device_code: "f".repeat(64) };
  const err = await caught(pollDeviceToken(oauth, code, clock), AuthError);
  assert.match(err.message, /HTTP 404/);
});

Deno.test("pollDeviceToken() gives up when the code expires on our clock", async () => {
  const { oauth, clock, fake } = setup({
    deviceInterval: 0,
    approveAfterPolls: 1_000,
    deviceExpiresIn: 600,
  });
  const code = { ...(await requestDeviceCode(oauth)), interval: 5, expires_in: 20 };
  const err = await caught(pollDeviceToken(oauth, code, clock), AuthError);
  assert.match(err.message, /expired before it was approved/);
  assert.equal(fake.count("/oauth/device/token"), 4);
});

Deno.test("pollDeviceToken() reports an unexpected status as RemoteError", async () => {
  const { oauth, clock } = setup({
    deviceInterval: 0,
    faults: { failNext: [{ status: 405, path: "/oauth/device/token" }] },
  });
  const code = await requestDeviceCode(oauth);
  const err = await caught(pollDeviceToken(oauth, code, clock), RemoteError);
  assert.match(err.message, /HTTP 405/);
});

// ---- OAuth: refresh and revoke -------------------------------------------------------------

Deno.test("refreshToken() rotates the tokens", async () => {
  const { oauth, fake } = setup();
  const first = fake.issueTokens();
  const next = await refreshToken(oauth, first.refresh_token);
  assert.notEqual(next.access_token, first.access_token);
  assert.notEqual(next.refresh_token, first.refresh_token);
  assert.equal(next.scope, "public");
  assert.equal(fake.successfulRefreshes, 1);
  // Single use: the old refresh token is spent.
  await caught(refreshToken(oauth, first.refresh_token), AuthError);
});

Deno.test("refreshToken() turns 400 and 401, JSON or empty, into AuthError", async () => {
  for (const refreshFailure of ["json400", "empty400", "json401"] as const) {
    const { oauth, fake } = setup({ refreshFailure });
    const err = await caught(refreshToken(oauth, "spent-refresh-token"), AuthError);
    assert.match(err.message, /complexionist trakt auth/, refreshFailure);
    assert.match(err.message, refreshFailure.endsWith("401") ? /HTTP 401/ : /HTTP 400/);
    assert.equal(fake.refusedRefreshes, 1);
  }
});

Deno.test("refreshToken() turns a wrong client secret (401) into AuthError", async () => {
  const { oauth, fake } = setup();
  const t = fake.issueTokens();
  const err = await caught(
    refreshToken({ ...oauth, clientSecret: "wrong" }, t.refresh_token),
    AuthError,
  );
  assert.match(err.message, /complexionist trakt auth/);
});

Deno.test("refreshToken() reports a 5xx after retries as RemoteError, not AuthError", async () => {
  const { oauth } = setup({
    faults: { failNext: [{ status: 500, count: 3, path: "/oauth/token" }] },
  });
  const err = await caught(refreshToken(oauth, "whatever"), RemoteError);
  assert.equal(err.status, 500);
});

Deno.test("revokeToken() revokes and tolerates an unknown token", async () => {
  const { oauth, fake, trakt, tokens } = setup();
  await revokeToken(oauth, tokens.current);
  await revokeToken(oauth, "not-a-token");
  assert.equal(fake.count("/oauth/revoke"), 2);
  // The revoked token no longer works (and the stub hands out a fresh one after the 401).
  await trakt.settings();
  assert.equal(tokens.rejected.length, 1);
});
