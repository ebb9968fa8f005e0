/**
 * The token and state store on Deno KV (design §5): Trakt tokens, the refresh lease, the last
 * sync per server, the not-found memory and a small cache. Open it with `openStore`, which
 * sets the file modes first (open.ts). Every access retries "database is locked" (locked.ts).
 *
 * Keys: ["trakt","tokens"], ["lease","refresh"], ["lease","sync"], ["lastSync", serverId], ["notFound", key],
 * ["libraryItems", serverId], ["cache", ...key]. Deno KV limits each value to 64 KiB (V8
 * serialization), each key to 2 KiB.
 *
 * Nothing here logs, and inspecting a Store shows only its path: tokens are secrets.
 */
import { addSecret } from "../http/redact.ts";
import { listAll, MAX_VALUE_BYTES, valueBytes } from "./batch.ts";
import { refreshUnderLease, type RefreshWithLeaseOptions } from "./lease.ts";
import { retryLocked } from "./locked.ts";
import * as notFound from "./not_found.ts";
import {
  acquireSyncLock,
  type HeldSyncLock,
  type SyncLockHolder,
  syncLockHolder,
} from "./sync_lock.ts";
import { openKvFile } from "./open.ts";
import {
  isLastSync,
  isLibraryItems,
  isStoredTokens,
  type LastSync,
  type LibraryItems,
  type NotFoundEntry,
  type StoredTokens,
} from "./types.ts";

export type {
  LastRemoval,
  LastSync,
  LibraryItems,
  MediaCounts,
  NotFoundEntry,
  StoredTokens,
  SyncOutcome,
} from "./types.ts";
export type { RefreshWithLeaseOptions } from "./lease.ts";
export type { NotFoundInput } from "./not_found.ts";
export type { HeldSyncLock, SyncLockHolder } from "./sync_lock.ts";

const TOKENS_KEY: Deno.KvKey = ["trakt", "tokens"];
/** Set once ComPlexionist's old INI tokens were imported, or found a login already stored. */
const LEGACY_SEEN_KEY: Deno.KvKey = ["trakt", "legacy_tokens_seen"];
const LAST_SYNC_PREFIX: Deno.KvKey = ["lastSync"];
const CACHE_PREFIX: Deno.KvKey = ["cache"];
const LIBRARY_ITEMS_PREFIX: Deno.KvKey = ["libraryItems"];

/** Cache values carry their own expiry: see getCache. */
interface CacheEntry {
  value: unknown;
  expiresAt?: number;
}

function isCacheEntry(v: unknown): v is CacheEntry {
  return typeof v === "object" && v !== null && "value" in v &&
    ((v as CacheEntry).expiresAt === undefined || typeof (v as CacheEntry).expiresAt === "number");
}

/**
 * Opens the store at `path`, creating its folder (0700) and file (0600) when missing.
 * Throws a UsageError naming the path and the fix when it cannot.
 */
export async function openStore(path: string): Promise<Store> {
  return new Store(await openKvFile(path), path);
}

export class Store {
  /** The KV file (not a secret; used in messages). */
  readonly path: string;
  #kv: Deno.Kv;
  #closed = false;
  /** The refresh this process is running, shared by concurrent callers (deployctl habit). */
  #inflight: Promise<StoredTokens> | undefined;

  /** Use `openStore(path)`, which prepares the file modes first. */
  constructor(kv: Deno.Kv, path: string) {
    this.#kv = kv;
    this.path = path;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#kv.close();
  }

