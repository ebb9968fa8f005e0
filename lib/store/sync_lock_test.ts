import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "./store.ts";
import { delay, withTempDir, writeSyncLock } from "./testdata/util.ts";

Deno.test("sync lock: one holder across two connections; released, it can be taken again", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const a = await openStore(path);
    const b = await openStore(path);
    try {
      const first = await a.acquireSyncLock("first (pid 1)");
      assert.ok(!("busy" in first));
      const second = await b.acquireSyncLock("second (pid 2)");
      assert.ok("busy" in second, "the second sync is refused");
      assert.equal(second.busy.owner, "first (pid 1)");
      assert.ok(second.busy.since > 0 && second.busy.since <= Date.now());
      assert.equal((await b.syncLockHolder())?.owner, "first (pid 1)");
      await first.release();
      assert.equal(await b.syncLockHolder(), undefined);
      const third = await b.acquireSyncLock("second (pid 2)");
      assert.ok(!("busy" in third), "free again after release");
      await third.release();
    } finally {
      a.close();
      b.close();
    }
  });
});

Deno.test("sync lock: renewed while held, so a long sync keeps it past the lease time", async () => {
  await withTempDir(async (dir) => {
    const store = await openStore(join(dir, "c.kv"));
    try {
      const held = await store.acquireSyncLock("long sync", 150);
      assert.ok(!("busy" in held));
      await delay(500);
      const other = await store.acquireSyncLock("other", 150);
      assert.ok("busy" in other, "still held after three lease lifetimes");
      await held.release();
    } finally {
      store.close();
    }
  });
});

Deno.test("sync lock: a crashed holder's lock (expired, never renewed) is taken over", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const store = await openStore(path);
    try {
      // What a killed process leaves behind: a lease nobody renews, already past its time.
      await writeSyncLock(path, {
        owner: "killed (pid 9)",
        since: Date.now() - 60_000,
        attempt: "x",
        expiresAt: Date.now() - 1,
      });
      assert.equal(await store.syncLockHolder(), undefined);
      const held = await store.acquireSyncLock("next run");
      assert.ok(!("busy" in held));
      await held.release();
    } finally {
      store.close();
    }
  });
});

Deno.test("sync lock: a holder whose lock was taken over (it stalled past the lease) is told so", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const store = await openStore(path);
    try {
      let lost = 0;
      const held = await store.acquireSyncLock("stalled sync", 150, () => lost++);
      assert.ok(!("busy" in held));
      // What another process does once the stalled holder's lease has expired.
      await writeSyncLock(path, {
        owner: "next run",
        since: Date.now(),
        attempt: "other",
        expiresAt: Date.now() + 60_000,
      });
      await delay(300);
      assert.equal(lost, 1, "told once");
      await held.release();
      assert.equal((await store.syncLockHolder())?.owner, "next run", "its lock is left alone");
    } finally {
      store.close();
    }
  });
});

Deno.test("sync lock: one left by a killed process while the clock was ahead frees itself; a live one does not", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const now = Date.now();
    // Written six hours "ahead", then never renewed: no live holder can be that far ahead.
    await writeSyncLock(path, {
      owner: "killed (pid 9)",
      since: now + 6 * 3600_000,
      attempt: "a",
      expiresAt: now + 6 * 3600_000 + 30_000,
      leaseMs: 30_000,
    });
    const store = await openStore(path);
    try {
      assert.equal(await store.syncLockHolder(), undefined);
      const taken = await store.acquireSyncLock("next sync");
      assert.ok(!("busy" in taken), "the stale lock is taken over");
      await taken.release();
    } finally {
      store.close();
    }
    // One renewed moments ago still holds, with or without the length written (a lock written
    // by an older version has none), even seen by a clock that stepped back ten minutes since.
    for (const leaseMs of [30_000, undefined]) {
      await writeSyncLock(path, {
        owner: "running (pid 10)",
        since: now,
        attempt: "b",
        expiresAt: Date.now() + 10 * 60_000 + 25_000,
        ...(leaseMs ? { leaseMs } : {}),
      });
      const other = await openStore(path);
      try {
        assert.equal((await other.syncLockHolder())?.owner, "running (pid 10)");
        assert.ok("busy" in await other.acquireSyncLock("next sync"));
      } finally {
        other.close();
      }
    }
  });
});
