/**
 * Request counts: what the emulators saw, grouped the way the targets speak of them, and what a
 * sync of a given library must cost exactly (pages are a function of the library's shape).
 */
import { DETAIL_BATCH, PLEX_PAGE_SIZE } from "../../lib/plex/query.ts";
import { TRAKT_PAGE_LIMIT } from "./floor.ts";
import type { LibraryInfo, StatEntry } from "./protocol.ts";

/** Trakt's maximum items per `POST /sync/collection` (design §7); the target's batch size. */
export const TRAKT_BATCH = 250;

export interface PlexCounts {
  total: number;
  sections: number;
  /** Listing pages by `type` (1 movies, 2 shows, 4 episodes). */
  listing: Record<string, number>;
  listingPages: number;
  /** `/library/metadata/a,b,c` detail requests and the rating keys they asked for. */
  details: number;
  detailKeys: number;
  other: number;
}

export interface TraktCounts {
  get: number;
  post: number;
  status429: number;
  /** GETs by path, e.g. `/sync/collection/movies`. */
  getByPath: Record<string, number>;
  /** Items per collection write, in order. */
  postItems: number[];
  /** Server-side time of each collection write, ms. */
  postMs: number[];
  /** Answers other than 2xx (after 429s, which are counted on their own). */
  errors: number;
}

export function plexCounts(entries: StatEntry[]): PlexCounts {
  const c: PlexCounts = {
    total: entries.length,
    sections: 0,
    listing: {},
    listingPages: 0,
    details: 0,
    detailKeys: 0,
    other: 0,
  };
  for (const e of entries) {
    const path = e.path.replace(/\/+$/, "");
    if (path === "/library/sections") c.sections++;
    else if (/^\/library\/sections\/[^/]+\/all$/.test(path)) {
      const type = new URLSearchParams(e.query).get("type") ?? "?";
      c.listing[type] = (c.listing[type] ?? 0) + 1;
      c.listingPages++;
    } else if (/^\/library\/metadata\/[^/]+$/.test(path)) {
      c.details++;
      c.detailKeys += decodeURIComponent(path.slice("/library/metadata/".length)).split(",").length;
    } else c.other++;
  }
  return c;
}

export function traktCounts(entries: StatEntry[]): TraktCounts {
  const c: TraktCounts = {
    get: 0,
    post: 0,
    status429: 0,
    getByPath: {},
    postItems: [],
    postMs: [],
    errors: 0,
  };
  for (const e of entries) {
    if (e.status === 429) c.status429++;
    else if (e.status < 200 || e.status > 299) c.errors++;
    if (e.method === "GET") {
      c.get++;
      c.getByPath[e.path] = (c.getByPath[e.path] ?? 0) + 1;
    } else if (e.method === "POST") {
      c.post++;
      if (e.path === "/sync/collection") {
        c.postItems.push(e.items ?? 0);
        c.postMs.push(e.ms);
      }
    }
  }
  return c;
}

function pages(n: number, size: number): number {
  return Math.max(1, Math.ceil(n / size));
}

/** Plex listing pages: each after the first starts on the last item of the one before. */
function plexPages(n: number, size: number): number {
  return n <= size ? 1 : 1 + Math.ceil((n - size) / (size - 1));
}

export interface Expected {
  /** Movies + episodes Plex has and Trakt lacks at the start. */
  toAdd: { movies: number; episodes: number; total: number };
  /** `GET /library/sections` + every listing page: the whole Plex cost of a no-op full diff. */
  plexSectionsAndPages: number;
  listingPages: number;
  /** ⌈items to add / 250⌉. */
  writes: number;
  /** Upper bound of detail requests: one per 50 rating keys of each batch (none if nothing). */
  maxDetails: number;
  /** Informational: last activities + collection pages (+ settings before sending). */
  traktGetsFirst: number;
  traktGetsNoop: number;
}

export function expectedCounts(lib: LibraryInfo): Expected {
  let listingPages = 0;
  for (const s of lib.sections) {
    listingPages += s.type === "movie"
      ? plexPages(s.items, PLEX_PAGE_SIZE)
      : plexPages(s.items, PLEX_PAGE_SIZE) + plexPages(s.episodes, PLEX_PAGE_SIZE);
  }
  const movies = lib.movies - lib.collected.movies;
  const episodes = lib.episodes - lib.collected.episodes;
  const total = movies + episodes;
  const writes = Math.ceil(total / TRAKT_BATCH);
  let maxDetails = 0;
  for (let left = total; left > 0; left -= TRAKT_BATCH) {
    maxDetails += Math.ceil(Math.min(left, TRAKT_BATCH) / DETAIL_BATCH);
  }
  const showsAfter = lib.episodes > 0 ? lib.shows : 0;
  return {
    toAdd: { movies, episodes, total },
    plexSectionsAndPages: 1 + listingPages,
    listingPages,
    writes,
    maxDetails,
    traktGetsFirst: 1 + pages(lib.collected.movies, TRAKT_PAGE_LIMIT) +
      pages(lib.collected.shows, TRAKT_PAGE_LIMIT) + (total > 0 ? 1 : 0),
    traktGetsNoop: 1 + pages(lib.movies, TRAKT_PAGE_LIMIT) + pages(showsAfter, TRAKT_PAGE_LIMIT),
  };
}
