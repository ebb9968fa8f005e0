/**
 * The I/O floor: a plain script downloads and `JSON.parse`s every Plex page and every Trakt
 * collection page that a full sync needs, one after the other like the CLI. It shares no code
 * with the project beyond the page size and the listing's excludes (the same URLs); whatever
 * the CLI spends above this is its own cost.
 */
import { EXCLUDES_QUERY, PLEX_PAGE_SIZE } from "../../lib/plex/query.ts";
import type { RunnerReady } from "./protocol.ts";

/** Trakt's maximum `limit` on the collection endpoints, which the client uses. */
export const TRAKT_PAGE_LIMIT = 250;

export interface FloorResult {
  ms: number;
  plexRequests: number;
  traktRequests: number;
  /** Response bodies, in bytes (Content-Length). */
  bytes: number;
  /** Rows seen, as a sanity check against the library's size. */
  rows: { plexMovies: number; plexShows: number; plexEpisodes: number; traktRows: number };
}

async function getJson(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`floor: ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  const bytes = Number(res.headers.get("content-length") ?? text.length);
  return { res, text, bytes, json: JSON.parse(text) as unknown };
}

interface Container {
  size?: number;
  totalSize?: number;
  Metadata?: unknown[];
  Directory?: { key: string; type: string }[];
}

function container(json: unknown): Container {
  return (json as { MediaContainer?: Container }).MediaContainer ?? {};
}

export async function measureFloor(w: RunnerReady): Promise<FloorResult> {
  const plexHeaders = {
    "Accept": "application/json",
    "X-Plex-Token": w.plexToken,
    "User-Agent": "complexionist-bench-floor",
  };
  const traktHeaders = {
    "Content-Type": "application/json",
    "User-Agent": "complexionist-bench-floor",
    "trakt-api-key": w.clientId,
    "trakt-api-version": "2",
    "Authorization": `Bearer ${w.tokens.access_token}`,
  };
  const out: FloorResult = {
    ms: 0,
    plexRequests: 0,
    traktRequests: 0,
    bytes: 0,
    rows: { plexMovies: 0, plexShows: 0, plexEpisodes: 0, traktRows: 0 },
  };
  const started = performance.now();
  const sections = await getJson(`${w.plex}/library/sections`, plexHeaders);
  out.plexRequests++;
  out.bytes += sections.bytes;
  for (const section of container(sections.json).Directory ?? []) {
    const types = section.type === "movie" ? [1] : section.type === "show" ? [2, 4] : [];
    for (const type of types) {
      for (let start = 0;;) {
        const url = `${w.plex}/library/sections/${encodeURIComponent(section.key)}/all` +
          `?type=${type}&includeGuids=1${EXCLUDES_QUERY}&X-Plex-Container-Start=${start}` +
          `&X-Plex-Container-Size=${PLEX_PAGE_SIZE}`;
        const page = await getJson(url, plexHeaders);
        out.plexRequests++;
        out.bytes += page.bytes;
        const c = container(page.json);
        const n = c.Metadata?.length ?? 0;
        // Pages overlap by one item, as the CLI's do (lib/plex/client.ts eachPage).
        const fresh = start === 0 ? n : Math.max(0, n - 1);
        if (type === 1) out.rows.plexMovies += fresh;
        else if (type === 2) out.rows.plexShows += fresh;
        else out.rows.plexEpisodes += fresh;
        if (n === 0 || start + n >= (c.totalSize ?? start + n)) break;
        start += Math.max(1, n - 1);
      }
    }
  }
  for (const kind of ["movies", "shows"]) {
    for (let page = 1;; page++) {
      const url = `${w.trakt}/sync/collection/${kind}?extended=metadata&page=${page}` +
        `&limit=${TRAKT_PAGE_LIMIT}`;
      const { res, bytes, json } = await getJson(url, traktHeaders);
      out.traktRequests++;
      out.bytes += bytes;
      const n = Array.isArray(json) ? json.length : 0;
      out.rows.traktRows += n;
      const pageCount = Number(res.headers.get("x-pagination-page-count") ?? "1");
      if (n < TRAKT_PAGE_LIMIT || page >= pageCount) break;
    }
  }
  out.ms = performance.now() - started;
  return out;
}
