import assert from "node:assert/strict";
import { join } from "node:path";
import { deleteLarge, getLarge, setLarge } from "./large.ts";
import { openStore } from "./store.ts";
import { withTempDir } from "./testdata/util.ts";

const KEY = ["last-not-found", "main server"];
const DAY = 24 * 3600_000;

Deno.test("setLarge() keeps one value's pieces: the ones it replaced go at once", async () => {
  await withTempDir(async (dir) => {
    const store = await openStore(join(dir, "s.kv"));
    try {
      // Big enough for several pieces (30,000 characters each).
      const value = (n: number) => ({ n, rows: "x".repeat(70_000) });
      for (let n = 1; n <= 5; n++) await setLarge(store, KEY, value(n), 365 * DAY);
      assert.deepEqual(await getLarge(store, KEY), value(5));
      const keys = await store.cacheKeysUnder(KEY);
      assert.equal(keys.length, 4, `the pointer and 3 pieces: ${JSON.stringify(keys)}`);
      // Another value beside it is left alone.
      await setLarge(store, [...KEY.slice(0, 1), "other"], value(9), DAY);
      assert.equal((await store.cacheKeysUnder(KEY)).length, 4);
      await deleteLarge(store, KEY);
      assert.equal(await getLarge(store, KEY), undefined);
      assert.deepEqual(await store.cacheKeysUnder(KEY), []);
      assert.deepEqual(await getLarge(store, [...KEY.slice(0, 1), "other"]), value(9));
    } finally {
      store.close();
    }
  });
});

Deno.test("setLarge() also clears the pieces an older version left behind", async () => {
  await withTempDir(async (dir) => {
    const store = await openStore(join(dir, "s.kv"));
    try {
      // As 0.1.0 left them: pieces of earlier generations, never deleted.
      await store.setCache([...KEY, "old-generation", "0"], "stale", { expireInMs: DAY });
      await store.setCache([...KEY, "old-generation", "1"], "stale", { expireInMs: DAY });
      await setLarge(store, KEY, { n: 1 }, DAY);
      assert.deepEqual((await store.cacheKeysUnder(KEY)).map((k) => k.length).sort(), [1, 2]);
      assert.deepEqual(await getLarge(store, KEY), { n: 1 });
    } finally {
      store.close();
    }
  });
});
