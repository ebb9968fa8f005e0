/**
 * Thin, typed Trakt API client: collection reads and writes, settings, last activities.
 * It knows nothing of the CLI; tokens come from a `TokenSource`.
 */
import type { z } from "zod";
import { AuthError, RemoteError } from "../errors.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { parseTraktJson, throwForStatus } from "./http.ts";
import { readLeanMovieRows, readLeanShowRows } from "./lean_rows.ts";
import { LastActivities, LeanMovieRow, LeanShowRow, Settings, SyncResponse } from "./models.ts";

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

  async settings(): Promise<Settings> {
    const res = await this.#call("GET", "/users/settings", "reading the account settings");
    return parseTraktJson(res, Settings, "reading the account settings");
  }

  async lastActivities(): Promise<LastActivities> {
    const what = "reading the last activities";
    return parseTraktJson(
      await this.#call("GET", "/sync/last_activities", what),
      LastActivities,
      what,
    );
  }

  /** The movie collection page by page, only the fields the sync needs: no page is kept. */
  eachCollectionMoviePage(consume: (rows: LeanMovieRow[]) => void): Promise<void> {
    return this.#readPages(
      MOVIES,
      LeanMovieRow,
      "the movie collection",
      consume,
      readLeanMovieRows,
    );
  }

  eachCollectionShowPage(consume: (rows: LeanShowRow[]) => void): Promise<void> {
    return this.#readPages(SHOWS, LeanShowRow, "the show collection", consume, readLeanShowRows);
  }

  async addToCollection(payload: CollectionPayload): Promise<SyncResponse> {
    const what = "adding to the collection";
    const res = await this.#call("POST", "/sync/collection", what, payload);
    return parseTraktJson(res, SyncResponse, what);
  }

  async removeFromCollection(payload: CollectionPayload): Promise<SyncResponse> {
    const what = "removing from the collection";
    const res = await this.#call("POST", "/sync/collection/remove", what, payload);
    return parseTraktJson(res, SyncResponse, what);
  }

  /**
   * Reads every page. Survives the 2026 paging bugs: stops on an empty or short page even when
   * the page count says more; the caller de-duplicates rows by Trakt id and drops ghost rows.
   */
  async #readPages<T extends z.ZodType>(
    path: string,
    row: T,
    what: string,
    consume: (rows: z.infer<T>[]) => void,
    byHand: (data: unknown) => z.infer<T>[] | undefined,
  ): Promise<void> {
    const rows = row.array();
    let received = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const q = `?extended=metadata&page=${page}&limit=${PAGE_LIMIT}`;
      const label = `reading ${what} (page ${page})`;
      let res = await this.#call("GET", path + q, label);
      let data = parseTraktJson(res, rows, label, byHand);
      if (endsEarly(res, page, received, data.length)) {
        // Asked once more: a page that comes back empty or short while the count says at least
        // a page more is missing would make what follows look uncollected, and sending it again
        // rewrites its collection date on Trakt.
        res = await this.#call("GET", path + q, label);
        data = parseTraktJson(res, rows, label, byHand);
        if (endsEarly(res, page, received, data.length)) {
          throw new RemoteError(
            `Trakt's answers ended early while reading ${what}: page ${page} came back with ` +
              `${data.length} rows, ` +
              `though it announced ${res.headers.get("x-pagination-item-count")} items and ` +
              `${received} came before it. Nothing was sent, since what Trakt left out would ` +
              "look missing. Try again later; Trakt's status is at https://status.trakt.tv",
            "trakt",
            res.status,
          );
        }
      }
      consume(data);
      received += data.length;
      const pageCount = Number(res.headers.get("x-pagination-page-count"));
      const limit = Number(res.headers.get("x-pagination-limit")) || PAGE_LIMIT;
      // No paging headers at all means the classic, unpaged answer: it was everything.
      if (!res.headers.has("x-pagination-page-count")) break;
      if (data.length === 0 || data.length < limit || page >= pageCount) break;
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

/**
 * A page that ends the reading (empty, or shorter than the limit) before its last page, while the
 * item count says at least a whole page more exists. An inflated page count alone (trakt-api.md
 * §6.2: pages empty early, the item count right) is not one: then everything has come.
 */
function endsEarly(res: HttpResponse, page: number, before: number, rows: number): boolean {
  const pageCount = Number(res.headers.get("x-pagination-page-count"));
  const itemCount = Number(res.headers.get("x-pagination-item-count"));
  const limit = Number(res.headers.get("x-pagination-limit")) || PAGE_LIMIT;
  if (!Number.isInteger(pageCount) || !Number.isInteger(itemCount)) return false;
  if (page >= pageCount || rows >= limit) return false;
  return before + rows + limit <= itemCount;
}
