/**
 * The cross-process refresh lease (design §5). Trakt refresh tokens are single-use, so a run
 * must own the lease key BEFORE it calls /oauth/token: a check after the call is too late.
 * The lease is a KV entry `{owner, attempt, expiresAt}` written with a compare-and-set that only
 * succeeds when the key is absent or expired; a crashed holder is taken over once it expires.
 */
import { AuthError, InterruptedError } from "../errors.ts";
import { addSecret } from "../http/redact.ts";
import { sleep } from "../http/sleep.ts";
import { jitter, retryLocked, StoreWriteError } from "./locked.ts";
import type { StoredTokens } from "./types.ts";

export const LEASE_KEY: Deno.KvKey = ["lease", "refresh"];
export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_WAIT_MS = 60_000;
/** Saving a freshly refreshed pair gets a longer lock budget: the old refresh token is spent. */
const SAVE_AFTER_REFRESH_BUDGET_MS = 30_000;

export interface LeaseValue {
  owner: string;
  /** Epoch ms when the holder first took it (renewals keep it). */
  since?: number;
  /** Random per acquisition, so a retried commit can recognise its own write. */
  attempt: string;
  /** Epoch ms. */
  expiresAt: number;
  /** The holder's lease length, so that others can tell a live lease from a stale one. */
  leaseMs?: number;
}

export interface HeldLease {
  versionstamp: string;
  value: LeaseValue;
}

export interface RefreshWithLeaseOptions {
  /** Who asks (for example pid and a random id); stored in the lease for diagnosis. */
  owner: string;
  /** How long the lease is valid without renewal; default 30 s. */
  leaseMs?: number;
  /** How long to wait for another process's lease before giving up; default 60 s. */
  waitMs?: number;
  /** Decides, on the tokens as stored right now, whether a refresh is still needed. */
  needsRefresh: (current: StoredTokens) => boolean;
  /** Spends `current.refreshToken`; its result is saved before the lease is released. */
  refresh: (current: StoredTokens) => Promise<StoredTokens>;
  /**
   * The run's interruption: ends the wait for another process's lease, and keeps a run told to
   * stop from starting a renewal. A renewal once started runs to its end (see `refresh`).
   */
  signal?: AbortSignal;
}

/** How the lease loop reads and writes the tokens (the Store's own methods). */
export interface TokenAccess {
  get(): Promise<StoredTokens | undefined>;
  save(t: StoredTokens, budgetMs?: number): Promise<void>;
}

function isLeaseValue(v: unknown): v is LeaseValue {
  return typeof v === "object" && v !== null &&
    typeof (v as { expiresAt?: unknown }).expiresAt === "number";
}

/**
 * Held by a live process: not yet expired and, when `aheadSlackMs` is given, not expiring further
 * ahead than a renewal could have set, give or take that much of a clock step back under a live
 * holder. With it, a lease written while the clock was ahead and left by a killed process blocks
 * others for at most the slack, not for as long as the clock was ahead. Only the sync lock uses
 * it: a mistaken takeover there stops the older sync at its next renewal, while one of the
 * refresh lease would spend a single-use refresh token twice and lose the login.
 */
export function leaseIsLive(
  v: unknown,
  now: number,
  leaseMs: number,
  aheadSlackMs?: number,
): v is LeaseValue {
  if (!isLeaseValue(v) || !(v.expiresAt > now)) return false;
  if (aheadSlackMs === undefined) return true;
  const length = typeof v.leaseMs === "number" && v.leaseMs > 0 ? v.leaseMs : leaseMs;
  return v.expiresAt - now <= length + aheadSlackMs;
}

/** Takes the lease if it is absent, expired or unreadable; undefined when someone else has it. */
export async function tryAcquireLease(
  kv: Deno.Kv,
  path: string,
  owner: string,
  leaseMs: number,
  key: Deno.KvKey = LEASE_KEY,
  aheadSlackMs?: number,
): Promise<HeldLease | undefined> {
  const current = await retryLocked(() => kv.get(key), { path });
  if (leaseIsLive(current.value, Date.now(), leaseMs, aheadSlackMs)) return undefined;
  const value: LeaseValue = {
    owner,
    since: Date.now(),
    attempt: crypto.randomUUID(),
    expiresAt: Date.now() + leaseMs,
    leaseMs,
  };
  // Checking the versionstamp we read makes "absent or expired" and the write one atomic step.
  const res = await retryLocked(
    () =>
      kv.atomic().check({ key, versionstamp: current.versionstamp })
        .set(key, value).commit(),
    { path },
  );
  if (res.ok) return { versionstamp: res.versionstamp, value };
  // A commit that reported "locked" and was retried could still have landed the first time.
  const after = await retryLocked(() => kv.get<LeaseValue>(key), { path });
  if (after.versionstamp !== null && isLeaseValue(after.value)) {
    if (after.value.attempt === value.attempt) return { versionstamp: after.versionstamp, value };
  }
  return undefined;
}

/** Deletes the lease only if it is still the entry we wrote (not taken over since). */
export async function releaseLease(
  kv: Deno.Kv,
  path: string,
  lease: HeldLease,
  key: Deno.KvKey = LEASE_KEY,
): Promise<void> {
  await retryLocked(
    () =>
      kv.atomic().check({ key, versionstamp: lease.versionstamp })
        .delete(key).commit(),
    { path },
  );
}

