/**
 * The one-sync-at-a-time lock, shared by every process on the same store: the CLI's `trakt
 * sync`, the hourly timer and the dashboard's "Sync now". It is a lease like the refresh lease
 * (lease.ts): renewed while the sync runs, so a crashed or killed holder frees it on its own
 * once SYNC_LOCK_MS has passed without renewal.
 */
import {
  type HeldLease,
  leaseIsLive,
  LeaseKeeper,
  type LeaseValue,
  tryAcquireLease,
} from "./lease.ts";
import { retryLocked } from "./locked.ts";

export const SYNC_LOCK_KEY: Deno.KvKey = ["lease", "sync"];
export const SYNC_LOCK_MS = 30_000;
/**
 * A sync lock expiring more than this beyond its length was left by a process killed while the
 * clock was ahead (lease.ts `leaseIsLive`); it is room for the clock stepping back under a live
 * sync, whose lock must not be taken.
 */
export const SYNC_LOCK_CLOCK_SLACK_MS = 15 * 60_000;

/** Who holds the lock, as shown to a second sync that is refused. */
export interface SyncLockHolder {
  owner: string;
  /** Epoch ms when that sync started. */
  since: number;
  /** Epoch ms when its lock lapses unless renewed: soon after a run that was killed. */
  expiresAt?: number;
}

export interface HeldSyncLock {
  release(): Promise<void>;
}

export async function acquireSyncLock(
  kv: Deno.Kv,
  path: string,
  owner: string,
  leaseMs = SYNC_LOCK_MS,
  /** Another process took the lock (this one stalled past leaseMs): the sync must stop. */
  onLost?: () => void,
): Promise<HeldSyncLock | { busy: SyncLockHolder }> {
  const lease: HeldLease | undefined = await tryAcquireLease(
    kv,
    path,
    owner,
    leaseMs,
    SYNC_LOCK_KEY,
    SYNC_LOCK_CLOCK_SLACK_MS,
  );
  if (!lease) {
    // The holder may have finished in between: then it is simply gone by now.
    const holder = await syncLockHolder(kv, path);
    return { busy: holder ?? { owner: "another complexionist process", since: 0 } };
  }
  const keeper = new LeaseKeeper(kv, path, lease, leaseMs, SYNC_LOCK_KEY, onLost);
  return { release: () => keeper.release() };
}

/** The running sync's holder, or undefined when no live lock exists. */
export async function syncLockHolder(
  kv: Deno.Kv,
  path: string,
): Promise<SyncLockHolder | undefined> {
  const e = await retryLocked(() => kv.get<LeaseValue>(SYNC_LOCK_KEY), { path });
  const v = e.value;
  if (!leaseIsLive(v, Date.now(), SYNC_LOCK_MS, SYNC_LOCK_CLOCK_SLACK_MS)) return undefined;
  return {
    owner: typeof v.owner === "string" ? v.owner : "?",
    since: typeof v.since === "number" ? v.since : 0,
    expiresAt: v.expiresAt,
  };
}
