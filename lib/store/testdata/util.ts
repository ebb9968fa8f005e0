/** Shared helpers for the store tests: temp stores and token fixtures. */
import type { LeaseValue } from "../lease.ts";
import { SYNC_LOCK_KEY } from "../sync_lock.ts";
import type { StoredTokens } from "../types.ts";

/** Runs `fn` with a fresh temp folder, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "complexionist-store-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Tokens that expired a minute ago (so every caller wants a refresh). */
export function expiredTokens(n = 0): StoredTokens {
  const now = Date.now();
  return {
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    createdAt: now - 7 * 86_400_000,
    expiresAt: now - 60_000,
    scope: "public",
    username: "someone",
    vip: false,
  };
}

/** Tokens as Trakt would return them from refresh number `n`, valid for a week. */
export function freshTokens(n: number): StoredTokens {
  const now = Date.now();
  return {
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    createdAt: now,
    expiresAt: now + 7 * 86_400_000,
    scope: "public",
  };
}

export function isExpired(t: StoredTokens): boolean {
  return t.expiresAt <= Date.now();
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Writes the sync lock as another process would hold it (a killed one, or one that took over a
 * stalled holder's expired lease), straight into the store at `path`.
 */
export async function writeSyncLock(path: string, lock: LeaseValue): Promise<void> {
  const kv = await Deno.openKv(path);
  try {
    await kv.set(SYNC_LOCK_KEY, lock);
  } finally {
    kv.close();
  }
}
