/**
 * Retry of SQLite's "database is locked". With Deno 2.9.6 a second process writing the same KV
 * file gets `TypeError: database is locked` at once instead of a busy wait (design §5), so every
 * store access goes through `retryLocked`.
 */
import { UsageError } from "../errors.ts";

/** How long a store access keeps retrying a locked database before giving up. */
export const LOCKED_BUDGET_MS = 5_000;

/** Raised when the store stays locked past the budget; the message names the file. */
export class StoreBusyError extends UsageError {}

export interface RetryLockedOptions {
  /** Store file, for the message when giving up. */
  path: string;
  /** Total time to keep trying; default LOCKED_BUDGET_MS. */
  budgetMs?: number;
}

export function isDatabaseLocked(err: unknown): boolean {
  return err instanceof Error && /database is locked/i.test(err.message);
}

/** Raised when the disk under the store fails a write (full, read-only, I/O error). */
export class StoreWriteError extends UsageError {}

/** What SQLite says when the disk, not complexionist, is the problem. */
const STORAGE_FAILURE = /disk is full|disk I\/O error|readonly database|read-only file system/i;

function storageFailure(err: unknown, path: string): StoreWriteError | undefined {
  if (!(err instanceof Error) || !STORAGE_FAILURE.test(err.message)) return undefined;
  return new StoreWriteError(
    `The token store ${path} could not be used (${err.message}). Make room on its disk, or ` +
      "make the file and its folder writable again, then run the command again",
    { cause: err },
  );
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A uniformly random wait in [min, max): jitter keeps two processes from retrying in step. */
export function jitter(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

/**
 * Runs `fn`, retrying only "database is locked" with a jittered backoff of 10 ms growing to
 * 100 ms. A locked write was not applied (SQLite never got the write lock), so retrying it is
 * safe. A disk that is full or failing becomes a StoreWriteError (exit 2, naming the file and
 * the fix) rather than an "internal error"; any other error propagates at once.
 */
export async function retryLocked<T>(fn: () => Promise<T>, opts: RetryLockedOptions): Promise<T> {
  const budget = opts.budgetMs ?? LOCKED_BUDGET_MS;
  const start = Date.now();
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isDatabaseLocked(err)) throw storageFailure(err, opts.path) ?? err;
      const elapsed = Date.now() - start;
      if (elapsed >= budget) {
        throw new StoreBusyError(
          `The token store ${opts.path} stayed locked by another process for ` +
            `${Math.round(elapsed / 1000)} s. Wait for the other complexionist run to finish and ` +
            "run the command again",
          { cause: err },
        );
      }
      const step = Math.min(100, 10 * 2 ** attempt);
      await delay(Math.min(jitter(step / 2, step * 1.5), budget - elapsed));
    }
  }
}
