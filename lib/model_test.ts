import assert from "node:assert/strict";
import { mergeIds } from "./model.ts";

Deno.test("mergeIds() lets the primary win per key and fills the gaps", () => {
  assert.deepEqual(mergeIds({ tmdb: 1 }, { tmdb: 2, imdb: "tt1234567" }), {
    tmdb: 1,
    imdb: "tt1234567",
  });
  assert.deepEqual(mergeIds({}, {}), {});
  assert.deepEqual(mergeIds({ tvdb: 3 }, {}), { tvdb: 3 });
});

Deno.test("mergeIds() fills gaps from the second and lets the first win", () => {
  assert.deepEqual(mergeIds({ imdb: "tt1" }, { imdb: "tt2", tmdb: 2 }), { imdb: "tt1", tmdb: 2 });
  assert.deepEqual(mergeIds({}, { tvdb: 3 }), { tvdb: 3 });
  assert.deepEqual(mergeIds({ tmdb: 1, tvdb: 1 }, {}), { tmdb: 1, tvdb: 1 });
  assert.deepEqual(mergeIds({}, {}), {});
});

Deno.test("mergeIds() adds no undefined keys and leaves its inputs alone", () => {
  const a = { imdb: "tt1" };
  const b = { tmdb: 2 };
  const out = mergeIds(a, b);
  assert.deepEqual(Object.keys(out).sort(), ["imdb", "tmdb"]);
  assert.deepEqual(a, { imdb: "tt1" });
  assert.deepEqual(b, { tmdb: 2 });
  assert.notEqual(out, a);
});
