/** The engine's memory between runs (not-found items, the cached run), kept in the store. */
import { deleteLarge, getLarge, setLarge } from "../store/large.ts";
import type { Store } from "../store/store.ts";
import type { CachedRun, SyncCache, SyncState } from "./run.ts";

/** Trakt answered "not found": don't send it again for a week (design §7). */
export const NOT_FOUND_TTL_MS = 7 * 24 * 3600_000;

export function storeState(store: Store): SyncState {
  return {
    async recentNotFound(now) {
      const entries = await store.getNotFound(now, NOT_FOUND_TTL_MS);
      let until: number | undefined;
      for (const e of entries.values()) {
        const due = e.at + NOT_FOUND_TTL_MS;
        if (until === undefined || due < until) until = due;
      }
      return { keys: new Set(entries.keys()), until };
    },
    async rememberNotFound(keys, now) {
      if (keys.length) await store.rememberNotFound(keys.map((k) => ({ ...k, at: now })));
    },
  };
}

/**
 * What a cached run means: raised when a version changes what it records or what a full
 * comparison finds (2: `until`, and the listing and not-found fixes since 0.1.0), so that the
 * first run after an upgrade compares everything once instead of trusting an older comparison.
 */
export const RUN_CACHE_FORMAT = 2;

/**
 * The cached run of one selection (servers, libraries): another selection is another
 * comparison. `scope` is any JSON-able description of the selection.
 */
export async function runCache(store: Store, scope: unknown): Promise<SyncCache> {
  const bytes = new TextEncoder().encode(JSON.stringify({ format: RUN_CACHE_FORMAT, scope }));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const key = ["sync-run", [...digest].map((b) => b.toString(16).padStart(2, "0")).join("")];
  return {
    load: () => getLarge<CachedRun>(store, key),
    save: (run) => setLarge(store, key, run, 2 * 24 * 3600_000),
    clear: () => deleteLarge(store, key),
  };
}
