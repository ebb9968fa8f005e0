/**
 * Fuzzes the Trakt JSON boundary (issue 3 item 5): every schema of `models.ts` read through
 * `parseTraktJson` returns a value or throws `RemoteError`, over a few thousand seeded inputs
 * (random JSON text, truncated text, mutated real shapes); `buildTraktIndex` over whatever
 * parsed never throws. Collection pages go through their hand readers as the client's do, since
 * those, not zod, read almost every real page. The small answers' hand readers (answers.ts)
 * must answer exactly where zod accepts, with zod's value.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import { RemoteError } from "../errors.ts";
import type { HttpResponse } from "../http/client.ts";
import { buildTraktIndex } from "../sync/trakt_index.ts";
import {
  readLastActivities,
  readSettings,
  readSyncResponse,
  readTokenResponse,
} from "./answers.ts";
import { parseTraktJson } from "./http.ts";
import { readLeanMovieRows, readLeanShowRows } from "./lean_rows.ts";
import {
  DeviceCode,
  LastActivities,
  LeanMovieRow,
  LeanShowRow,
  Settings,
  SyncResponse,
  TokenResponse,
} from "./models.ts";
import { mulberry32 } from "../../tests/helpers/prng.ts";
import { jsonFuzzer } from "../../tests/helpers/json_fuzz.ts";

const ODD: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  "",
  "1",
  "12",
  "tt0111161",
  "2026-01-01T00:00:00.000Z",
  "not a date",
  true,
  false,
  [],
  {},
  [null],
  { trakt: null },
];

const { randomJson, mutate } = jsonFuzzer(ODD, [
  "movie",
  "show",
  "ids",
  "seasons",
  "episodes",
  "number",
  "user",
  "added",
  "x",
]);

const movieRow = (trakt: number) => ({
  collected_at: "2026-01-02T03:04:05.000Z",
  updated_at: "2026-01-02T03:04:05.000Z",
  type: "movie",
  movie: {
    title: "Heat",
    year: 1995,
    ids: { trakt, slug: "heat-1995", imdb: "tt0113277", tmdb: 949 },
  },
  metadata: { media_type: "bluray", resolution: "hd_1080p" },
});
const showRow = (trakt: number) => ({
  last_collected_at: "2026-01-02T03:04:05.000Z",
  show: { title: "Lost", year: 2004, ids: { trakt, slug: "lost", tvdb: 73739, tmdb: 4607 } },
  seasons: [{ number: 1, episodes: [{ number: 1, collected_at: "2026-01-02T03:04:05.000Z" }] }],
});

const REAL: Record<string, () => unknown> = {
  token: () => ({
    access_token: "a".repeat(64),
    refresh_token: "b".repeat(64),
    expires_in: 86400,
    created_at: 1760000000,
    scope: "public",
    token_type: "bearer",
  }),
  device: () => ({
    device_code: "d".repeat(40),
    user_code: "ABCD1234",
    verification_url: "https://trakt.tv/activate",
    expires_in: 600,
    interval: 5,
  }),
  settings: () => ({ user: { username: "plexfan", vip: false, ids: { slug: "plexfan" } } }),
  activities: () => ({
    all: "2026-01-01T00:00:00.000Z",
    movies: { collected_at: "2026-01-01T00:00:00.000Z" },
    episodes: { collected_at: null },
  }),
  movies: () => [movieRow(1), movieRow(2), movieRow(3)],
  shows: () => [showRow(10), showRow(11)],
  sync: () => ({
    added: { movies: 1, episodes: 2 },
    updated: { movies: 0, episodes: 0 },
    existing: { movies: 0, episodes: 0 },
    not_found: { movies: [{ ids: { imdb: "tt0" } }], shows: [], seasons: [], episodes: [] },
  }),
};

function texts(seed: number, n: number, real: () => unknown): string[] {
  const r = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const roll = i % 5;
    if (roll === 0) out.push(JSON.stringify(randomJson(r)) ?? "");
    else if (roll === 1) {
      const t = JSON.stringify(real());
      out.push(t.slice(0, Math.floor(r() * t.length))); // truncated
    } else {
      let v = real();
      for (let j = 1 + Math.floor(r() * 4); j > 0; j--) v = mutate(r, v);
      out.push(JSON.stringify(v) ?? "");
    }
  }
  out.push("", "<html>502 Bad Gateway</html>", "null", "1e999", '{"a":', "\ufeff{}");
  return out;
}

function response(text: string): HttpResponse {
  return { status: 200, headers: new Headers({ "content-type": "application/json" }), text };
}

function valueOrRemoteError<T>(fn: () => T, text: string): T | undefined {
  try {
    return fn();
  } catch (err) {
    assert.ok(
      err instanceof RemoteError,
      `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} for ${
        text.slice(0, 300)
      }`,
    );
    assert.equal(err.exitCode, 4);
    assert.equal(err.service, "trakt");
    return undefined;
  }
}

const CASES: [string, z.ZodType, string][] = [
  ["token", TokenResponse, "token"],
  ["device", DeviceCode, "device"],
  ["settings", Settings, "settings"],
  ["activities", LastActivities, "activities"],
  ["sync", SyncResponse, "sync"],
];

Deno.test("fuzz trakt: every schema through parseTraktJson returns a value or a RemoteError", () => {
  let seed = 100;
  for (const [name, schema, real] of CASES) {
    let ok = 0;
    for (const text of texts(seed++, 600, REAL[real]!)) {
      if (valueOrRemoteError(() => parseTraktJson(response(text), schema, name), text)) ok++;
    }
    assert.ok(ok > 3, `${name}: only ${ok} inputs parsed, the fuzz is too destructive`);
  }
});

/** `read`, counting how often it answers and how often it leaves the page to zod. */
function counted<T>(read: (data: unknown) => T | undefined) {
  const tally = { byHand: 0, toZod: 0 };
  const wrapped = (data: unknown): T | undefined => {
    const rows = read(data);
    if (rows === undefined) tally.toZod++;
    else tally.byHand++;
    return rows;
  };
  return { tally, read: wrapped };
}

