import assert from "node:assert/strict";
import { join } from "node:path";
import { AuthError, InterruptedError } from "../errors.ts";
import { redact } from "../http/redact.ts";
import { LEASE_KEY, type LeaseValue, refreshUnderLease, tryAcquireLease } from "./lease.ts";
import { StoreWriteError } from "./locked.ts";
import { openStore, Store } from "./store.ts";
import { delay, expiredTokens, freshTokens, isExpired, withTempDir } from "./testdata/util.ts";
import type { StoredTokens } from "./types.ts";

/** Two Store instances (two KV connections) on one file with expired tokens stored. */
async function withTwoStores(fn: (a: Store, b: Store, path: string) => Promise<void>) {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const a = await openStore(path);
    const b = await openStore(path);
    try {
      await a.saveTokens(expiredTokens());
      await fn(a, b, path);
    } finally {
      a.close();
      b.close();
    }
  });
}

/** A fake /oauth/token: counts calls, rotates the pair, refuses a spent refresh token. */
function fakeRefresher(delayMs: number) {
  const state = { calls: 0, valid: "refresh-0" };
  const refresh = async (current: StoredTokens): Promise<StoredTokens> => {
    state.calls++;
    await delay(delayMs);
    if (current.refreshToken !== state.valid) throw new AuthError("invalid_grant");
    const next = freshTokens(state.calls);
    state.valid = next.refreshToken;
    return next;
  };
  return { state, refresh };
}

async function rawLease(path: string): Promise<Deno.KvEntryMaybe<LeaseValue>> {
  const kv = await Deno.openKv(path);
  try {
    return await kv.get<LeaseValue>(LEASE_KEY);
  } finally {
    kv.close();
  }
}

async function putLease(path: string, value: LeaseValue): Promise<void> {
  const kv = await Deno.openKv(path);
  try {
    await kv.set(LEASE_KEY, value);
  } finally {
    kv.close();
  }
}

Deno.test("refreshWithLease(): two stores on one file refresh once and share the new tokens", () =>
  withTwoStores(async (a, b, path) => {
    const { state, refresh } = fakeRefresher(150);
    const [ta, tb] = await Promise.all([
      a.refreshWithLease({ owner: "a", needsRefresh: isExpired, refresh }),
      b.refreshWithLease({ owner: "b", needsRefresh: isExpired, refresh }),
    ]);
    assert.equal(state.calls, 1);
    assert.equal(ta.accessToken, "access-1");
    assert.deepEqual(ta, tb);
    assert.deepEqual(await a.getTokens(), ta);
    assert.equal((await rawLease(path)).versionstamp, null, "lease released");
  }));

Deno.test("refreshWithLease(): concurrent callers in one store share one refresh", () =>
  withTwoStores(async (_a, _b, path) => {
    /** Counts reads: callers that join the in-process run never read or touch the lease. */
    class CountingStore extends Store {
      reads = 0;
      override getTokens(): Promise<StoredTokens | undefined> {
        this.reads++;
        return super.getTokens();
      }
    }
    const store = new CountingStore(await Deno.openKv(path), path);
    try {
      const { state, refresh } = fakeRefresher(50);
      const all = await Promise.all(
        Array.from(
          { length: 5 },
          () => store.refreshWithLease({ owner: "a", needsRefresh: isExpired, refresh }),
        ),
      );
      assert.equal(state.calls, 1);
      for (const t of all) assert.equal(t.accessToken, "access-1");
      assert.equal(store.reads, 2, "one read before the lease and one under it, for all five");
    } finally {
      store.close();
    }
  }));

Deno.test("refreshWithLease(): a caller still unsatisfied by the shared result refreshes again", () =>
  withTwoStores(async (a) => {
    const { state, refresh } = fakeRefresher(50);
    const first = a.refreshWithLease({ owner: "a", needsRefresh: isExpired, refresh });
    // Like a 401 on "access-1": this caller needs a pair other than the one being fetched.
    const second = a.refreshWithLease({
      owner: "a",
      needsRefresh: (t) => isExpired(t) || t.accessToken === "access-1",
      refresh,
    });
    assert.equal((await first).accessToken, "access-1");
    assert.equal((await second).accessToken, "access-2");
    assert.equal(state.calls, 2);
  }));

Deno.test("refreshWithLease(): returns the stored tokens without refreshing when not needed", () =>
  withTwoStores(async (a) => {
    await a.saveTokens(freshTokens(9));
    const { state, refresh } = fakeRefresher(0);
    const t = await a.refreshWithLease({ owner: "a", needsRefresh: isExpired, refresh });
    assert.equal(t.accessToken, "access-9");
    assert.equal(state.calls, 0);
  }));

