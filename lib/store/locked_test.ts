import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { exitCodeFor } from "../cli/exit.ts";
import { isDatabaseLocked, retryLocked, StoreBusyError, StoreWriteError } from "./locked.ts";
import { openStore } from "./store.ts";
import { withTempDir } from "./testdata/util.ts";

const locked = () => new TypeError("database is locked");

Deno.test("retryLocked() retries 'database is locked' until the call succeeds", async () => {
  let calls = 0;
  const got = await retryLocked(() => {
    calls++;
    return calls < 4 ? Promise.reject(locked()) : Promise.resolve("done");
  }, { path: "x.kv" });
  assert.equal(got, "done");
  assert.equal(calls, 4);
});

Deno.test("retryLocked() passes any other error through at once", async () => {
  let calls = 0;
  await assert.rejects(
    retryLocked(() => {
      calls++;
      return Promise.reject(new TypeError("Value too large (max 65536 bytes)"));
    }, { path: "x.kv" }),
    /Value too large/,
  );
  assert.equal(calls, 1);
});

Deno.test("retryLocked() turns a full or failing disk into a StoreWriteError (exit 2) at once", async () => {
  for (
    const message of [
      "database or disk is full",
      "disk I/O error",
      "attempt to write a readonly database",
    ]
  ) {
    let calls = 0;
    const err = await retryLocked(() => {
      calls++;
      return Promise.reject(new TypeError(message));
    }, { path: "/state/x.kv" }).catch((e) => e);
    assert.ok(err instanceof StoreWriteError, String(err));
    assert.equal(calls, 1, "not retried");
    assert.equal(exitCodeFor(err), 2);
    assert.match(err.message, /^The token store \/state\/x\.kv could not be used \(/);
    assert.ok(err.message.includes(message), err.message);
    assert.match(err.message, /Make room on its disk/);
  }
});

Deno.test("retryLocked() gives up after its budget with a StoreBusyError naming the file", async () => {
  const start = Date.now();
  let calls = 0;
  await assert.rejects(
    retryLocked(() => {
      calls++;
      return Promise.reject(locked());
    }, { path: "/state/c.kv", budgetMs: 150 }),
    (err: unknown) => {
      assert.ok(err instanceof StoreBusyError && err instanceof UsageError);
      assert.match(err.message, /\/state\/c\.kv/);
      assert.ok(isDatabaseLocked(err.cause));
      return true;
    },
  );
  assert.ok(calls > 2, `only ${calls} attempts`);
  assert.ok(Date.now() - start < 1000);
});

Deno.test("Store writes from two connections racing on one file never surface a lock error", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const a = await openStore(path);
    const b = await openStore(path);
    try {
      const sync = (n: number) => ({
        at: n,
        serverName: "s",
        outcome: "success" as const,
        added: { movies: n, episodes: 0 },
        existing: { movies: 0, episodes: 0 },
        notFound: { movies: 0, episodes: 0 },
        skipped: 0,
      });
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).saveLastSync(`s${i % 7}`, sync(i))),
      );
      assert.equal((await a.listLastSyncs()).length, 7);
    } finally {
      a.close();
      b.close();
    }
  }));
