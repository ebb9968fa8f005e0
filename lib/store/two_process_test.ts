/**
 * The lease across REAL processes (design §5): in-process tests cannot show SQLite's
 * "database is locked" between two writers, which Deno 2.9.6 throws at once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "./store.ts";
import { expiredTokens, freshTokens, withTempDir } from "./testdata/util.ts";

const WORKER = new URL("./testdata/refresh_worker.ts", import.meta.url).pathname;
const ROUNDS = 3;

/** A fake /oauth/token: 300 ms per call, single-use refresh tokens like Trakt's. */
function startTokenServer() {
  const state = { calls: 0, valid: "refresh-0" };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.json() as { refresh_token?: string };
    state.calls++;
    const n = state.calls;
    await new Promise((r) => setTimeout(r, 300));
    if (body.refresh_token !== state.valid) {
      return Response.json({ error: "invalid_grant" }, { status: 400 });
    }
    const next = { ...freshTokens(n), accessToken: `access-${crypto.randomUUID()}` };
    state.valid = next.refreshToken;
    return Response.json(next);
  });
  return { state, server, url: `http://127.0.0.1:${server.addr.port}/oauth/token` };
}

async function runWorker(storePath: string, url: string, startAt: number) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", WORKER, storePath, url, String(startAt)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr);
  return { code: out.code, stdout, stderr };
}

Deno.test("refreshWithLease() across two real processes spends the refresh token once", async () => {
  const { state, server, url } = startTokenServer();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      await withTempDir(async (dir) => {
        const storePath = join(dir, "complexionist.kv");
        const store = await openStore(storePath);
        await store.saveTokens(expiredTokens(0));
        store.close();
        state.calls = 0;
        state.valid = "refresh-0";
        // Both processes start refreshing at the same instant, once both have started up.
        const startAt = Date.now() + 1500;
        const results = await Promise.all([
          runWorker(storePath, url, startAt),
          runWorker(storePath, url, startAt),
        ]);
        for (const r of results) {
          assert.equal(r.code, 0, `round ${round}: worker failed:\n${r.stderr}`);
        }
        const parsed = results.map((r) =>
          JSON.parse(r.stdout) as { accessToken: string; refreshed: boolean }
        );
        assert.equal(state.calls, 1, `round ${round}: ${state.calls} refresh calls`);
        assert.equal(parsed.filter((p) => p.refreshed).length, 1, `round ${round}`);
        assert.equal(parsed[0]?.accessToken, parsed[1]?.accessToken, `round ${round}`);
        const reopened = await openStore(storePath);
        try {
          assert.equal((await reopened.getTokens())?.accessToken, parsed[0]?.accessToken);
        } finally {
          reopened.close();
        }
      });
    }
  } finally {
    await server.shutdown();
  }
});