Deno.test("refreshWithLease(): without stored tokens it asks to run trakt auth", () =>
  withTwoStores(async (a) => {
    await a.deleteTokens();
    const { state, refresh } = fakeRefresher(0);
    await assert.rejects(
      a.refreshWithLease({ owner: "a", needsRefresh: isExpired, refresh }),
      (err: unknown) => err instanceof AuthError && /trakt auth/.test(err.message),
    );
    assert.equal(state.calls, 0);
  }));

Deno.test("refreshWithLease(): an expired lease left by a dead process is taken over", () =>
  withTwoStores(async (a, _b, path) => {
    await putLease(path, { owner: "dead", attempt: "x", expiresAt: Date.now() - 1000 });
    const { state, refresh } = fakeRefresher(0);
    const start = Date.now();
    const t = await a.refreshWithLease({
      owner: "a",
      waitMs: 2000,
      needsRefresh: isExpired,
      refresh,
    });
    assert.equal(t.accessToken, "access-1");
    assert.equal(state.calls, 1);
    assert.ok(Date.now() - start < 1000, "took over at once, without waiting");
    assert.equal((await rawLease(path)).versionstamp, null);
  }));

Deno.test("refreshWithLease(): a live lease is waited out, then taken over when it expires", () =>
  withTwoStores(async (a, _b, path) => {
    await putLease(path, { owner: "slow", attempt: "x", expiresAt: Date.now() + 400 });
    const { state, refresh } = fakeRefresher(0);
    const start = Date.now();
    await a.refreshWithLease({ owner: "a", waitMs: 3000, needsRefresh: isExpired, refresh });
    assert.equal(state.calls, 1);
    assert.ok(Date.now() - start >= 350, "did not wait for the lease");
  }));

Deno.test("refreshWithLease(): tokens stored by the lease holder are used without refreshing", () =>
  withTwoStores(async (a, b, path) => {
    await putLease(path, { owner: "other", attempt: "x", expiresAt: Date.now() + 10_000 });
    const { state, refresh } = fakeRefresher(0);
    const waiting = a.refreshWithLease({ owner: "a", needsRefresh: isExpired, refresh });
    await delay(300);
    await b.saveTokens(freshTokens(5)); // the other process finished, lease not yet released
    assert.equal((await waiting).accessToken, "access-5");
    assert.equal(state.calls, 0);
  }));

Deno.test("refreshWithLease(): gives up with an AuthError when the lease stays held", () =>
  withTwoStores(async (a, _b, path) => {
    await putLease(path, { owner: "stuck", attempt: "x", expiresAt: Date.now() + 60_000 });
    const { state, refresh } = fakeRefresher(0);
    const start = Date.now();
    await assert.rejects(
      a.refreshWithLease({ owner: "a", waitMs: 400, needsRefresh: isExpired, refresh }),
      (err: unknown) => err instanceof AuthError && /run the command again/.test(err.message),
    );
    assert.ok(Date.now() - start >= 400);
    assert.equal(state.calls, 0);
    assert.equal((await rawLease(path)).value?.owner, "stuck", "someone else's lease untouched");
  }));

Deno.test("refreshWithLease(): an interrupted run stops waiting for another's lease and renews nothing", () =>
  withTwoStores(async (a, _b, path) => {
    await putLease(path, { owner: "other", attempt: "x", expiresAt: Date.now() + 60_000 });
    const { state, refresh } = fakeRefresher(0);
    const stop = new AbortController();
    const waiting = a.refreshWithLease({
      owner: "a",
      waitMs: 30_000,
      needsRefresh: isExpired,
      refresh,
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(), 300);
    const start = Date.now();
    await assert.rejects(waiting, InterruptedError);
    assert.ok(Date.now() - start < 5_000, "ended by the signal, not the 30 s wait");
    // Told to stop before it held the lease: it never starts a renewal.
    await putLease(path, { owner: "gone", attempt: "y", expiresAt: Date.now() - 1 });
    await assert.rejects(
      a.refreshWithLease({ owner: "a", needsRefresh: isExpired, refresh, signal: stop.signal }),
      InterruptedError,
    );
    assert.equal(state.calls, 0);
  }));

Deno.test("refreshUnderLease(): a store that cannot keep the renewed login says it is lost", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "full.kv");
    const kv = await Deno.openKv(path);
    try {
      const { refresh } = fakeRefresher(0);
      const full = new StoreWriteError("x", { cause: new TypeError("database or disk is full") });
      const err = await refreshUnderLease(kv, path, {
        get: () => Promise.resolve(expiredTokens()),
        save: () => Promise.reject(full),
      }, { owner: "a", needsRefresh: isExpired, refresh }).catch((e) => e);
      assert.ok(err instanceof StoreWriteError, String(err));
      assert.match(err.message, /could not be written \(database or disk is full\) just after/);
      assert.match(err.message, /renewed login is lost/);
      assert.match(err.message, /complexionist trakt auth/);
      assert.ok(err.message.includes(path), err.message);
      assert.equal((await kv.get(LEASE_KEY)).value, null, "the lease is released");
    } finally {
      kv.close();
    }
  }));

