import assert from "node:assert/strict";
import { join } from "node:path";
import { redact } from "../http/redact.ts";
import { openStore, type Store } from "./store.ts";
import { expiredTokens, withTempDir } from "./testdata/util.ts";
import type { LastSync } from "./types.ts";

const DAY = 86_400_000;

async function withStore(fn: (store: Store, path: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const store = await openStore(path);
    try {
      await fn(store, path);
    } finally {
      store.close();
    }
  });
}

function lastSync(serverName: string, outcome: LastSync["outcome"]): LastSync {
  return {
    at: 1_760_000_000_000,
    serverName,
    outcome,
    added: { movies: 3, episodes: 40 },
    existing: { movies: 100, episodes: 2000 },
    notFound: { movies: 1, episodes: 0 },
    skipped: 2,
    ...(outcome === "failed" ? { error: "Trakt answered 503" } : {}),
  };
}

Deno.test("Store tokens: save, read back, delete", () =>
  withStore(async (store) => {
    assert.equal(await store.getTokens(), undefined);
    const t = { ...expiredTokens(1), vip: true };
    await store.saveTokens(t);
    assert.deepEqual(await store.getTokens(), t);
    await store.deleteTokens();
    assert.equal(await store.getTokens(), undefined);
  }));

Deno.test("Store.getTokens() treats a value of the wrong shape as no login", () =>
  withStore(async (store, path) => {
    const raw = await Deno.openKv(path);
    try {
      await raw.set(["trakt", "tokens"], { accessToken: "a", refreshToken: 5 });
    } finally {
      raw.close();
    }
    assert.equal(await store.getTokens(), undefined);
  }));

Deno.test("Store.importLegacyTokensOnce(): one of racing importers wins; a stored login is never replaced", () =>
  withStore(async (store, path) => {
    const others = await Promise.all([openStore(path), openStore(path), openStore(path)]);
    try {
      const logins = [store, ...others].map((_, i) => ({
        ...expiredTokens(1),
        accessToken: `a${i}`,
      }));
      const saved = await Promise.all(
        [store, ...others].map((s, i) => s.importLegacyTokensOnce(logins[i]!)),
      );
      assert.equal(saved.filter(Boolean).length, 1, String(saved));
      assert.deepEqual(await store.getTokens(), logins[saved.indexOf(true)]);
      // A login refreshed in between stands.
      const refreshed = { ...expiredTokens(2), accessToken: "refreshed" };
      await others[0]!.saveTokens(refreshed);
      assert.equal(await store.importLegacyTokensOnce(logins[0]!), false);
      assert.deepEqual(await store.getTokens(), refreshed);
    } finally {
      for (const s of others) s.close();
    }
  }));

Deno.test("Store.importLegacyTokensOnce(): once per store, also after a logout", () =>
  withStore(async (store) => {
    const old = { ...expiredTokens(1), accessToken: "from-the-ini" };
    assert.equal(await store.importLegacyTokensOnce(old), true);
    await store.deleteTokens();
    assert.equal(await store.importLegacyTokensOnce(old), false, "logged out stays logged out");
    assert.equal(await store.getTokens(), undefined);
  }));

Deno.test("Store.importLegacyTokensOnce(): a stored value this version cannot read counts as no login", () =>
  withStore(async (store, path) => {
    // The INI's keys are imported over it.
    const raw = await Deno.openKv(path);
    try {
      await raw.set(["trakt", "tokens"], { accessToken: "a", refreshToken: 5 });
    } finally {
      raw.close();
    }
    const fresh = { ...expiredTokens(3), accessToken: "imported" };
    assert.equal(await store.importLegacyTokensOnce(fresh), true);
    assert.deepEqual(await store.getTokens(), fresh);
  }));

Deno.test("Store.importLegacyTokensOnce(): keys seen beside a stored login are never imported later", () =>
  withStore(async (store) => {
    const login = { ...expiredTokens(1), accessToken: "device-login" };
    await store.saveTokens(login);
    assert.equal(await store.importLegacyTokensOnce({ ...login, accessToken: "ini" }), false);
    await store.deleteTokens();
    assert.equal(await store.importLegacyTokensOnce({ ...login, accessToken: "ini" }), false);
    assert.equal(await store.getTokens(), undefined);
  }));

Deno.test("Store last sync: per server round trip and listing", () =>
  withStore(async (store) => {
    assert.equal(await store.getLastSync("abc"), undefined);
    const a = lastSync("Main Server", "success");
    const b = lastSync("4K Server", "failed");
    await store.saveLastSync("machine-b", b);
    await store.saveLastSync("machine-a", a);
    assert.deepEqual(await store.getLastSync("machine-a"), a);
    assert.deepEqual(await store.listLastSyncs(), [
      { serverId: "machine-a", sync: a },
      { serverId: "machine-b", sync: b },
    ]);
    const again = lastSync("Main Server", "dry-run");
    await store.saveLastSync("machine-a", again);
    assert.deepEqual(await store.getLastSync("machine-a"), again);
  }));

Deno.test("Store items per library: per server round trip; an unreadable value is no record", () =>
  withStore(async (store) => {
    assert.equal(await store.getLibraryItems("main server"), undefined);
    const v = { at: 1_760_000_000_000, complete: true, items: { "1": 120, "2": 0, "3": null } };
    await store.saveLibraryItems("main server", v);
    assert.deepEqual(await store.getLibraryItems("main server"), v);
    assert.equal(await store.getLibraryItems("4k server"), undefined);
    const odd = { ...v, items: { "1": "120" } } as unknown as typeof v;
    await store.saveLibraryItems("main server", odd);
    assert.equal(await store.getLibraryItems("main server"), undefined);
  }));

