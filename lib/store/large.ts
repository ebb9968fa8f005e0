/**
 * Values larger than Deno KV's 64 KiB per entry, as JSON split over several cache entries.
 * Chunks are written under a fresh generation id and the pointer to them last, and the old
 * generation's chunks are deleted after it: a reader sees the old value, the new one or
 * nothing (when it read the old pointer just before its chunks went), never a mix. Every
 * value kept so is one a reader can do without: a cache, or a record for display.
 */
import type { Store } from "./store.ts";

/** Characters per chunk: V8 may store a string two bytes per character, so 30k ≤ 60 KiB. */
const CHUNK_CHARS = 30_000;

interface Pointer {
  generation: string;
  chunks: number;
}

export async function setLarge(
  store: Store,
  key: string[],
  value: unknown,
  expireInMs: number,
): Promise<void> {
  const json = JSON.stringify(value);
  const generation = crypto.randomUUID();
  let chunks = 0;
  for (let i = 0; i < json.length || i === 0; i += CHUNK_CHARS) {
    await store.setCache([...key, generation, String(chunks++)], json.slice(i, i + CHUNK_CHARS), {
      expireInMs,
    });
  }
  const pointer: Pointer = { generation, chunks };
  await store.setCache([...key, "pointer"], pointer, { expireInMs });
  // The pieces of the values it replaced go now, not when they expire (a year, for some): an
  // hourly run rewrites its values every time, and the store grew by them (older versions'
  // leftovers included).
  // Best effort: what is left is swept next time, or expires.
  await store.deleteCacheUnder(key, (rest) => rest[0] === generation || rest[0] === "pointer")
    .catch(() => {});
}

export async function getLarge<T>(store: Store, key: string[]): Promise<T | undefined> {
  const pointer = await store.getCache<Pointer>([...key, "pointer"]);
  if (!pointer || typeof pointer.generation !== "string" || !(pointer.chunks > 0)) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < pointer.chunks; i++) {
    const part = await store.getCache<string>([...key, pointer.generation, String(i)]);
    if (typeof part !== "string") return undefined;
    parts.push(part);
  }
  try {
    return JSON.parse(parts.join("")) as T;
  } catch {
    return undefined;
  }
}

export async function deleteLarge(store: Store, key: string[]): Promise<void> {
  // The pointer first: a reader then finds nothing, whatever happens to the pieces.
  await store.deleteCache([...key, "pointer"]);
  await store.deleteCacheUnder(key, () => false);
}