Deno.test("refreshWithLease(): a failing refresh releases the lease and keeps the old tokens", () =>
  withTwoStores(async (a, b, path) => {
    const boom = new AuthError("Trakt refused the refresh (invalid_grant)");
    await assert.rejects(
      a.refreshWithLease({
        owner: "a",
        needsRefresh: isExpired,
        refresh: () => Promise.reject(boom),
      }),
      (err: unknown) => err === boom,
    );
    assert.equal((await rawLease(path)).versionstamp, null, "lease released after the failure");
    assert.equal((await b.getTokens())?.accessToken, "access-0");
    // And the next run can take the lease at once.
    const { state, refresh } = fakeRefresher(0);
    await b.refreshWithLease({ owner: "b", waitMs: 100, needsRefresh: isExpired, refresh });
    assert.equal(state.calls, 1);
  }));

Deno.test("refreshWithLease(): the holder renews its lease while a slow refresh runs", () =>
  withTwoStores(async (a, b) => {
    // The lease lives 150 ms, the refresh takes 700 ms: without renewal b would take over and
    // spend the same refresh token a second time.
    const { state, refresh } = fakeRefresher(700);
    const first = a.refreshWithLease({
      owner: "a",
      leaseMs: 150,
      needsRefresh: isExpired,
      refresh,
    });
    await delay(50);
    const second = b.refreshWithLease({
      owner: "b",
      leaseMs: 150,
      waitMs: 3000,
      needsRefresh: isExpired,
      refresh,
    });
    const [ta, tb] = await Promise.all([first, second]);
    assert.equal(state.calls, 1);
    assert.deepEqual(ta, tb);
  }));

Deno.test("refreshWithLease(): re-reads the tokens once it holds the lease", () =>
  withTwoStores(async (_a, b, path) => {
    const { state, refresh } = fakeRefresher(0);
    /** Reads the expired pair, then lets b finish a whole refresh before answering. */
    class LateReader extends Store {
      #first = true;
      override async getTokens(): Promise<StoredTokens | undefined> {
        const t = await super.getTokens();
        if (this.#first) {
          this.#first = false;
          await b.refreshWithLease({ owner: "b", needsRefresh: isExpired, refresh });
        }
        return t;
      }
    }
    const late = new LateReader(await Deno.openKv(path), path);
    try {
      // The lease is free again when `late` asks, but its first read is stale: only a re-read
      // under the lease avoids spending b's already-used refresh token.
      const t = await late.refreshWithLease({ owner: "late", needsRefresh: isExpired, refresh });
      assert.equal(t.accessToken, "access-1");
      assert.equal(state.calls, 1);
    } finally {
      late.close();
    }
  }));

Deno.test("lease: a refresh lease far ahead still holds (a clock step back must never hand it over)", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const kv = await Deno.openKv(path);
    try {
      const now = Date.now();
      const ahead: LeaseValue = {
        owner: "renewing (pid 7)",
        attempt: "a",
        expiresAt: now + 6 * 3600_000,
        leaseMs: 30_000,
      };
      await kv.set(LEASE_KEY, ahead);
      // Two processes spending one single-use refresh token would lose the login: no takeover.
      assert.equal(await tryAcquireLease(kv, path, "other (pid 8)", 30_000), undefined);
    } finally {
      kv.close();
    }
  });
});

Deno.test("refreshUnderLease(): a pair another process stored is registered as secret when read", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "other.kv");
    const kv = await Deno.openKv(path);
    try {
      const theirs = {
        ...freshTokens(7),
        accessToken: "leaseOtherProcAcc9Zx8Cv7Bn6",
        refreshToken: "leaseOtherProcRef1Qa2Ws3Ed4",
      };
      const got = await refreshUnderLease(kv, path, {
        get: () => Promise.resolve(theirs),
        save: () => Promise.resolve(),
      }, { owner: "a", needsRefresh: isExpired, refresh: () => Promise.reject(new Error("no")) });
      assert.equal(got, theirs);
      assert.equal(redact(`${theirs.accessToken} ${theirs.refreshToken}`), "*** ***");
    } finally {
      kv.close();
    }
  }));