  #retry<T>(fn: () => Promise<T>, budgetMs?: number): Promise<T> {
    return retryLocked(fn, { path: this.path, ...(budgetMs !== undefined ? { budgetMs } : {}) });
  }

  // --- Trakt tokens -------------------------------------------------------------------------

  /**
   * The stored login, or undefined when none (or one this version cannot read) is stored. Its
   * tokens are registered as secrets on the way out: whoever reads them (a logout, a renewal
   * another process stored) may see them echoed in an answer it prints.
   */
  async getTokens(): Promise<StoredTokens | undefined> {
    const e = await this.#retry(() => this.#kv.get<unknown>(TOKENS_KEY));
    if (!isStoredTokens(e.value)) return undefined;
    addSecret(e.value.accessToken);
    addSecret(e.value.refreshToken);
    return e.value;
  }

  async saveTokens(t: StoredTokens, budgetMs?: number): Promise<void> {
    await this.#retry(() => this.#kv.set(TOKENS_KEY, t), budgetMs);
  }

  /**
   * ComPlexionist's old INI tokens, imported once per store (design §4): stored when no login
   * is, and never again once imported or found beside a stored login, so a `trakt logout` (or
   * a login renewed past them) is not undone by the keys still in the INI. Checked and set
   * atomically: of several processes importing at once, one wins, and none overwrites a login
   * another has saved. True when stored now.
   */
  async importLegacyTokensOnce(t: StoredTokens): Promise<boolean> {
    return await this.#retry(async () => {
      const seen = await this.#kv.get<unknown>(LEGACY_SEEN_KEY);
      if (seen.value !== null) return false;
      const e = await this.#kv.get<unknown>(TOKENS_KEY);
      const importNow = !isStoredTokens(e.value);
      const op = this.#kv.atomic().check(seen).check(e).set(LEGACY_SEEN_KEY, { at: Date.now() });
      if (importNow) op.set(TOKENS_KEY, t);
      const res = await op.commit();
      return res.ok && importNow;
    });
  }

  async deleteTokens(): Promise<void> {
    await this.#retry(() => this.#kv.delete(TOKENS_KEY));
  }

  /**
   * Refreshes the tokens at most once across processes (lease.ts). Concurrent callers in this
   * process share one run; a caller whose `needsRefresh` still holds for the shared result (for
   * example, its token was the one just rejected) starts another run.
   */
  async refreshWithLease(opts: RefreshWithLeaseOptions): Promise<StoredTokens> {
    for (;;) {
      const shared = this.#inflight;
      if (!shared) break;
      const t = await shared;
      if (!opts.needsRefresh(t)) return t;
    }
    const run = refreshUnderLease(this.#kv, this.path, {
      get: () => this.getTokens(),
      save: (t, budgetMs) => this.saveTokens(t, budgetMs),
    }, opts);
    this.#inflight = run;
    const clear = () => {
      if (this.#inflight === run) this.#inflight = undefined;
    };
    // Registered before any waiter's await, so waiters resume with the slot already cleared.
    run.then(clear, clear);
    return await run;
  }

  // --- One sync at a time ------------------------------------------------------------------

  /** Takes the cross-process sync lock, or says who holds it (sync_lock.ts). */
  acquireSyncLock(
    owner: string,
    leaseMs?: number,
    onLost?: () => void,
  ): Promise<HeldSyncLock | { busy: SyncLockHolder }> {
    return acquireSyncLock(this.#kv, this.path, owner, leaseMs, onLost);
  }

  syncLockHolder(): Promise<SyncLockHolder | undefined> {
    return syncLockHolder(this.#kv, this.path);
  }

  // --- Last sync per server -----------------------------------------------------------------

  async saveLastSync(serverId: string, s: LastSync): Promise<void> {
    await this.#retry(() => this.#kv.set([...LAST_SYNC_PREFIX, serverId], s));
  }

  async getLastSync(serverId: string): Promise<LastSync | undefined> {
    const e = await this.#retry(() => this.#kv.get<unknown>([...LAST_SYNC_PREFIX, serverId]));
    return isLastSync(e.value) ? e.value : undefined;
  }

  /** Every server's last sync, ordered by server id (KV key order). */
  async listLastSyncs(): Promise<{ serverId: string; sync: LastSync }[]> {
    return (await this.#byServer(LAST_SYNC_PREFIX, isLastSync))
      .map(({ serverId, value }) => ({ serverId, sync: value }));
  }

  /** The readable entries under `prefix`, each keyed by a server id. */
  async #byServer<T>(
    prefix: Deno.KvKey,
    readable: (v: unknown) => v is T,
  ): Promise<{ serverId: string; value: T }[]> {
    const out: { serverId: string; value: T }[] = [];
    for (const e of await listAll<unknown>(this.#kv, this.path, prefix)) {
      const serverId = e.key[prefix.length];
      if (typeof serverId === "string" && readable(e.value)) out.push({ serverId, value: e.value });
    }
    return out;
  }

  // --- Items per library, per server ---------------------------------------------------------

  async saveLibraryItems(serverId: string, v: LibraryItems): Promise<void> {
    await this.#retry(() => this.#kv.set([...LIBRARY_ITEMS_PREFIX, serverId], v));
  }

  /** Every server's record, by server id. */
  async listLibraryItems(): Promise<{ serverId: string; items: LibraryItems }[]> {
    return (await this.#byServer(LIBRARY_ITEMS_PREFIX, isLibraryItems))
      .map(({ serverId, value }) => ({ serverId, items: value }));
  }

  /** Undefined when no sync recorded that server's libraries (or an unreadable value). */
  async getLibraryItems(serverId: string): Promise<LibraryItems | undefined> {
    const e = await this.#retry(() => this.#kv.get<unknown>([...LIBRARY_ITEMS_PREFIX, serverId]));
    return isLibraryItems(e.value) ? e.value : undefined;
  }

  // --- Not-found memory (design §7) -----------------------------------------------------------

  /** Remembers Trakt's not-found answers, in batched commits; entries expire after 7 days. */
  rememberNotFound(entries: notFound.NotFoundInput[], opts?: notFound.RememberOptions) {
    return notFound.rememberNotFound(this.#kv, this.path, entries, opts);
  }

  /** Entries answered less than `maxAgeMs` before `now` (older ones are left out). */
  getNotFound(now: number, maxAgeMs: number): Promise<Map<string, NotFoundEntry>> {
    return notFound.getNotFound(this.#kv, this.path, now, maxAgeMs);
  }

  clearNotFound(): Promise<void> {
    return notFound.clearNotFound(this.#kv, this.path);
  }

  // --- Small cache ----------------------------------------------------------------------------

  /**
   * A cached value, or undefined. The value is NOT checked against T: callers validate it
   * (for example with zod) since an older version may have written another shape.
   */
  async getCache<T>(key: string[]): Promise<T | undefined> {
    const e = await this.#retry(() => this.#kv.get<unknown>([...CACHE_PREFIX, ...key]));
    if (!isCacheEntry(e.value)) return undefined;
    // KV deletes expired entries lazily and may still return them, so check the time here.
    if (e.value.expiresAt !== undefined && e.value.expiresAt <= Date.now()) return undefined;
    return e.value.value as T;
  }

  /**
   * Caches `value` (structured-clonable) under `key`. Deno KV stores at most 64 KiB per value
   * (its V8 serialization, wrapper included), so a larger value throws a RangeError: split it
   * over several keys.
   */
  async setCache(key: string[], value: unknown, opts?: { expireInMs?: number }): Promise<void> {
    const entry: CacheEntry = opts?.expireInMs !== undefined
      ? { value, expiresAt: Date.now() + opts.expireInMs }
      : { value };
    const size = valueBytes(entry);
    if (size > MAX_VALUE_BYTES) {
      throw new RangeError(
        `Cache value ${key.join("/")} is ${size} bytes; Deno KV stores at most ${MAX_VALUE_BYTES}`,
      );
    }
    const options = opts?.expireInMs !== undefined ? { expireIn: opts.expireInMs } : undefined;
    await this.#retry(() => this.#kv.set([...CACHE_PREFIX, ...key], entry, options));
  }

  async deleteCache(key: string[]): Promise<void> {
    await this.#retry(() => this.#kv.delete([...CACHE_PREFIX, ...key]));
  }

  /**
   * Deletes what is cached under `key` except what `keep` (given the rest of each key) keeps.
   * Listed in small batches and deleted as it goes: leftovers may be many, and large.
   */
  async deleteCacheUnder(key: string[], keep: (rest: Deno.KvKey) => boolean): Promise<void> {
    const prefix = [...CACHE_PREFIX, ...key];
    await this.#retry(async () => {
      for await (const e of this.#kv.list({ prefix }, { batchSize: 20 })) {
        if (!keep(e.key.slice(prefix.length))) await this.#kv.delete(e.key);
      }
    });
  }

  /** The keys cached under `key`, each without `key` itself (for tests: values are read too). */
  async cacheKeysUnder(key: string[]): Promise<Deno.KvKey[]> {
    const prefix = [...CACHE_PREFIX, ...key];
    return (await listAll<unknown>(this.#kv, this.path, prefix)).map((e) =>
      e.key.slice(prefix.length)
    );
  }

  // --- No secrets in output -------------------------------------------------------------------

  toString(): string {
    return `Store(${this.path})`;
  }

  toJSON(): { path: string } {
    return { path: this.path };
  }

  [Symbol.for("Deno.customInspect")](): string {
    return `Store { path: ${JSON.stringify(this.path)} }`;
  }
}