/**
 * Holds a lease while the refresh runs: renews it every third of its life, so a slow
 * /oauth/token answer cannot let the lease expire and a second process spend the same refresh
 * token. A crashed process stops renewing, so its lease still expires.
 */
export class LeaseKeeper {
  #kv: Deno.Kv;
  #path: string;
  #lease: HeldLease;
  #leaseMs: number;
  #key: Deno.KvKey;
  #timer: ReturnType<typeof setInterval>;
  #pending: Promise<void> = Promise.resolve();
  #onLost: (() => void) | undefined;

  constructor(
    kv: Deno.Kv,
    path: string,
    lease: HeldLease,
    leaseMs: number,
    key: Deno.KvKey = LEASE_KEY,
    /** Called once when another process has taken the lease (ours expired unrenewed). */
    onLost?: () => void,
  ) {
    this.#kv = kv;
    this.#path = path;
    this.#lease = lease;
    this.#leaseMs = leaseMs;
    this.#key = key;
    this.#onLost = onLost;
    this.#timer = setInterval(() => {
      this.#pending = this.#pending.then(() => this.#renew());
    }, Math.max(10, Math.floor(leaseMs / 3)));
  }

  async #renew(): Promise<void> {
    const value = { ...this.#lease.value, expiresAt: Date.now() + this.#leaseMs };
    try {
      const res = await retryLocked(
        () =>
          this.#kv.atomic().check({ key: this.#key, versionstamp: this.#lease.versionstamp })
            .set(this.#key, value).commit(),
        { path: this.#path },
      );
      if (res.ok) {
        this.#lease = { versionstamp: res.versionstamp, value };
        return;
      }
      // A commit retried after "locked" may have landed the first time: only another
      // acquisition's entry means the lease is gone.
      const now = await retryLocked(() => this.#kv.get<LeaseValue>(this.#key), {
        path: this.#path,
      });
      if (now.value?.attempt === value.attempt && now.versionstamp) {
        this.#lease = { versionstamp: now.versionstamp, value };
      } else if (this.#onLost) {
        const lost = this.#onLost;
        this.#onLost = undefined;
        lost();
      }
    } catch {
      // A failed renewal only shortens the lease; the refresh itself must not fail for it.
    }
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pending; // a renewal in flight changes the versionstamp the delete checks
    try {
      await releaseLease(this.#kv, this.#path, this.#lease, this.#key);
    } catch {
      // Not fatal: the lease expires by itself, and the refresh result must not be lost.
    }
  }
}

async function requireTokens(tokens: TokenAccess): Promise<StoredTokens> {
  const t = await tokens.get();
  if (!t) throw new AuthError("Trakt is not connected. Run `complexionist trakt auth`");
  // Maybe a pair another process stored: this one has not seen it before.
  addSecret(t.accessToken);
  addSecret(t.refreshToken);
  return t;
}

/**
 * The guarded refresh: returns the stored tokens when they no longer need refreshing, else
 * refreshes once under the lease, saves the new pair and releases. While another process holds
 * the lease it polls (jittered) and re-reads the tokens, since that process may store a fresh
 * pair for us.
 */
export async function refreshUnderLease(
  kv: Deno.Kv,
  path: string,
  tokens: TokenAccess,
  opts: RefreshWithLeaseOptions,
): Promise<StoredTokens> {
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_WAIT_MS);
  for (;;) {
    const current = await requireTokens(tokens);
    if (!opts.needsRefresh(current)) return current;
    if (opts.signal?.aborted) throw new InterruptedError();
    const lease = await tryAcquireLease(kv, path, opts.owner, leaseMs);
    if (lease) {
      const keeper = new LeaseKeeper(kv, path, lease, leaseMs);
      try {
        // Re-read under the lease: the previous holder may have stored a new pair just now, and
        // only its refresh token is still valid.
        const fresh = await requireTokens(tokens);
        if (!opts.needsRefresh(fresh)) return fresh;
        const next = await opts.refresh(fresh);
        addSecret(next.accessToken);
        addSecret(next.refreshToken);
        try {
          await tokens.save(next, SAVE_AFTER_REFRESH_BUDGET_MS);
        } catch (err) {
          if (!(err instanceof StoreWriteError)) throw err;
          // Trakt has already spent the stored refresh token: the login is gone with the pair.
          const reason = err.cause instanceof Error ? err.cause.message : String(err.cause);
          throw new StoreWriteError(
            `The token store ${path} could not be written (${reason}) just after Trakt renewed ` +
              "the login, so the renewed login is lost. Make room on its disk, or make the file " +
              "and its folder writable again, then run `complexionist trakt auth`",
            { cause: err },
          );
        }
        return next;
      } finally {
        await keeper.release();
      }
    }
    if (Date.now() >= deadline) {
      throw new AuthError(
        "Another complexionist process is refreshing the Trakt token and did not finish; " +
          "run the command again",
      );
    }
    await sleep(jitter(100, 250), opts.signal);
  }
}
