import assert from "node:assert/strict";
import { TEST_CATALOG as CATALOG } from "./test_catalog.ts";
import { FakeTrakt, type FakeTraktOptions, type TokenObject } from "./fake_trakt.ts";

const UA = "complexionist/0.0.0-test";
const BASE = "http://trakt.test";

function makeFake(options: Partial<FakeTraktOptions> = {}): FakeTrakt {
  return new FakeTrakt({ catalog: CATALOG, writeIntervalMs: 0, ...options });
}

interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Header names to leave out of the defaults. */
  omit?: string[];
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** Calls the handler in-process with the headers a well-behaved client sends. */
async function call(
  fake: FakeTrakt,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    "user-agent": UA,
    "content-type": "application/json",
    "trakt-api-key": "test-client-id",
    "trakt-api-version": "2",
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    ...opts.headers,
  };
  for (const name of opts.omit ?? []) delete headers[name];
  const init: RequestInit = { method, headers };
  if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
  const response = await fake.handler(new Request(BASE + path, init));
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function json(answer: Answer): unknown {
  return JSON.parse(answer.text);
}

/** Walks into parsed JSON without casts: `dig(body, "user", "ids", "slug")`. */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function rowsOf(value: unknown): unknown[] {
  assert.ok(Array.isArray(value), "expected a JSON array");
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const CLIENT = { client_id: "test-client-id", client_secret: "test-client-secret" };

async function deviceCode(fake: FakeTrakt): Promise<string> {
  const answer = await call(fake, "POST", "/oauth/device/code", {
    body: { client_id: CLIENT.client_id },
  });
  assert.equal(answer.status, 200);
  const code = dig(json(answer), "device_code");
  assert.equal(typeof code, "string");
  return String(code);
}

function poll(fake: FakeTrakt, code: string): Promise<Answer> {
  return call(fake, "POST", "/oauth/device/token", { body: { code, ...CLIENT } });
}

// ---- OAuth ---------------------------------------------------------------------------------

Deno.test("FakeTrakt device flow goes pending, approved, then already used", async () => {
  const fake = makeFake({ deviceInterval: 0.02, approveAfterPolls: 2 });
  const codeAnswer = await call(fake, "POST", "/oauth/device/code", {
    body: { client_id: CLIENT.client_id },
  });
  const code = json(codeAnswer);
  assert.equal(dig(code, "interval"), 0.02);
  assert.equal(dig(code, "expires_in"), 600);
  assert.equal(dig(code, "verification_url"), "https://trakt.tv/activate");
  assert.match(String(dig(code, "user_code")), /^[0-9A-F]{8}$/);
  const deviceCode = String(dig(code, "device_code"));
  assert.match(deviceCode, /^[0-9a-f]{64}$/);
  const statuses: number[] = [];
  const bodies: string[] = [];
  let token: TokenObject | undefined;
  for (let i = 0; i < 4; i++) {
    if (i > 0) await delay(25);
    const answer = await poll(fake, deviceCode);
    statuses.push(answer.status);
    if (answer.status === 200) token = JSON.parse(answer.text);
    else bodies.push(answer.text);
  }
  assert.deepEqual(statuses, [400, 400, 200, 409]);
  assert.deepEqual(bodies, ["", "", ""]);
  assert.ok(token);
  assert.equal(token.token_type, "bearer");
  assert.equal(token.scope, "public");
  assert.equal(token.expires_in, 604800);
  assert.ok(Math.abs(token.created_at - Date.now() / 1000) < 5);
  const settings = await call(fake, "GET", "/users/settings", { token: token.access_token });
  assert.equal(settings.status, 200);
  assert.equal(dig(json(settings), "user", "username"), "plexfan");
  assert.equal(dig(json(settings), "user", "ids", "slug"), "plexfan");
  assert.equal(dig(json(settings), "user", "vip"), false);
});

Deno.test("FakeTrakt device flow answers 418 when denied and 410 when expired", async () => {
  const denied = makeFake({ deviceOutcome: "deny", approveAfterPolls: 0, deviceInterval: 0 });
  const code = await deviceCode(denied);
  assert.equal((await poll(denied, code)).status, 418);
  assert.equal((await poll(denied, code)).status, 418);

  const expired = makeFake({ deviceOutcome: "expire", approveAfterPolls: 1, deviceInterval: 0 });
  const code2 = await deviceCode(expired);
  assert.deepEqual([(await poll(expired, code2)).status, (await poll(expired, code2)).status], [
    400,
    410,
  ]);

  // Real clock expiry, whatever the outcome knob says.
  const clock = makeFake({ deviceExpiresIn: 0.01, deviceInterval: 0 });
  const code3 = await deviceCode(clock);
  await delay(20);
  const answer = await poll(clock, code3);
  assert.equal(answer.status, 410);
  assert.equal(answer.text, "");
});

Deno.test("FakeTrakt device flow answers 429 to polls faster than the interval, 404 to unknown codes", async () => {
  const fake = makeFake({ deviceInterval: 5, approveAfterPolls: 3 });
  const code = await deviceCode(fake);
  assert.equal((await poll(fake, code)).status, 400);
  const fast = await poll(fake, code);
  assert.deepEqual([fast.status, fast.text], [429, ""]);
  assert.equal((await poll(fake, "not-a-code")).status, 404);
  const wrongSecret = await call(fake, "POST", "/oauth/device/token", {
    body: { code, client_id: CLIENT.client_id, client_secret: "nope" },
  });
  assert.equal(wrongSecret.status, 401);
  // A 429 is not counted as a poll: with no wait at all, approval comes on the first real poll.
  const quick = makeFake({ deviceInterval: 0.03, approveAfterPolls: 1 });
  const code2 = await deviceCode(quick);
  assert.equal((await poll(quick, code2)).status, 400);
  assert.equal((await poll(quick, code2)).status, 429);
  await delay(35);
  assert.equal((await poll(quick, code2)).status, 200);
});

function refreshBody(refreshToken: string): Record<string, string> {
  return {
    refresh_token: refreshToken,
    ...CLIENT,
    redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
    grant_type: "refresh_token",
  };
}

Deno.test("FakeTrakt refresh rotates tokens and refuses a spent refresh token", async () => {
  const fake = makeFake({ tokenExpiresIn: 86400 });
  const first = fake.issueTokens();
  const answer = await call(fake, "POST", "/oauth/token", {
    body: refreshBody(first.refresh_token),
  });
  assert.equal(answer.status, 200);
  const second: TokenObject = JSON.parse(answer.text);
  assert.notEqual(second.access_token, first.access_token);
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal(second.expires_in, 86400);
  // The old access token died with the rotation; the new one works.
  assert.equal(
    (await call(fake, "GET", "/users/settings", { token: first.access_token })).status,
    401,
  );
  assert.equal(
    (await call(fake, "GET", "/users/settings", { token: second.access_token })).status,
    200,
  );
  const reused = await call(fake, "POST", "/oauth/token", {
    body: refreshBody(first.refresh_token),
  });
  assert.equal(reused.status, 400);
  assert.equal(dig(json(reused), "error"), "invalid_grant");
  assert.deepEqual([fake.refreshCount, fake.successfulRefreshes, fake.refusedRefreshes], [2, 1, 1]);
});

Deno.test("FakeTrakt refreshFailure knob shapes the refusal", async () => {
  const empty = makeFake({ refreshFailure: "empty400" });
  const a = await call(empty, "POST", "/oauth/token", { body: refreshBody("unknown") });
  assert.deepEqual([a.status, a.text], [400, ""]);
  const unauthorized = makeFake({ refreshFailure: "json401" });
  const b = await call(unauthorized, "POST", "/oauth/token", { body: refreshBody("unknown") });
  assert.equal(b.status, 401);
  assert.equal(dig(json(b), "error"), "invalid_grant");
});

Deno.test("FakeTrakt revoke kills the token; expired tokens get an empty 401", async () => {
  const fake = makeFake();
  const tokens = fake.issueTokens();
  const revoked = await call(fake, "POST", "/oauth/revoke", {
    body: { token: tokens.access_token, ...CLIENT },
  });
  assert.deepEqual([revoked.status, json(revoked)], [200, {}]);
  assert.equal(
    (await call(fake, "GET", "/sync/last_activities", { token: tokens.access_token })).status,
    401,
  );
  const refreshAfterRevoke = await call(fake, "POST", "/oauth/token", {
    body: refreshBody(tokens.refresh_token),
  });
  assert.equal(refreshAfterRevoke.status, 400);

  const old = fake.issueTokens({ createdAt: Math.floor(Date.now() / 1000) - 100, expiresIn: 10 });
  const expired = await call(fake, "GET", "/sync/last_activities", { token: old.access_token });
  assert.deepEqual([expired.status, expired.text], [401, ""]);
  const fresh = fake.issueTokens();
  fake.expireAccessTokens();
  assert.equal(
    (await call(fake, "GET", "/users/settings", { token: fresh.access_token })).status,
    401,
  );
});

// ---- headers and routing -------------------------------------------------------------------

Deno.test("FakeTrakt enforces User-Agent, API key, version and content type", async () => {
  const fake = makeFake();
  const { access_token: token } = fake.issueTokens();
  const noAgent = await call(fake, "GET", "/users/settings", { token, omit: ["user-agent"] });
  assert.equal(noAgent.status, 403);
  assert.match(noAgent.headers.get("content-type") ?? "", /text\/html/);
  assert.match(noAgent.text, /you have been blocked/);
  const denoAgent = await call(fake, "POST", "/oauth/device/code", {
    body: { client_id: CLIENT.client_id },
    headers: { "user-agent": "Deno/2.9.6" },
  });
  assert.equal(denoAgent.status, 403);
  const badKey = await call(fake, "GET", "/users/settings", {
    token,
    headers: { "trakt-api-key": "other" },
  });
  assert.equal(badKey.status, 403);
  assert.match(badKey.headers.get("content-type") ?? "", /application\/json/);
  assert.equal(
    (await call(fake, "GET", "/users/settings", { token, omit: ["trakt-api-version"] })).status,
    412,
  );
  assert.equal(
    (await call(fake, "GET", "/users/settings", { token, omit: ["content-type"] })).status,
    412,
  );
  const textType = await call(fake, "POST", "/oauth/device/code", {
    body: { client_id: CLIENT.client_id },
    headers: { "content-type": "text/plain" },
  });
  assert.equal(textType.status, 412);
  const charset = await call(fake, "GET", "/users/settings", {
    token,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
  assert.equal(charset.status, 200);
  assert.equal((await call(fake, "GET", "/users/settings")).status, 401);
  const relaxed = makeFake({ requireUserAgent: false });
  const ok = await call(relaxed, "POST", "/oauth/device/code", {
    body: { client_id: CLIENT.client_id },
    omit: ["user-agent"],
  });
  assert.equal(ok.status, 200);
});

Deno.test("FakeTrakt logs requests and flags unknown routes", async () => {
  const fake = makeFake();
  const { access_token: token } = fake.issueTokens();
  assert.equal((await call(fake, "GET", "/sync/watched/shows", { token })).status, 404);
  assert.equal((await call(fake, "DELETE", "/sync/collection", { token })).status, 405);
  await call(fake, "POST", "/sync/collection", {
    token,
    body: { movies: [{ ids: { trakt: 1 } }] },
  });
  await call(fake, "GET", "/sync/collection/movies?page=1&limit=10", {
    token,
    headers: { "X-Extra": "Yes" },
  });
  assert.deepEqual(fake.unknownRequests().map((e) => [e.method, e.path, e.status]), [
    ["GET", "/sync/watched/shows", 404],
    ["DELETE", "/sync/collection", 405],
  ]);
  const write = fake.writes();
  assert.equal(write.length, 1);
  assert.deepEqual(write[0]?.body, { movies: [{ ids: { trakt: 1 } }] });
  assert.equal(write[0]?.route, "POST /sync/collection");
  const get = fake.log.at(-1);
  assert.equal(get?.query.get("limit"), "10");
  assert.equal(get?.headers["x-extra"], "Yes");
  assert.equal(get?.status, 200);
  assert.equal(fake.count("/sync/collection"), 3);
  assert.equal(fake.count("/sync/collection", "get"), 1);
  assert.equal(fake.writeAttempts().length, 2);
});

// ---- reading the collection ----------------------------------------------------------------

const ALL_MOVIES = { movies: [1, 2, 3, 4, 5], episodes: [] };

async function getRows(
  fake: FakeTrakt,
  token: string,
  path: string,
): Promise<{ rows: unknown[]; headers: Headers }> {
  const answer = await call(fake, "GET", path, { token });
  assert.equal(answer.status, 200, answer.text);
  return { rows: rowsOf(json(answer)), headers: answer.headers };
}

function pagination(headers: Headers): string[] {
  return ["page", "limit", "page-count", "item-count"].map((k) =>
    headers.get(`x-pagination-${k}`) ?? "-"
  );
}

Deno.test("FakeTrakt pages the movie collection in the 2026 shape", async () => {
  const fake = makeFake({ collection: ALL_MOVIES, maxPageSize: 3 });
  const { access_token: token } = fake.issueTokens();
  const first = await getRows(fake, token, "/sync/collection/movies?page=1&limit=2");
  assert.deepEqual(pagination(first.headers), ["1", "2", "3", "5"]);
  assert.deepEqual(first.rows[0], {
    type: "movie",
    collected_at: "2025-01-15T12:00:00.000Z",
    updated_at: "2025-01-15T12:00:00.000Z",
    movie: {
      title: "Batman Begins",
      year: 2005,
      ids: { trakt: 1, slug: "batman-begins-2005", imdb: "tt0372784", tmdb: 272 },
    },
    available_on: [],
    metadata: {
      media_type: "digital",
      resolution: null,
      hdr: null,
      audio: null,
      audio_channels: null,
      "3d": null,
    },
  });
  const third = await getRows(fake, token, "/sync/collection/movies?page=3&limit=2");
  assert.deepEqual(third.rows.map((r) => dig(r, "movie", "ids", "trakt")), [5]);
  assert.deepEqual((await getRows(fake, token, "/sync/collection/movies?page=4&limit=2")).rows, []);
  const clamped = await getRows(fake, token, "/sync/collection/movies?limit=1000");
  assert.deepEqual(pagination(clamped.headers), ["1", "3", "2", "5"]);
  const fake2 = makeFake({ collection: ALL_MOVIES, pageSizeDefault: 4 });
  const defaulted = await getRows(
    fake2,
    fake2.issueTokens().access_token,
    "/sync/collection/movies",
  );
  assert.deepEqual(pagination(defaulted.headers), ["1", "4", "2", "5"]);
});

Deno.test("FakeTrakt paging faults: duplicates, ghosts, inflated counts, classic and unpaginated", async () => {
  const fake = makeFake({ collection: ALL_MOVIES });
  const { access_token: token } = fake.issueTokens();
  const ids = (rows: unknown[]) => rows.map((r) => dig(r, "movie", "ids", "trakt"));
  fake.faults.duplicateRowsAcrossPages = true;
  const page1 = await getRows(fake, token, "/sync/collection/movies?page=1&limit=2");
  const page2 = await getRows(fake, token, "/sync/collection/movies?page=2&limit=2");
  assert.deepEqual([ids(page1.rows), ids(page2.rows)], [[1, 2], [2, 3, 4]]);
  fake.faults.duplicateRowsAcrossPages = false;

  fake.faults.ghostRows = true;
  const ghosted = await getRows(fake, token, "/sync/collection/movies?page=1&limit=2");
  assert.deepEqual(ids(ghosted.rows), [1, null, 2]);
  assert.equal(dig(ghosted.rows, 1, "movie", "title"), null);
  assert.equal(dig(ghosted.rows, 1, "metadata"), null);
  fake.faults.ghostRows = false;

  fake.faults.inflatePageCount = 2;
  const inflated = await getRows(fake, token, "/sync/collection/movies?page=1&limit=2");
  assert.equal(inflated.headers.get("x-pagination-page-count"), "5");
  assert.deepEqual((await getRows(fake, token, "/sync/collection/movies?page=5&limit=2")).rows, []);
  fake.faults.inflatePageCount = 0;

  fake.faults.classicShape = true;
  const classic = await getRows(fake, token, "/sync/collection/movies?limit=1");
  assert.deepEqual(Object.keys(classic.rows[0] ?? {}).sort(), [
    "collected_at",
    "movie",
    "updated_at",
  ]);
  const classicMeta = await getRows(
    fake,
    token,
    "/sync/collection/movies?limit=1&extended=metadata",
  );
  assert.equal(dig(classicMeta.rows, 0, "metadata", "media_type"), "digital");
  fake.faults.classicShape = false;

  fake.faults.unpaginated = true;
  const all = await getRows(fake, token, "/sync/collection/movies?page=2&limit=2");
  assert.equal(all.rows.length, 5);
  assert.equal(all.headers.get("x-pagination-page-count"), null);
});

Deno.test("FakeTrakt groups collected episodes by show and season", async () => {
  const fake = makeFake({
    collection: {
      movies: [],
      episodes: [{ show: 10, season: 1, number: 2 }, { show: 10, season: 0, number: 1 }, {
        show: 10,
        season: 1,
        number: 1,
      }],
    },
  });
  const { rows } = await getRows(
    fake,
    fake.issueTokens().access_token,
    "/users/me/collection/shows",
  );
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.equal(dig(row, "type"), "show");
  assert.deepEqual(dig(row, "show", "ids"), {
    trakt: 10,
    slug: "breaking-bad",
    tvdb: 81189,
    imdb: "tt0903747",
    tmdb: 1396,
    tvrage: null,
  });
  assert.deepEqual(
    rowsOf(dig(row, "seasons")).map((s) => [
      dig(s, "number"),
      rowsOf(dig(s, "episodes")).map((e) => dig(e, "number")),
    ]),
    [[0, [1]], [1, [1, 2]]],
  );
  const episode = dig(row, "seasons", 1, "episodes", 0);
  assert.equal(dig(episode, "collected_at"), "2025-01-15T12:00:00.000Z");
  assert.equal(dig(episode, "metadata", "media_type"), "digital");
  assert.deepEqual(dig(episode, "available_on"), []);
});

Deno.test("FakeTrakt renders each item's own media type, seeded ones included, at every level", async () => {
  const fake = makeFake({
    collection: {
      movies: [],
      episodes: [1, 2].map((number) => ({ show: 10, season: 1, number })),
      mediaTypes: { episodes: { "10:1:1": "bluray" } },
    },
  });
  const { rows } = await getRows(fake, fake.issueTokens().access_token, "/sync/collection/shows");
  const types = rowsOf(dig(rows[0], "seasons", 0, "episodes")).map((e) =>
    dig(e, "metadata", "media_type")
  );
  assert.deepEqual(types, ["bluray", "digital"]);
  // Show and season carry metadata too since June 2026 (§6.4); their values are a guess.
  assert.equal(dig(rows[0], "metadata", "media_type"), "bluray");
  assert.equal(dig(rows[0], "seasons", 0, "metadata", "media_type"), "bluray");
  assert.deepEqual(fake.collectedEpisodes().map((e) => e.metadata.media_type), types);
});

// ---- writing the collection ----------------------------------------------------------------

Deno.test("FakeTrakt POST /sync/collection expands shows and seasons, limits to listed episodes", async () => {
  const fake = makeFake();
  const { access_token: token } = fake.issueTokens();
  const answer = await call(fake, "POST", "/sync/collection", {
    token,
    body: {
      shows: [
        { ids: { tvdb: 81189 }, seasons: [{ number: 2 }] },
        {
          title: "Mad Men",
          year: 2007,
          ids: { trakt: 20 },
          seasons: [{
            number: 1,
            episodes: [
              { number: 2, collected_at: "2020-05-01T10:00:00Z", resolution: "hd_1080p" },
              {
                number: 9,
              },
            ],
          }],
        },
      ],
    },
  });
  assert.equal(answer.status, 201);
  assert.deepEqual(json(answer), {
    added: { movies: 0, episodes: 3 },
    updated: { movies: 0, episodes: 0 },
    existing: { movies: 0, episodes: 0 },
    not_found: {
      movies: [],
      shows: [],
      seasons: [],
      episodes: [{
        title: "Mad Men",
        year: 2007,
        ids: { trakt: 20 },
        seasons: [{ number: 1, episodes: [{ number: 9 }] }],
      }],
    },
  });
  const episodes = fake.collectedEpisodes();
  assert.deepEqual(episodes.map((e) => [e.show, e.season, e.number]), [[10, 2, 1], [10, 2, 2], [
    20,
    1,
    2,
  ]]);
  assert.equal(episodes[2]?.collected_at, "2020-05-01T10:00:00.000Z");
  assert.equal(episodes[2]?.metadata.resolution, "hd_1080p");

  const whole = await call(fake, "POST", "/sync/collection", {
    token,
    body: { shows: [{ ids: { slug: "breaking-bad" } }] },
  });
  assert.deepEqual(dig(json(whole), "added"), { movies: 0, episodes: 4 });
  assert.deepEqual(dig(json(whole), "existing"), { movies: 0, episodes: 2 });
  assert.equal(fake.collectedEpisodes().filter((e) => e.show === 10).length, 6);
});

Deno.test("FakeTrakt POST /sync/collection matches movies by any id and echoes the unknown ones", async () => {
  const fake = makeFake();
  const { access_token: token } = fake.issueTokens();
  const before = json(await call(fake, "GET", "/sync/last_activities", { token }));
  const unknownMovie = { title: "Nope", year: 1900, ids: { imdb: "tt0000111" } };
  const unknownShow = { ids: { tvdb: 1 }, seasons: [{ number: 1 }] };
  const answer = await call(fake, "POST", "/sync/collection", {
    token,
    body: {
      movies: [
        {
          ids: { imdb: "TT0372784" },
          collected_at: "2019-01-01T00:00:00.000Z",
          media_type: "digital",
          resolution: "uhd_4k",
          hdr: "dolby_vision",
          audio: "dts_ma",
          audio_channels: "5.1",
          "3d": false,
        },
        { ids: { tmdb: "20526" } },
        { title: "Heat", year: 1995 },
        unknownMovie,
      ],
      shows: [unknownShow],
      episodes: [{ ids: { tvdb: 555 } }],
    },
  });
  assert.equal(answer.status, 201);
  const body = json(answer);
  assert.deepEqual(dig(body, "added"), { movies: 3, episodes: 0 });
  assert.deepEqual(dig(body, "not_found"), {
    movies: [unknownMovie],
    shows: [unknownShow],
    seasons: [],
    episodes: [{ ids: { tvdb: 555 } }],
  });
  assert.deepEqual(fake.collectedMovies()[0], {
    trakt: 1,
    collected_at: "2019-01-01T00:00:00.000Z",
    metadata: {
      media_type: "digital",
      resolution: "uhd_4k",
      hdr: "dolby_vision",
      audio: "dts_ma",
      audio_channels: "5.1",
      "3d": false,
    },
  });
  const after = json(await call(fake, "GET", "/sync/last_activities", { token }));
  assert.ok(
    String(dig(after, "movies", "collected_at")) > String(dig(before, "movies", "collected_at")),
  );
  assert.equal(dig(after, "episodes", "collected_at"), dig(before, "episodes", "collected_at"));
  assert.equal(dig(after, "all"), dig(after, "movies", "collected_at"));

  // Identical resend → existing; a changed collected_at → updated.
  const again = await call(fake, "POST", "/sync/collection", {
    token,
    body: {
      movies: [
        { ids: { trakt: 1 }, collected_at: "2019-01-01T00:00:00Z", resolution: "uhd_4k" },
        { ids: { trakt: 2 }, collected_at: "2021-02-02T00:00:00.000Z" },
      ],
    },
  });
  assert.deepEqual(
    ["existing", "updated", "added"].map((k) => dig(json(again), k, "movies")),
    [1, 1, 0],
  );
  assert.equal(fake.collectedMovies()[1]?.collected_at, "2021-02-02T00:00:00.000Z");
  assert.equal(
    (await call(fake, "POST", "/sync/collection", { token, body: { movies: {} } })).status,
    400,
  );
});

Deno.test("FakeTrakt POST /sync/collection/remove deletes and reports", async () => {
  const fake = makeFake({
    collection: { movies: [1, 2], episodes: [{ show: 20, season: 1, number: 1 }] },
  });
  const { access_token: token } = fake.issueTokens();
  const answer = await call(fake, "POST", "/sync/collection/remove", {
    token,
    body: {
      movies: [{ ids: { trakt: 2 } }, { ids: { trakt: 999 } }],
      shows: [{ ids: { trakt: 20 } }],
    },
  });
  assert.equal(answer.status, 200);
  assert.deepEqual(json(answer), {
    deleted: { movies: 1, episodes: 1 },
    not_found: { movies: [{ ids: { trakt: 999 } }], shows: [], seasons: [], episodes: [] },
  });
  assert.deepEqual(fake.collectedMovies().map((m) => m.trakt), [1]);
  assert.equal(fake.collectedEpisodes().length, 0);
});

Deno.test("FakeTrakt paces writes per token with 429, Retry-After and X-Ratelimit", async () => {
  const fake = makeFake({ writeIntervalMs: 300 });
  const { access_token: token } = fake.issueTokens();
  const other = fake.issueTokens().access_token;
  const write = (t: string, trakt: number) =>
    call(fake, "POST", "/sync/collection", { token: t, body: { movies: [{ ids: { trakt } }] } });
  const firstAt = performance.now();
  assert.equal((await write(token, 1)).status, 201);
  await delay(150);
  const refused = await write(token, 2);
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "1");
  const limit = JSON.parse(refused.headers.get("x-ratelimit") ?? "{}");
  assert.deepEqual(
    [limit.name, limit.period, limit.limit, limit.remaining],
    ["AUTHED_API_POST_LIMIT", 1, 1, 0],
  );
  assert.ok(!Number.isNaN(Date.parse(limit.until)));
  assert.equal((await write(other, 3)).status, 201, "another token has its own clock");
  // The 429 did not reset the clock: 300 ms after the first write is enough.
  await delay(Math.max(0, firstAt + 330 - performance.now()));
  assert.equal((await write(token, 2)).status, 201);
  assert.deepEqual(fake.collectedMovies().map((m) => m.trakt), [1, 2, 3]);
  assert.equal(fake.writes().length, 3);
  assert.equal(fake.writeAttempts().length, 4);
});

Deno.test("FakeTrakt answers 420 past the account limit, whole batch or partial", async () => {
  const rejecting = makeFake({ accountLimit: 3, collection: { movies: [1, 2], episodes: [] } });
  const token = rejecting.issueTokens().access_token;
  const body = { movies: [{ ids: { trakt: 3 } }, { ids: { trakt: 4 } }] };
  const refused = await call(rejecting, "POST", "/sync/collection", { token, body });
  assert.equal(refused.status, 420);
  assert.equal(refused.text, "");
  assert.equal(refused.headers.get("x-upgrade-url"), "https://app.trakt.tv/vip");
  assert.equal(refused.headers.get("x-vip-user"), "false");
  assert.equal(refused.headers.get("x-account-limit"), "3");
  assert.deepEqual(rejecting.collectedMovies().map((m) => m.trakt), [1, 2]);
  assert.equal(rejecting.writes().length, 0);
  // Resending what is already there does not count against the limit.
  const resend = await call(rejecting, "POST", "/sync/collection", {
    token,
    body: { movies: [{ ids: { trakt: 1 } }] },
  });
  assert.equal(resend.status, 201);

  const partial = makeFake({
    accountLimit: 3,
    limitMode: "partial",
    omitLimitHeaders: ["X-Account-Limit"],
    collection: { movies: [1, 2], episodes: [] },
  });
  const answer = await call(partial, "POST", "/sync/collection", {
    token: partial.issueTokens().access_token,
    body,
  });
  assert.equal(answer.status, 420);
  assert.equal(answer.headers.get("x-account-limit"), null);
  assert.deepEqual(partial.collectedMovies().map((m) => m.trakt), [1, 2, 3]);

  const vip = makeFake({ vip: true });
  const settings = await call(vip, "GET", "/users/settings", {
    token: vip.issueTokens().access_token,
  });
  assert.equal(dig(json(settings), "user", "vip"), true);
  const unlimited = makeFake({ accountLimit: null });
  const everything = await call(unlimited, "POST", "/sync/collection", {
    token: unlimited.issueTokens().access_token,
    body: { shows: [{ ids: { trakt: 10 } }, { ids: { trakt: 20 } }] },
  });
  assert.deepEqual(dig(json(everything), "added"), { movies: 0, episodes: 10 });
});

Deno.test("FakeTrakt search finds catalogue items by id and type, without a token", async () => {
  const fake = makeFake();
  const byImdb = await call(fake, "GET", "/search/imdb/tt0903747?type=show");
  assert.equal(byImdb.status, 200);
  assert.deepEqual(json(byImdb), [{
    type: "show",
    score: null,
    show: {
      title: "Breaking Bad",
      year: 2008,
      ids: {
        trakt: 10,
        slug: "breaking-bad",
        tvdb: 81189,
        imdb: "tt0903747",
        tmdb: 1396,
        tvrage: null,
      },
    },
  }]);
  const byTmdb = await call(fake, "GET", "/search/tmdb/272?type=movie");
  assert.deepEqual(rowsOf(json(byTmdb)).map((hit) => dig(hit, "movie", "ids", "trakt")), [1]);
  assert.deepEqual(json(await call(fake, "GET", "/search/tmdb/272?type=show")), []);
  const token = fake.issueTokens().access_token;
  assert.equal(
    (await call(fake, "GET", "/users/plexfan/collection/movies", { token })).status,
    200,
  );
  assert.equal(
    (await call(fake, "GET", "/users/someone/collection/movies", { token })).status,
    404,
  );
});

// ---- fault injection -----------------------------------------------------------------------

Deno.test("FakeTrakt failNext serves injected answers, then recovers", async () => {
  const fake = makeFake();
  const { access_token: token } = fake.issueTokens();
  fake.faults.failNext.push(
    { status: 502, count: 2, path: "/sync/collection", method: "POST" },
    { status: 200, body: '{"broken', path: "/sync/last_activities" },
    { status: 520, path: "/users" },
  );
  const body = { movies: [{ ids: { trakt: 1 } }] };
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    statuses.push((await call(fake, "POST", "/sync/collection", { token, body })).status);
  }
  assert.deepEqual(statuses, [502, 502, 201]);
  const malformed = await call(fake, "GET", "/sync/last_activities", { token });
  assert.equal(malformed.status, 200);
  assert.throws(() => JSON.parse(malformed.text));
  const cloudflare = await call(fake, "GET", "/users/settings", { token });
  assert.equal(cloudflare.status, 520);
  assert.equal(cloudflare.headers.get("server"), "cloudflare");
  assert.match(cloudflare.text, /Error code 520/);
  assert.equal(fake.faults.failNext.length, 0);
  assert.equal(fake.log.filter((e) => e.fault).length, 4);
  assert.equal(fake.collectedMovies().length, 1);
});

Deno.test("FakeTrakt start() serves over HTTP and close() ends stalled answers", async () => {
  const fake = makeFake({
    collection: ALL_MOVIES,
    faults: { delayMs: 10_000, delayPath: "/sync/last" },
  });
  const server = await fake.start();
  try {
    const { access_token: token } = fake.issueTokens();
    const headers = {
      "user-agent": UA,
      "content-type": "application/json",
      "trakt-api-key": "test-client-id",
      "trakt-api-version": "2",
      authorization: `Bearer ${token}`,
    };
    const response = await fetch(`${server.url}/sync/collection/movies?limit=2`, { headers });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-pagination-item-count"), "5");
    assert.equal(((await response.json()) as unknown[]).length, 2);
    const stalled = fetch(`${server.url}/sync/last_activities`, {
      headers,
      signal: AbortSignal.timeout(50),
    });
    await assert.rejects(stalled);
  } finally {
    const started = performance.now();
    await server.close();
    assert.ok(performance.now() - started < 2000, "close() must not wait for the stall");
  }
});
