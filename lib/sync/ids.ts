/** Id keys: one string per external id, so "matches by any id" is a set lookup. */
import type { ExternalIds } from "../model.ts";

export function idKeys(ids: ExternalIds): string[] {
  const keys: string[] = [];
  if (ids.imdb) keys.push(`imdb:${ids.imdb}`);
  if (ids.tmdb !== undefined) keys.push(`tmdb:${ids.tmdb}`);
  if (ids.tvdb !== undefined) keys.push(`tvdb:${ids.tvdb}`);
  return keys;
}

/** True when `idKeys(ids)` would name any key (asked per episode: no key strings made). */
export function hasIds(ids: ExternalIds): boolean {
  return Boolean(ids.imdb) || ids.tmdb !== undefined || ids.tvdb !== undefined;
}

/**
 * Groups things that share any key (union-find): two Plex items with one common id are the
 * same title, even when each also has an id the other lacks.
 */
export class KeyGroups {
  #parent: number[] = [];
  #byKey = new Map<string, number>();

  add(keys: string[]): number {
    const id = this.#parent.length;
    this.#parent.push(id);
    for (const k of keys) {
      const other = this.#byKey.get(k);
      if (other === undefined) this.#byKey.set(k, id);
      else this.#union(id, other);
    }
    return id;
  }

  root(i: number): number {
    let r = i;
    while (this.#parent[r] !== r) r = this.#parent[r]!;
    // Path compression keeps big libraries linear in practice.
    let c = i;
    while (this.#parent[c] !== r) {
      const next = this.#parent[c]!;
      this.#parent[c] = r;
      c = next;
    }
    return r;
  }

  #union(a: number, b: number): void {
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra !== rb) this.#parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
