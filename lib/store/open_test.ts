import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../errors.ts";
import { openStore } from "./store.ts";
import { expiredTokens, withTempDir } from "./testdata/util.ts";

const POSIX = Deno.build.os !== "windows";

async function modeOf(path: string): Promise<number> {
  const info = await Deno.stat(path);
  assert.ok(info.mode !== null, `no mode for ${path}`);
  return info.mode & 0o777;
}

Deno.test({
  name: "openStore() creates the folder 0700 and the file 0600, and -wal/-shm stay 0600",
  ignore: !POSIX,
  fn: () =>
    withTempDir(async (dir) => {
      const folder = join(dir, "nested", ".complexionist");
      const path = join(folder, "complexionist.kv");
      const store = await openStore(path);
      try {
        assert.equal(await modeOf(folder), 0o700);
        assert.equal(await modeOf(path), 0o600);
        await store.saveTokens(expiredTokens());
        // Checked while the store is open: SQLite removes -wal/-shm on close.
        let seen = 0;
        for (const extra of [`${path}-wal`, `${path}-shm`]) {
          try {
            assert.equal(await modeOf(extra), 0o600, extra);
            seen++;
          } catch (err) {
            if (!(err instanceof Deno.errors.NotFound)) throw err;
          }
        }
        // Deno KV runs SQLite in WAL mode, so both should exist; if that ever changes the
        // assertion above is vacuous, and this says so.
        assert.equal(seen, 2, "expected -wal and -shm files next to the store");
      } finally {
        store.close();
      }
    }),
});

Deno.test({
  name: "openStore() tightens an existing store file left readable by others",
  ignore: !POSIX,
  fn: () =>
    withTempDir(async (dir) => {
      const path = join(dir, "loose.kv");
      await Deno.writeFile(path, new Uint8Array());
      await Deno.chmod(path, 0o644);
      const store = await openStore(path);
      store.close();
      assert.equal(await modeOf(path), 0o600);
    }),
});

Deno.test({
  name: "openStore() leaves an existing folder's mode alone",
  ignore: !POSIX,
  fn: () =>
    withTempDir(async (dir) => {
      const folder = join(dir, "state");
      await Deno.mkdir(folder);
      await Deno.chmod(folder, 0o750);
      const store = await openStore(join(folder, "c.kv"));
      store.close();
      assert.equal(await modeOf(folder), 0o750);
    }),
});

Deno.test("openStore() keeps data across reopen", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "c.kv");
    const a = await openStore(path);
    await a.saveTokens(expiredTokens(7));
    a.close();
    const b = await openStore(path);
    try {
      assert.equal((await b.getTokens())?.accessToken, "access-7");
    } finally {
      b.close();
    }
  }));

Deno.test("openStore() turns an unusable path into a UsageError naming the path and the fix", () =>
  withTempDir(async (dir) => {
    const blocker = join(dir, "not-a-folder");
    await Deno.writeTextFile(blocker, "x");
    const path = join(blocker, "c.kv");
    await assert.rejects(openStore(path), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      assert.match(err.message, /token_store/);
      assert.match(err.message, /\$COMPLEXIONIST_STORE/);
      return true;
    });
  }));

Deno.test("openStore() rejects a file that is not a store with a UsageError", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "garbage.kv");
    await Deno.writeTextFile(path, "this is not an SQLite database, just text. ".repeat(50));
    const err = await openStore(path).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof UsageError, String(err));
    // A damaged file is not a permissions problem: the advice is to move it aside and log in.
    assert.match(err.message, /is damaged or is not a complexionist store/);
    assert.match(err.message, /Move it aside.*trakt auth/);
    assert.doesNotMatch(err.message, /Check that you own/);
  }));
