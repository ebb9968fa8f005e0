/**
 * Thin Plex Media Server client: identity, sections, paged listings and batched details.
 * The token travels in the X-Plex-Token header only, never in a URL.
 */
import { AuthError, RemoteError } from "../errors.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { describeBody } from "../http/errors_body.ts";
import {
  parseIdentity,
  parseListing,
  parseSections,
  parseServerRoot,
  type PlexIdentity,
  type PlexMetadata,
  type PlexSection,
  type PlexServerRoot,
} from "./models.ts";

/** Items per listing page. Plex clients use 100; bigger pages cost fewer round trips. */
export const PLEX_PAGE_SIZE = 500;
/** Rating keys per `/library/metadata/a,b,c` detail request. */
export const DETAIL_BATCH = 50;

export type ListingType = 1 | 2 | 4;

export interface PlexClientOptions {
  /** `[plex:N]`, for messages. */
  index: number;
  name: string;
  url: string;
  http: HttpClient;
  pageSize?: number;
}

export class PlexClient {
  #o: PlexClientOptions;
  constructor(o: PlexClientOptions) {
    this.#o = o;
  }

  get name(): string {
    return this.#o.name;
  }

  /** Requests made so far (for the sync report). */
  get requests(): number {
    return this.#o.http.stats.get;
  }

  get retries(): number {
    return this.#o.http.stats.retries;
  }

  async identity(): Promise<PlexIdentity> {
    return parseIdentity(await this.#get("/identity", "checking the server"));
  }

  async root(): Promise<PlexServerRoot> {
    return parseServerRoot(await this.#get("/", "checking the token"));
  }

  async sections(): Promise<PlexSection[]> {
    return parseSections(await this.#get("/library/sections", "listing the libraries")).Directory;
  }

  /** Every item of one type in a section, page by page, de-duplicated by ratingKey. */
  async listAll(
    sectionKey: string,
    type: ListingType,
    onPage?: (done: number, total: number) => void,
  ): Promise<PlexMetadata[]> {
    const items: PlexMetadata[] = [];
    await this.eachPage(sectionKey, type, (page) => items.push(...page), onPage);
    return items;
  }

  /**
   * Hands each page to `consume` as it arrives, so a caller can keep what it needs and let the
   * raw page go: a 100,000-episode section is never held twice. The next page is requested as
   * soon as this one says where it starts, so `consume` runs while Plex prepares it; the
   * requests themselves still go one after the other, as before.
   */
  async eachPage(
    sectionKey: string,
    type: ListingType,
    consume: (items: PlexMetadata[]) => void,
    onPage?: (done: number, total: number) => void,
  ): Promise<void> {
    const size = this.#o.pageSize ?? PLEX_PAGE_SIZE;
    const seen = new Set<string>();
    let next = this.#page(sectionKey, type, 0, size);
    for (let start = 0;;) {
      const page = await next;
      const total = page.totalSize ?? start + page.Metadata.length;
      // A server may return fewer than asked: advance by what came back.
      start += page.Metadata.length;
      const more = page.Metadata.length > 0 && start < total;
      if (more) {
        next = this.#page(sectionKey, type, start, size);
        // Awaited on the next turn; until then a failure must not count as unhandled.
        next.catch(() => {});
      }
      // Items can shift between pages while the library changes: keep the first copy.
      const fresh: PlexMetadata[] = [];
      for (const item of page.Metadata) {
        const known = seen.size;
        if (seen.add(item.ratingKey).size > known) fresh.push(item);
      }
      consume(fresh);
      onPage?.(Math.min(start, total), total);
      if (!more) break;
    }
  }

  async #page(sectionKey: string, type: ListingType, start: number, size: number) {
    const path = `/library/sections/${encodeURIComponent(sectionKey)}/all?type=${type}` +
      `&includeGuids=1&X-Plex-Container-Start=${start}&X-Plex-Container-Size=${size}`;
    return parseListing(
      await this.#get(path, `listing library ${sectionKey}`, {
        "X-Plex-Container-Start": String(start),
        "X-Plex-Container-Size": String(size),
      }),
    );
  }

  /** Full items (with Stream[]) for the given rating keys, in batched requests. */
  async details(ratingKeys: string[]): Promise<PlexMetadata[]> {
    const out: PlexMetadata[] = [];
    for (let i = 0; i < ratingKeys.length; i += DETAIL_BATCH) {
      const keys = ratingKeys.slice(i, i + DETAIL_BATCH).map(encodeURIComponent).join(",");
      // skipRefresh: a detail GET may otherwise start a synchronous media analysis.
      const path = `/library/metadata/${keys}?includeGuids=1&skipRefresh=1`;
      const json = await this.#get(path, "reading media details", {}, true);
      if (json !== undefined) out.push(...parseListing(json).Metadata);
    }
    return out;
  }

  async #get(
    path: string,
    what: string,
    headers: Record<string, string> = {},
    missingOk = false,
  ): Promise<unknown> {
    const res = await this.#o.http.request({
      method: "GET",
      url: this.#o.url + path,
      headers,
      passStatuses: [401, 403, 404],
    });
    if (res.status === 404 && missingOk) return undefined;
    if (res.status !== 200) this.#fail(res, what);
    return this.#json(res, what);
  }

  #json(res: HttpResponse, what: string): unknown {
    const type = res.headers.get("content-type") ?? "";
    const where = `Plex server "${this.#o.name}" ([plex:${this.#o.index}] url)`;
    if (!/json/i.test(type) && /^\s*</.test(res.text)) {
      throw new RemoteError(
        `${where} answered ${describeBody(res.text, type)} instead of JSON while ${what}. ` +
          "Check that the url points at Plex Media Server (port 32400)",
        "plex",
        res.status,
      );
    }
    try {
      return JSON.parse(res.text);
    } catch {
      throw new RemoteError(
        `${where} sent truncated or invalid JSON while ${what}. ` +
          "Try again; if it persists, restart Plex Media Server",
        "plex",
        res.status,
      );
    }
  }

  #fail(res: HttpResponse, what: string): never {
    const o = this.#o;
    const body = describeBody(res.text, res.headers.get("content-type"));
    if (res.status === 401 || res.status === 403) {
      throw new AuthError(
        `Plex server "${o.name}" refused the token while ${what} (HTTP ${res.status}). ` +
          `Put a valid token in [plex:${o.index}] token (see https://support.plex.tv/articles/204059436)`,
      );
    }
    throw new RemoteError(
      `Plex server "${o.name}" failed while ${what} (HTTP ${res.status}: ${body}). ` +
        "Check the server, then try again",
      "plex",
      res.status,
    );
  }
}
