/**
 * The hand-written collection reader against the zod schemas it stands in for: over thousands of
 * seeded pages (real shapes damaged one spot at a time, random trees), whatever the reader
 * accepts, zod accepts with the same value; whatever zod refuses, the reader refuses.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import { PHYSICAL_MEDIA } from "./media_type.ts";
import { readLeanMovieRows, readLeanShowRows } from "./lean_rows.ts";
import { LeanMovieRow, LeanShowRow } from "./models.ts";
import { mulberry32 } from "../../tests/helpers/prng.ts";
import { jsonFuzzer, pick, type Rand } from "../../tests/helpers/json_fuzz.ts";

const ODD: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  "",
  "1",
  "tt0111161",
  true,
  [],
  {},
  [null],
  [{}],
  { number: 1 },
  { trakt: null },
  "bluray",
  "digital",
  { media_type: "dvd" },
];

const { randomJson, mutate } = jsonFuzzer(ODD, [
  "movie",
  "show",
  "ids",
  "trakt",
  "imdb",
  "tmdb",
  "tvdb",
  "title",
  "year",
  "seasons",
  "episodes",
  "number",
  "metadata",
  "media_type",
]);

function movieRow(r: Rand, trakt: number): unknown {
  return {
    collected_at: "2026-01-02T03:04:05.000Z",
    updated_at: "2026-01-02T03:04:05.000Z",
    type: "movie",
    movie: {
      title: pick(r, ["Heat", "Léon", null]),
      year: pick(r, [1995, null]),
      ids: { trakt, slug: "heat-1995", imdb: pick(r, ["tt0113277", null]), tmdb: 949 },
    },
    metadata: pick(r, [
      { media_type: "bluray", resolution: "hd_1080p", audio: "dts", "3d": false },
      { media_type: "digital", resolution: "uhd_4k", "3d": null },
      { media_type: null },
      null,
    ]),
  };
}

function showRow(r: Rand, trakt: number): unknown {
  const seasons = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, s) => ({
    number: s,
    episodes: Array.from({ length: 1 + Math.floor(r() * 4) }, (_, e) => ({
      number: e + 1,
      collected_at: "2026-01-02T03:04:05.000Z",
      metadata: { media_type: pick(r, ["digital", "digital", "dvd", null]), resolution: "uhd_4k" },
    })),
  }));
  return {
    last_collected_at: "2026-01-02T03:04:05.000Z",
    last_updated_at: "2026-01-02T03:04:05.000Z",
    show: { title: "Lost", year: 2004, ids: { trakt, slug: "lost", tvdb: 73739, tmdb: 4607 } },
    seasons,
  };
}

function page(r: Rand, row: (r: Rand, trakt: number) => unknown, i: number): unknown {
  if (i % 7 === 0) return randomJson(r);
  let v: unknown = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, k) => row(r, k + 1));
  for (let j = Math.floor(r() * 4); j > 0; j--) v = mutate(r, v);
  return v;
}

function agree<T>(
  schema: z.ZodType<T[]>,
  read: (data: unknown) => T[] | undefined,
  row: (r: Rand, trakt: number) => unknown,
  seed: number,
): { both: number; zodOnly: number } {
  const r = mulberry32(seed);
  let both = 0;
  let zodOnly = 0;
  for (let i = 0; i < 4000; i++) {
    // Through text and back, as from the network (a mutation can make a tree circular).
    let text: string | undefined;
    try {
      text = JSON.stringify(page(r, row, i));
    } catch {
      continue;
    }
    if (text === undefined) continue;
    const byZod = schema.safeParse(JSON.parse(text));
    const byHand = read(JSON.parse(text));
    const label = text.slice(0, 400);
    if (byHand !== undefined) {
      assert.ok(byZod.success, `the reader accepted what zod refuses: ${label}`);
      assert.deepEqual(byHand, byZod.data, label);
      both++;
    } else if (byZod.success) {
      zodOnly++;
    }
  }
  return { both, zodOnly };
}

Deno.test("lean rows: movie pages read by hand as zod reads them, or left to zod", () => {
  const { both, zodOnly } = agree(LeanMovieRow.array(), readLeanMovieRows, movieRow, 31);
  assert.ok(both > 1500, `only ${both} pages read by hand`);
  // The reader may be stricter than zod, but only at the edges.
  assert.ok(zodOnly < both / 20, `${zodOnly} pages left to zod`);
});

Deno.test("lean rows: show pages read by hand as zod reads them, or left to zod", () => {
  const { both, zodOnly } = agree(LeanShowRow.array(), readLeanShowRows, showRow, 32);
  assert.ok(both > 1500, `only ${both} pages read by hand`);
  assert.ok(zodOnly < both / 20, `${zodOnly} pages left to zod`);
});

Deno.test("lean rows: only the fields the sync needs are kept", () => {
  const r = mulberry32(1);
  const [movie] = readLeanMovieRows([movieRow(r, 7)]) ?? [];
  assert.deepEqual(Object.keys(movie ?? {}).filter((k) => k !== "physical"), ["movie"]);
  assert.deepEqual(Object.keys(movie?.movie?.ids ?? {}).sort(), ["imdb", "tmdb", "trakt"]);
  const [show] = readLeanShowRows([showRow(r, 8)]) ?? [];
  assert.deepEqual(Object.keys(show ?? {}).sort(), ["seasons", "show"]);
  assert.deepEqual(
    Object.keys(show?.seasons?.[0]?.episodes?.[0] ?? {}).filter((k) => k !== "physical"),
    ["number"],
  );
  // Of the metadata, only a physical medium's mark: never its strings, never a `false`.
  const rows = (media_type: unknown) => [{ movie: {}, metadata: { media_type, hdr: "hdr10" } }];
  // Any medium but digital is kept: the listed discs, and one Trakt adds or spells otherwise.
  for (const disc of [...PHYSICAL_MEDIA, "Blu-ray", "uhd_bluray", ""]) {
    assert.deepEqual(readLeanMovieRows(rows(disc)), [{ movie: {}, physical: true }], disc);
  }
  for (const file of ["digital", null, undefined, 3]) {
    assert.deepEqual(readLeanMovieRows(rows(file)), [{ movie: {} }], String(file));
  }
  assert.deepEqual(readLeanMovieRows([{ movie: {}, metadata: "bluray" }]), [{ movie: {} }]);
  const episodes = [{ number: 1, metadata: { media_type: "vhs" } }, { number: 2, metadata: null }];
  assert.deepEqual(
    readLeanShowRows([{
      show: {},
      metadata: { media_type: "dvd" },
      seasons: [{ number: 1, episodes }],
    }]),
    [{
      show: {},
      seasons: [{ number: 1, episodes: [{ number: 1, physical: true }, { number: 2 }] }],
    }],
    "an episode's own medium; the show's is not read",
  );
  assert.equal(readLeanMovieRows({ movie: {} }), undefined, "a page is a list");
  // JSON's -0 (which no generated page holds: JSON.stringify writes it as 0).
  const minusZero = JSON.parse('[{"movie":{"ids":{"trakt":-0,"tmdb":-0}}}]');
  assert.deepEqual(readLeanMovieRows(minusZero), LeanMovieRow.array().parse(minusZero));
  assert.equal(readLeanShowRows([{ seasons: [{ number: 1.5 }] }]), undefined);
});
