/**
 * One "complexionist run" for the two-process lease test: opens the store, waits until the
 * agreed start time (so both processes contend for the lease at once), then refreshes through
 * refreshWithLease, spending the refresh token at the test's fake /oauth/token server.
 *
 * Usage: refresh_worker.ts STORE_PATH TOKEN_URL START_AT_EPOCH_MS
 * Prints one JSON line: {"accessToken": "...", "refreshed": true|false}.
 */
import { openStore } from "../store.ts";
import type { StoredTokens } from "../types.ts";

const [storePath, url, startAt] = Deno.args;
if (!storePath || !url || !startAt) {
  console.error("usage: refresh_worker.ts STORE_PATH TOKEN_URL START_AT_EPOCH_MS");
  Deno.exit(2);
}

const store = await openStore(storePath);
try {
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  let refreshed = false;
  const tokens = await store.refreshWithLease({
    owner: `worker-${Deno.pid}`,
    needsRefresh: (t) => t.expiresAt <= Date.now(),
    refresh: async (current) => {
      refreshed = true;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: current.refreshToken }),
      });
      if (!res.ok) throw new Error(`refresh refused: HTTP ${res.status} ${await res.text()}`);
      return await res.json() as StoredTokens;
    },
  });
  console.log(JSON.stringify({ accessToken: tokens.accessToken, refreshed }));
} finally {
  store.close();
}
