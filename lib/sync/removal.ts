/**
 * `--remove-missing` (pure): what the Trakt collection holds that no Plex server has any more,
 * and the guards that stop a removal caused by an unmounted disk or a half-read server.
 */
import type { PlexItem } from "../model.ts";
import type { CollectionPayload } from "../trakt/client.ts";
import { idKeys } from "./ids.ts";
import { episodeCode, type TraktIndex, type TraktTitle } from "./trakt_index.ts";

export interface RemovalEpisode {
  show: TraktTitle;
  season: number;
  number: number;
}

export interface RemovalPlan {
  movies: TraktTitle[];
  episodes: RemovalEpisode[];
}

/** Default guard: never remove more than 50 items, nor more than 10% of the collection. */
export const DEFAULT_MAX_REMOVE_ITEMS = 50;
export const DEFAULT_MAX_REMOVE_SHARE = 0.1;

export function planRemoval(items: PlexItem[], index: TraktIndex): RemovalPlan {
  const plexMovies = new Set<string>();
  // Show id key → episodes Plex has of that show (any copy, any server).
  const plexEpisodes = new Map<string, Set<number>>();
  for (const item of items) {
    if (item.kind === "movie") {
      for (const k of idKeys(item.ids)) plexMovies.add(k);
      continue;
    }
    if (item.season === undefined || item.number === undefined) continue;
    const code = episodeCode(item.season, item.number);
    for (const k of idKeys(item.showIds)) {
      let set = plexEpisodes.get(k);
      if (!set) plexEpisodes.set(k, set = new Set());
      set.add(code);
    }
  }
  const movies = index.movieTitles.filter((m) => {
    const keys = idKeys(m.ids);
    // A row we cannot identify is never removed: we could not tell it is missing.
    return keys.length > 0 && !keys.some((k) => plexMovies.has(k));
  });
  const episodes: RemovalEpisode[] = [];
  index.showTitles.forEach((show, n) => {
    const keys = idKeys(show.ids);
    if (keys.length === 0) return;
    const have = keys.map((k) => plexEpisodes.get(k)).filter((s) => s !== undefined);
    for (const code of index.episodes[n] ?? []) {
      if (have.some((s) => s.has(code))) continue;
      episodes.push({ show, season: Math.floor(code / 100_000), number: code % 100_000 });
    }
  });
  return { movies, episodes };
}

export interface RemovalGuardInput {
  plan: RemovalPlan;
  /** Items read per library ("Server / Library" → count), every selected library included. */
  libraryCounts: Map<string, number>;
  collected: number;
  /** `--max-remove N`: replaces both default limits. */
  maxRemove?: number;
}

/** A reason to refuse, or undefined when the removal may go ahead. */
export function removalRefusal(g: RemovalGuardInput): string | undefined {
  const empty = [...g.libraryCounts].filter(([, n]) => n === 0).map(([name]) => `"${name}"`);
  if (empty.length > 0) {
    return `library ${empty.join(", ")} came back empty (an unmounted disk?); nothing was removed`;
  }
  const count = g.plan.movies.length + g.plan.episodes.length;
  const limit = g.maxRemove ??
    Math.min(DEFAULT_MAX_REMOVE_ITEMS, Math.floor(g.collected * DEFAULT_MAX_REMOVE_SHARE));
  if (count > limit) {
    return `${count} items would be removed, more than the limit of ${limit}` +
      (g.maxRemove === undefined ? " (50 items or 10% of the collection)" : "") +
      "; nothing was removed. Check with --dry-run, then raise it with --max-remove N";
  }
  return undefined;
}

function traktIds(t: TraktTitle): Record<string, string | number> {
  if (t.trakt !== undefined) return { trakt: t.trakt };
  const out: Record<string, string | number> = {};
  if (t.ids.imdb) out.imdb = t.ids.imdb;
  if (t.ids.tmdb !== undefined) out.tmdb = t.ids.tmdb;
  if (t.ids.tvdb !== undefined) out.tvdb = t.ids.tvdb;
  return out;
}

/** Batches of at most `size` items for POST /sync/collection/remove. */
export function removalPayloads(plan: RemovalPlan, size = 250): CollectionPayload[] {
  const all: (TraktTitle | RemovalEpisode)[] = [...plan.movies, ...plan.episodes];
  const out: CollectionPayload[] = [];
  for (let i = 0; i < all.length; i += size) {
    const slice = all.slice(i, i + size);
    const payload: CollectionPayload = {};
    const movies = slice.filter((x): x is TraktTitle => !("show" in x));
    if (movies.length) payload.movies = movies.map((m) => ({ ids: traktIds(m) }));
    const shows = new Map<TraktTitle, Map<number, Record<string, unknown>[]>>();
    for (const e of slice.filter((x): x is RemovalEpisode => "show" in x)) {
      let seasons = shows.get(e.show);
      if (!seasons) shows.set(e.show, seasons = new Map());
      let eps = seasons.get(e.season);
      if (!eps) seasons.set(e.season, eps = []);
      eps.push({ number: e.number });
    }
    if (shows.size) {
      payload.shows = [...shows].map(([show, seasons]) => ({
        ids: traktIds(show),
        seasons: [...seasons].map(([number, episodes]) => ({ number, episodes })),
      }));
    }
    out.push(payload);
  }
  return out;
}
