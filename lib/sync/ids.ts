/** Id keys: one string per external id, so "matches by any id" is a set lookup. */
import { type ExternalIds, mergeIds } from "../model.ts";

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
 * Whether two id sets name the same title: one id in common at least, and no more ids of a kind
 * both have that differ than ids that agree. A stale TVDB id beside matching IMDb and TMDB ids
 * is still the same show; Doctor Who (2005) and Doctor Who (2023) share an IMDb id and differ in
 * TMDB and TVDB, so they are two shows, and neither's episodes may pass for the other's.
 */
export function sameTitle(a: ExternalIds, b: ExternalIds): boolean {
  const { agree, differ } = agreement(a, b);
  return agree > 0 && differ <= agree;
}

/** Id kinds both have, counted as equal or different. */
function agreement(a: ExternalIds, b: ExternalIds): { agree: number; differ: number } {
  let agree = 0;
  let differ = 0;
  const compare = (x: string | number | undefined, y: string | number | undefined) => {
    if (x === undefined || y === undefined || x === "" || y === "") return;
    if (x === y) agree++;
    else differ++;
  };
  compare(a.imdb, b.imdb);
  compare(a.tmdb, b.tmdb);
  compare(a.tvdb, b.tvdb);
  return { agree, differ };
}

/** Agreeing ids less conflicting ones: which of several matching titles fits best. */
export function fit(a: ExternalIds, b: ExternalIds): number {
  const { agree, differ } = agreement(a, b);
  return agree - differ;
}

/**
 * Of the entries that `ids`' keys point at (`lookup`), the one that names the same title and
 * fits best (`sameTitle`, `fit`), or undefined.
 */
export function bestMatch(
  ids: ExternalIds,
  lookup: (key: string) => number | undefined,
  idsOf: (entry: number) => ExternalIds,
): number | undefined {
  let best: number | undefined;
  let bestFit = -Infinity;
  for (const k of idKeys(ids)) {
    const n = lookup(k);
    if (n === undefined || n === best) continue;
    const other = idsOf(n);
    if (!sameTitle(ids, other)) continue;
    const f = fit(ids, other);
    if (f > bestFit) [best, bestFit] = [n, f];
  }
  return best;
}

/**
 * Groups things that share any id (union-find): two Plex items with one common id are the same
 * title, even when each also has an id the other lacks, unless their ids say otherwise
 * (`sameTitle`).
 */
export class KeyGroups {
  #parent: number[] = [];
  /** Per root: the union of its members' ids (the first member's own object until a union). */
  #ids: ExternalIds[] = [];
  #byKey = new Map<string, number>();

  add(ids: ExternalIds): number {
    const id = this.#parent.length;
    this.#parent.push(id);
    this.#ids.push(ids);
    let others: number[] | undefined;
    for (const k of idKeys(ids)) {
      const other = this.#byKey.get(k);
      if (other === undefined) this.#byKey.set(k, id);
      else (others ??= []).push(this.root(other));
    }
    if (!others) return id;
    // The best-fitting group first: joined to it, the item's ids may rule out a worse one that
    // shares a single id with it.
    if (others.length > 1) others.sort((a, b) => fit(ids, this.#ids[b]!) - fit(ids, this.#ids[a]!));
    for (const other of others) this.#union(id, other);
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
    if (ra === rb || !sameTitle(this.#ids[ra]!, this.#ids[rb]!)) return;
    const [keep, gone] = ra < rb ? [ra, rb] : [rb, ra];
    this.#parent[gone] = keep;
    this.#ids[keep] = mergeIds(this.#ids[keep]!, this.#ids[gone]!);
  }
}
