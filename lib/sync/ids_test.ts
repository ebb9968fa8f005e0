import assert from "node:assert/strict";
import { hasIds, idKeys, KeyGroups } from "./ids.ts";

Deno.test("idKeys() names each known id once, in a fixed order", () => {
  assert.deepEqual(idKeys({ tvdb: 3, tmdb: 2, imdb: "tt1" }), ["imdb:tt1", "tmdb:2", "tvdb:3"]);
  assert.deepEqual(idKeys({}), []);
  assert.deepEqual(idKeys({ imdb: "" }), []);
  // 0 is a number like any other here; the Plex reader is the one that rejects tmdb://0.
  assert.deepEqual(idKeys({ tmdb: 0 }), ["tmdb:0"]);
});

Deno.test("hasIds() is true when any id is known", () => {
  assert.equal(hasIds({}), false);
  assert.equal(hasIds({ tvdb: 5 }), true);
  assert.equal(hasIds({ imdb: "tt5" }), true);
});

Deno.test("hasIds() agrees with idKeys() on edge values", () => {
  for (const ids of [{ imdb: "" }, { tmdb: 0 }, { tvdb: 0 }, { imdb: "", tvdb: 1 }]) {
    assert.equal(hasIds(ids), idKeys(ids).length > 0, JSON.stringify(ids));
  }
});

Deno.test("KeyGroups() gives separate roots to items sharing no key", () => {
  const g = new KeyGroups();
  const a = g.add(["imdb:tt1"]);
  const b = g.add(["tmdb:2"]);
  const c = g.add([]);
  assert.equal(new Set([g.root(a), g.root(b), g.root(c)]).size, 3);
});

Deno.test("KeyGroups() joins items that share one key", () => {
  const g = new KeyGroups();
  const a = g.add(["imdb:tt1", "tmdb:1"]);
  const b = g.add(["tmdb:1"]);
  assert.equal(g.root(a), g.root(b));
});

Deno.test("KeyGroups() merges transitively (A~B via imdb, B~C via tmdb)", () => {
  const g = new KeyGroups();
  const a = g.add(["imdb:tt1"]);
  const c = g.add(["tmdb:2"]);
  assert.notEqual(g.root(a), g.root(c));
  const b = g.add(["imdb:tt1", "tmdb:2"]);
  assert.equal(g.root(a), g.root(b));
  assert.equal(g.root(b), g.root(c));
});

Deno.test("KeyGroups() merges a chain added in any order into one group", () => {
  // Items 0..n-1 where item i shares a key with i+1; added in a scrambled order.
  const n = 50;
  const order = Array.from({ length: n }, (_, i) => (i * 17) % n);
  const g = new KeyGroups();
  const slot = new Map<number, number>();
  for (const i of order) slot.set(i, g.add([`k:${i}`, `k:${i + 1}`]));
  const roots = new Set([...slot.values()].map((s) => g.root(s)));
  assert.equal(roots.size, 1);
  // The root is the smallest slot, so it is stable however often root() is called.
  assert.deepEqual([...roots], [0]);
});

Deno.test("KeyGroups() keeps two chains apart", () => {
  const g = new KeyGroups();
  const a1 = g.add(["imdb:tt1"]);
  const b1 = g.add(["imdb:tt2"]);
  const a2 = g.add(["imdb:tt1", "tvdb:9"]);
  const b2 = g.add(["imdb:tt2", "tvdb:8"]);
  const a3 = g.add(["tvdb:9"]);
  assert.equal(g.root(a1), g.root(a3));
  assert.equal(g.root(a1), g.root(a2));
  assert.equal(g.root(b1), g.root(b2));
  assert.notEqual(g.root(a1), g.root(b1));
});
