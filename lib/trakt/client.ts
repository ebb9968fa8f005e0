/**
 * Thin, typed Trakt API client: collection reads and writes, settings, last activities.
 * It knows nothing of the CLI; tokens come from a `TokenSource`.
 */
import type { z } from "zod";
import { AuthError } from "../errors.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { readLastActivities, readSettings, readSyncResponse } from "./answers.ts";
import { readTraktJson, throwForStatus } from "./http.ts";
import { readLeanMovieRows, readLeanShowRows } from "./lean_rows.ts";
import type {
  LastActivities,
  LeanMovieRow,
  LeanShowRow,
  Settings,
  SyncResponse,
} from "./models.ts";

type Models = typeof import("./models.ts");

export interface TokenSource {
  /** A valid access token, refreshed first when it is about to expire. */
  accessToken(): Promise<string>;
  /** Called once after a 401: refresh (if nobody else did) and return the new token. */
  afterUnauthorized(rejected: string): Promise<string>;
}

export interface TraktClientOptions {
  apiUrl: string;
  /** Timeout of a collection write (default 120 s: Trakt checks every item). */
  writeTimeoutMs?: number;
  clientId: string;
  http: HttpClient;
  tokens: TokenSource;
}

const PAGE_LIMIT = 250;
const MOVIES = "/sync/collection/movies";
const SHOWS = "/sync/collection/shows";
/** A hard stop for inflated page counts (trakt-api.md §6.2): 250 × 2000 = 500,000 rows. */
const MAX_PAGES = 2000;
const WRITE_TIMEOUT_MS = 120_000;

export class TraktClient {
  #o: TraktClientOptions;
  constructor(opts: TraktClientOptions) {
    this.#o = opts;
  }

  /**
   * Requests sent again so far after a fault (a lost connection, a timeout, a 5xx): a write
   * Trakt may have applied before its answer was lost. Not after a 429, which Trakt answers
   * without doing anything.
   */
  get faultRetries(): number {
    return this.#o.http.stats.faultRetries;
  }

  async settings(): Promise<Settings> {
    const what = "reading the account settings";
    const res = await this.#call("GET", "/users/settings", what);
    return await readTraktJson(res, (m) => m.Settings, what, readSettings);
  }

  async lastActivities(): Promise<LastActivities> {
    const what = "reading the last activities";
    const res = await this.#call("GET", "/sync/last_activities", what);
    return await readTraktJson(res, (m) => m.LastActivities, what, readLastActivities);
  }

  /**
   * The movie collection page by page, only the fields the sync needs: no page is kept.
   * `onGap` is told when a page stays empty between pages with rows (see `#readPages`).
   */
  eachCollectionMoviePage(
    consume: (rows: LeanMovieRow[]) => void,
    onGap?: (message: string) => void,
  ): Promise<void> {
    return this.#readPages(
      MOVIES,
      (m) => m.LeanMovieRow,
      "the movie collection",
      consume,
      readLeanMovieRows,
      onGap,
    );
  }

  eachCollectionShowPage(
    consume: (rows: LeanShowRow[]) => void,
    onGap?: (message: string) => void,
  ): Promise<void> {
    return this.#readPages(
      SHOWS,
      (m) => m.LeanShowRow,
      "the show collection",
      consume,
      readLeanShowRows,
      onGap,
    );
  }

  async addToCollection(payload: CollectionPayload): Promise<SyncResponse> {
    const what = "adding to the collection";
    const res = await this.#call("POST", "/sync/collection", what, payload);
    return await readTraktJson(res, (m) => m.SyncResponse, what, readSyncResponse);
  }

  async removeFromCollection(payload: CollectionPayload): Promise<SyncResponse> {
    const what = "removing from the collection";
    const res = await this.#call("POST", "/sync/collection/remove", what, payload);
    return await readTraktJson(res, (m) => m.SyncResponse, what, readSyncResponse);
  }

  /**
   * Reads every page, through the 2026 paging bugs (trakt-api.md §6.2): the caller drops
   * repeated and ghost rows. A page count can be too high, with pages empty after the real end;
   * a page can also come back empty by a glitch, and then what it held would look uncollected
   * and be sent again (Trakt rewrites its collection date). So an empty page before the last is
   * asked for once more, and then the next page decides: empty too, the listing is over. A short
   * page before the last is not the end either (Trakt leaves out rows it cannot resolve); the
   * page after it decides.
   */
  async #readPages<R>(
    path: string,
    row: (models: Models) => z.ZodType<R>,
    what: string,
    consume: (rows: R[]) => void,
    byHand: (data: unknown) => R[] | undefined,
    onGap?: (message: string) => void,
  ): Promise<void> {
    const get = async (page: number) => {
      const label = `reading ${what} (page ${page})`;
      const q = `?extended=metadata&page=${page}&limit=${PAGE_LIMIT}`;
      const res = await this.#call("GET", path + q, label);
      const data = await readTraktJson(res, (m) => row(m).array(), label, byHand);
      return { res, data };
    };
    let afterShort = false;
    for (let page = 1; page <= MAX_PAGES; page++) {
      let { res, data } = await get(page);
      // No paging headers at all means the classic, unpaged answer: it was everything.
      if (!res.headers.has("x-pagination-page-count")) return consume(data);
      if (data.length === 0 && !afterShort && page < pageCount(res)) {
        ({ res, data } = await get(page));
        if (data.length === 0) {
          const next = await get(page + 1);
          if (next.data.length === 0) return;
          onGap?.(
            `Trakt's ${what}: page ${page} came back empty twice although page ${page + 1} ` +
              "has rows; what it held may look uncollected and be sent again",
          );
          page++;
          ({ res, data } = next);
        }
      }
      consume(data);
      if (data.length === 0 || page >= pageCount(res)) return;
      afterShort = data.length < (Number(res.headers.get("x-pagination-limit")) || PAGE_LIMIT);
    }
  }

  async #call(
    method: "GET" | "POST",
    path: string,
    what: string,
    body?: unknown,
  ): Promise<HttpResponse> {
    const o = this.#o;
    let token = await o.tokens.accessToken();
    for (let attempt = 0;; attempt++) {
      const res = await o.http.request({
        method,
        url: o.apiUrl + path,
        headers: {
          "trakt-api-key": o.clientId,
          "trakt-api-version": "2",
          "Authorization": `Bearer ${token}`,
        },
        body,
        paced: method === "POST",
        timeoutMs: method === "POST" ? (o.writeTimeoutMs ?? WRITE_TIMEOUT_MS) : undefined,
        passStatuses: [401],
      });
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 401 && attempt === 0) {
        token = await o.tokens.afterUnauthorized(token);
        continue;
      }
      if (res.status === 401) {
        throw new AuthError(
          `Trakt refused the login even after a token refresh while ${what}. ` +
            "Run `complexionist trakt auth`",
        );
      }
      throwForStatus(res, what);
    }
  }
}

/** The body of POST /sync/collection (trakt-api.md §7.1); only the forms we send. */
export interface CollectionPayload {
  movies?: Record<string, unknown>[];
  shows?: {
    title?: string;
    year?: number;
    ids: Record<string, unknown>;
    seasons: { number: number; episodes: Record<string, unknown>[] }[];
  }[];
}

/** `X-Pagination-Page-Count` (0 when absent or not a number). */
function pageCount(res: HttpResponse): number {
  return Number(res.headers.get("x-pagination-page-count")) || 0;
}
