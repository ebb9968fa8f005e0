import assert from "node:assert/strict";
import { hasIds, idKeys, KeyGroups, sameTitle } from "./ids.ts";

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

Deno.test("KeyGroups() gives separate roots to items sharing no id", () => {
  const g = new KeyGroups();
  const a = g.add({ imdb: "tt1" });
  const b = g.add({ tmdb: 2 });
  const c = g.add({});
  assert.equal(new Set([g.root(a), g.root(b), g.root(c)]).size, 3);
});

Deno.test("KeyGroups() joins items that share one id", () => {
  const g = new KeyGroups();
  const a = g.add({ imdb: "tt1", tmdb: 1 });
  const b = g.add({ tmdb: 1 });
  assert.equal(g.root(a), g.root(b));
});

Deno.test("KeyGroups() merges transitively (A~B via imdb, B~C via tmdb), in any order", () => {
  const items = { a: { imdb: "tt1" }, b: { imdb: "tt1", tmdb: 2 }, c: { tmdb: 2 } };
  const orders = [["a", "b", "c"], ["a", "c", "b"], ["b", "a", "c"], ["b", "c", "a"], [
    "c",
    "a",
    "b",
  ], ["c", "b", "a"]] as const;
  for (const order of orders) {
    const g = new KeyGroups();
    const slots = order.map((k) => g.add(items[k]));
    assert.equal(new Set(slots.map((s) => g.root(s))).size, 1, order.join(""));
    // The root is the smallest slot, so it is stable however often root() is called.
    assert.equal(g.root(slots[2]!), 0, order.join(""));
  }
});

Deno.test("KeyGroups() keeps two chains apart", () => {
  const g = new KeyGroups();
  const a1 = g.add({ imdb: "tt1" });
  const b1 = g.add({ imdb: "tt2" });
  const a2 = g.add({ imdb: "tt1", tvdb: 9 });
  const b2 = g.add({ imdb: "tt2", tvdb: 8 });
  const a3 = g.add({ tvdb: 9 });
  assert.equal(g.root(a1), g.root(a3));
  assert.equal(g.root(a1), g.root(a2));
  assert.equal(g.root(b1), g.root(b2));
  assert.notEqual(g.root(a1), g.root(b1));
});

Deno.test("sameTitle(): one id in common, and no more conflicting ids than agreeing ones", () => {
  const who2005 = { imdb: "tt0436992", tmdb: 57243, tvdb: 78804 };
  const who2023 = { imdb: "tt0436992", tmdb: 239770, tvdb: 436992 };
  assert.equal(sameTitle(who2005, who2023), false, "a revival under the same IMDb id");
  assert.equal(sameTitle(who2005, { ...who2005, tvdb: 1 }), true, "a stale TVDB id");
  assert.equal(sameTitle({ imdb: "tt1", tvdb: 1 }, { imdb: "tt1", tvdb: 2 }), true, "a tie");
  assert.equal(sameTitle({ imdb: "tt1" }, { tmdb: 1 }), false, "nothing in common");
  assert.equal(sameTitle({ imdb: "tt1" }, { imdb: "tt1", tmdb: 5 }), true);
  assert.equal(sameTitle({}, {}), false);
});

Deno.test("KeyGroups() keeps apart two titles that share one id but differ in the others", () => {
  const g = new KeyGroups();
  const old = g.add({ imdb: "tt0436992", tmdb: 57243, tvdb: 78804 });
  const revival = g.add({ imdb: "tt0436992", tmdb: 239770, tvdb: 436992 });
  const oldAgain = g.add({ tvdb: 78804 });
  const revivalAgain = g.add({ imdb: "tt0436992", tmdb: 239770 });
  assert.notEqual(g.root(old), g.root(revival));
  assert.equal(g.root(oldAgain), g.root(old));
  assert.equal(g.root(revivalAgain), g.root(revival));
});
