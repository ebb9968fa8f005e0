import assert from "node:assert/strict";
import { join } from "node:path";
import { setLarge } from "../store/large.ts";
import { openStore } from "../store/store.ts";
import { withTempDir } from "../store/testdata/util.ts";
import type { CachedRun } from "./run.ts";
import { runCache } from "./state.ts";

const RUN = {
  at: 1,
  trakt: { movies: null, episodes: null },
  sections: {},
} as unknown as CachedRun;

Deno.test("runCache(): a comparison an earlier version cached is not trusted after an upgrade", async () => {
  await withTempDir(async (dir) => {
    const store = await openStore(join(dir, "s.kv"));
    try {
      const scope = { servers: ["main server"] };
      // Where 0.1.0 kept it: under the digest of the scope alone.
      const bytes = new TextEncoder().encode(JSON.stringify(scope));
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      const old = ["sync-run", [...digest].map((b) => b.toString(16).padStart(2, "0")).join("")];
      await setLarge(store, old, RUN, 3600_000);
      const cache = await runCache(store, scope);
      assert.equal(await cache.load(), undefined);
      await cache.save(RUN);
      assert.deepEqual(await (await runCache(store, scope)).load(), RUN);
      assert.equal(await (await runCache(store, { servers: ["other"] })).load(), undefined);
    } finally {
      store.close();
    }
  });
});
