/**
 * Many writes in few commits, within Deno KV's limits: 1000 mutations, 800 KiB of keys and
 * values, 80 KiB of keys per atomic commit, 64 KiB per value, 2 KiB per key
 * (denokv_proto limits.rs). Batches stay well under each so a commit never fails for size.
 */
import { serialize } from "node:v8";
import { retryLocked } from "./locked.ts";

/** Deno KV's limit for one value, in bytes of its V8 serialization. */
export const MAX_VALUE_BYTES = 65_536;
const BATCH_MUTATIONS = 500;
const BATCH_BYTES = 512 * 1024;
const BATCH_KEY_BYTES = 64 * 1024;

export type Mutation =
  | { type: "set"; key: Deno.KvKey; value: unknown; expireIn?: number }
  | { type: "delete"; key: Deno.KvKey };

const encoder = new TextEncoder();

/** Bytes a value takes in KV: KV stores the V8 serialization, which node:v8 reproduces exactly. */
export function valueBytes(value: unknown): number {
  return serialize(value).byteLength;
}

/** An upper estimate of a key's encoded size (tag and terminator bytes per part). */
export function keyBytes(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    n += 2 + (typeof part === "string" ? encoder.encode(part).byteLength : 9);
  }
  return n;
}

/**
 * Commits `mutations` in as many atomic batches as the limits need. Batches are independent:
 * a failure leaves the earlier ones written, which is fine for memories and caches.
 */
export async function commitBatched(
  kv: Deno.Kv,
  path: string,
  mutations: Mutation[],
): Promise<void> {
  let batch: Mutation[] = [];
  let bytes = 0;
  let keys = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    bytes = 0;
    keys = 0;
    await retryLocked(async () => {
      const op = kv.atomic();
      for (const m of current) {
        if (m.type === "set") {
          op.set(m.key, m.value, m.expireIn !== undefined ? { expireIn: m.expireIn } : undefined);
        } else op.delete(m.key);
      }
      const res = await op.commit();
      // Without checks a commit can only fail by throwing; stay defensive anyway.
      if (!res.ok) throw new Error("Deno KV refused a batched commit without checks");
    }, { path });
  };
  for (const m of mutations) {
    const k = keyBytes(m.key);
    const v = m.type === "set" ? valueBytes(m.value) : 0;
    if (
      batch.length >= BATCH_MUTATIONS || bytes + k + v > BATCH_BYTES ||
      keys + k > BATCH_KEY_BYTES
    ) await flush();
    batch.push(m);
    bytes += k + v;
    keys += k;
  }
  await flush();
}

/** Every entry under `prefix`, read in one go (so a locked read can simply be retried). */
export function listAll<T>(kv: Deno.Kv, path: string, prefix: Deno.KvKey) {
  return retryLocked(async () => {
    const out: Deno.KvEntry<T>[] = [];
    for await (const e of kv.list<T>({ prefix })) out.push(e);
    return out;
  }, { path });
}