Deno.test("Store not-found memory: only fresh entries come back", () =>
  withStore(async (store) => {
    const now = Date.now();
    // Written "eight days ago" (opts.now), so KV still holds it but it is too old to trust.
    await store.rememberNotFound([{ key: "old", at: now - 8 * DAY, item: { title: "Old" } }], {
      now: now - 8 * DAY + 1000,
    });
    await store.rememberNotFound([
      { key: "tmdb:1", at: now - 6 * DAY, item: { title: "Six days", ids: { tmdb: 1 } } },
      { key: "imdb:tt2", at: now, item: { title: "Today", year: 2024 } },
    ]);
    const fresh = await store.getNotFound(now, 7 * DAY);
    assert.deepEqual([...fresh.keys()].sort(), ["imdb:tt2", "tmdb:1"]);
    assert.deepEqual(fresh.get("tmdb:1"), {
      at: now - 6 * DAY,
      item: { title: "Six days", ids: { tmdb: 1 } },
    });
    // A shorter window drops the six-day-old answer too.
    assert.deepEqual([...(await store.getNotFound(now, 5 * DAY)).keys()], ["imdb:tt2"]);
    await store.clearNotFound();
    assert.equal((await store.getNotFound(now, 7 * DAY)).size, 0);
  }));

Deno.test("Store not-found memory: an answer dated in the future (a clock that was ahead) is not trusted", () =>
  withStore(async (store) => {
    const now = Date.now();
    // Written by a run whose clock was 30 days ahead: the week is counted from a date not yet come.
    await store.rememberNotFound(
      [{ key: "tmdb:9", at: now + 30 * DAY, item: { title: "Ahead" } }],
      {
        now: now + 30 * DAY,
      },
    );
    assert.equal((await store.getNotFound(now, 7 * DAY)).size, 0);
    assert.equal((await store.getNotFound(now + 8 * DAY, 7 * DAY)).size, 0);
    // Once its date has come it counts as any other answer.
    assert.deepEqual([...(await store.getNotFound(now + 31 * DAY, 7 * DAY)).keys()], ["tmdb:9"]);
  }));

Deno.test("Store.rememberNotFound() writes more than one commit's worth (count and bytes)", () =>
  withStore(async (store) => {
    const now = Date.now();
    // 1,500 entries of ~2 KB: past both the 1,000-mutation and the 800 KiB commit limits.
    const entries = Array.from({ length: 1500 }, (_, i) => ({
      key: `tmdb:${i}`,
      at: now,
      item: { title: `Movie ${i} `.padEnd(2000, "x"), ids: { tmdb: i } },
    }));
    await store.rememberNotFound(entries);
    const got = await store.getNotFound(now, 7 * DAY);
    assert.equal(got.size, 1500);
    assert.deepEqual(got.get("tmdb:1499")?.item, entries[1499]?.item);
    await store.clearNotFound();
    assert.equal((await store.getNotFound(now, 7 * DAY)).size, 0);
  }));

Deno.test("Store.rememberNotFound() refuses an item over 64 KiB before writing anything", () =>
  withStore(async (store) => {
    const now = Date.now();
    await assert.rejects(
      store.rememberNotFound([
        { key: "small", at: now, item: "ok" },
        { key: "huge", at: now, item: "x".repeat(70_000) },
      ]),
      RangeError,
    );
    assert.equal((await store.getNotFound(now, 7 * DAY)).size, 0);
  }));

Deno.test("Store cache: round trip, expiry, size limit", () =>
  withStore(async (store) => {
    assert.equal(await store.getCache(["collection", "movies"]), undefined);
    const value = { stamp: "2026-08-01T00:00:00Z", ids: [1, 2, 3] };
    await store.setCache(["collection", "movies"], value);
    assert.deepEqual(await store.getCache(["collection", "movies"]), value);
    await store.setCache(["short"], 1, { expireInMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await store.getCache(["short"]), undefined);
    await assert.rejects(store.setCache(["big"], "x".repeat(70_000)), RangeError);
    await store.deleteCache(["collection", "movies"]);
    assert.equal(await store.getCache(["collection", "movies"]), undefined);
  }));

Deno.test("Store never shows tokens when printed, inspected or serialised", () =>
  withStore(async (store, path) => {
    const secret = "s3cr3t-access-token-value";
    await store.saveTokens({ ...expiredTokens(), accessToken: secret, refreshToken: secret });
    await store.getTokens(); // whatever a read might cache must not show either
    for (const text of [String(store), Deno.inspect(store), JSON.stringify(store)]) {
      assert.ok(!text.includes(secret), text);
      assert.ok(text.includes(path), text);
    }
  }));

Deno.test("Store.close() can be called twice", () =>
  withTempDir(async (dir) => {
    const store = await openStore(join(dir, "c.kv"));
    store.close();
    store.close();
  }));

Deno.test("Store.getTokens() registers the tokens it reads as secrets (a logout may see them echoed)", () =>
  withStore(async (store, path) => {
    const t = {
      ...expiredTokens(),
      accessToken: "storedAccNeverSeen5Tg6Yh7",
      refreshToken: "storedRefNeverSeen8Uj9Ik0",
    };
    // Stored by "another process": nothing in this one has registered them.
    const other = await openStore(path);
    try {
      await other.saveTokens(t);
    } finally {
      other.close();
    }
    assert.equal(redact(`revoke ${t.accessToken}`), `revoke ${t.accessToken}`);
    await store.getTokens();
    assert.equal(redact(`revoke ${t.accessToken} / ${t.refreshToken}`), "revoke *** / ***");
  }));