Deno.test("fuzz trakt: collection rows parse or throw RemoteError; buildTraktIndex never throws", () => {
  const MovieRows = LeanMovieRow.array();
  const ShowRows = LeanShowRow.array();
  const movieReader = counted(readLeanMovieRows);
  const showReader = counted(readLeanShowRows);
  const movieTexts = texts(7, 1500, REAL.movies!);
  const showTexts = texts(8, 1500, REAL.shows!);
  let indexed = 0;
  for (let i = 0; i < movieTexts.length; i++) {
    const mt = movieTexts[i]!;
    const st = showTexts[i % showTexts.length]!;
    const movies = valueOrRemoteError(
      () => parseTraktJson(response(mt), MovieRows, "movies", movieReader.read),
      mt,
    );
    const shows = valueOrRemoteError(
      () => parseTraktJson(response(st), ShowRows, "shows", showReader.read),
      st,
    );
    const index = (() => {
      try {
        return buildTraktIndex(movies ?? [], shows ?? []);
      } catch (err) {
        throw new assert.AssertionError({
          message: `buildTraktIndex threw ${String(err)} for\n${mt.slice(0, 300)}\n${
            st.slice(0, 300)
          }`,
        });
      }
    })();
    if (movies || shows) indexed++;
    assert.ok(index.counts.movies <= (movies?.length ?? 0), "no more movies than rows");
    assert.ok(index.movies instanceof Set);
  }
  assert.ok(indexed > 300, `only ${indexed} pairs indexed`);
  // Both ways through parseTraktJson must be walked, or half the boundary goes unfuzzed.
  for (const [name, { tally }] of [["movies", movieReader], ["shows", showReader]] as const) {
    assert.ok(tally.byHand > 100 && tally.toZod > 100, `${name}: ${JSON.stringify(tally)}`);
  }
});

Deno.test("fuzz trakt: buildTraktIndex over duplicated and ghost rows counts each title once", () => {
  const ghost = {
    collected_at: null,
    movie: { title: null, year: null, ids: { trakt: null, slug: null, imdb: null, tmdb: null } },
  };
  const text = JSON.stringify([movieRow(1), movieRow(1), ghost, movieRow(2)]);
  const rows = parseTraktJson(response(text), LeanMovieRow.array(), "movies", readLeanMovieRows);
  const index = buildTraktIndex(rows, []);
  assert.equal(index.counts.movies, 2);
});

Deno.test("answers.ts reads settings, last activities, write results and tokens as zod does", () => {
  const cases = [
    // With how many answers, at least, each must have been read by hand (the seeds are fixed).
    ["settings", readSettings, Settings, 40],
    ["activities", readLastActivities, LastActivities, 300],
    ["sync", readSyncResponse, SyncResponse, 250],
    ["token", readTokenResponse, TokenResponse, 45],
  ] as const;
  let seed = 300;
  for (const [name, read, schema, least] of cases) {
    let byHand = 0;
    for (const text of texts(seed++, 1500, REAL[name]!)) {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        continue;
      }
      const zod = (schema as z.ZodType).safeParse(structuredClone(data));
      const hand = (read as (d: unknown) => unknown)(data);
      assert.equal(hand !== undefined, zod.success, `${name}, by hand or not: ${text}`);
      if (hand === undefined) continue;
      byHand++;
      assert.deepEqual(hand, zod.data, text);
    }
    assert.ok(byHand >= least, `${name}: only ${byHand} read by hand`);
  }
});
