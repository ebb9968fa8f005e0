/**
 * Not-found memory (design §7): items Trakt answered as not found are not sent again for 7 days.
 * Entries live under ["notFound", key] with an `expireIn`, but expired entries can still be read
 * for a while (KV deletes them lazily), so readers filter by age as well.
 */
import { commitBatched, listAll, MAX_VALUE_BYTES, type Mutation, valueBytes } from "./batch.ts";
import { isNotFoundEntry, type NotFoundEntry } from "./types.ts";

export const NOT_FOUND_PREFIX: Deno.KvKey = ["notFound"];
/** How long an answer is trusted (design §7), and so how long it is kept. */
export const NOT_FOUND_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export interface NotFoundInput {
  /** Built by the caller from the ids sent, so the same item maps to the same key. */
  key: string;
  /** Epoch ms of Trakt's answer. */
  at: number;
  /** What to list under not_found on later runs (title, year, ids); at most 64 KiB. */
  item: unknown;
}

export interface RememberOptions {
  /** How long to keep each entry after its `at`; default NOT_FOUND_MAX_AGE_MS. */
  keepMs?: number;
  /** Epoch ms; injectable for tests. */
  now?: number;
}

export async function rememberNotFound(
  kv: Deno.Kv,
  path: string,
  entries: NotFoundInput[],
  opts: RememberOptions = {},
): Promise<void> {
  const keepMs = opts.keepMs ?? NOT_FOUND_MAX_AGE_MS;
  const now = opts.now ?? Date.now();
  const mutations: Mutation[] = [];
  for (const e of entries) {
    const value: NotFoundEntry = { at: e.at, item: e.item };
    const size = valueBytes(value);
    if (size > MAX_VALUE_BYTES) {
      // Fail before any commit, naming the entry: an item this large is a caller bug.
      throw new RangeError(
        `Not-found entry ${e.key} is ${size} bytes; Deno KV stores at most ${MAX_VALUE_BYTES}`,
      );
    }
    const expireIn = e.at + keepMs - now;
    if (expireIn <= 0) continue; // already too old to matter
    mutations.push({ type: "set", key: [...NOT_FOUND_PREFIX, e.key], value, expireIn });
  }
  await commitBatched(kv, path, mutations);
}

/**
 * Entries answered less than `maxAgeMs` before `now`, by key. One dated after `now` (a clock
 * that was ahead, a store from another machine) proves nothing about now: it does not count,
 * or it would hold an item back for as long as that clock was ahead, on top of the week.
 */
export async function getNotFound(
  kv: Deno.Kv,
  path: string,
  now: number,
  maxAgeMs: number,
): Promise<Map<string, NotFoundEntry>> {
  const out = new Map<string, NotFoundEntry>();
  for (const e of await listAll<unknown>(kv, path, NOT_FOUND_PREFIX)) {
    const key = e.key[NOT_FOUND_PREFIX.length];
    if (typeof key !== "string" || !isNotFoundEntry(e.value)) continue;
    const age = now - e.value.at;
    if (age >= 0 && age < maxAgeMs) out.set(key, { at: e.value.at, item: e.value.item });
  }
  return out;
}

export async function clearNotFound(kv: Deno.Kv, path: string): Promise<void> {
  const entries = await listAll<unknown>(kv, path, NOT_FOUND_PREFIX);
  await commitBatched(kv, path, entries.map((e) => ({ type: "delete", key: e.key })));
}
