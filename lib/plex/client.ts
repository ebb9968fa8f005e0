/**
 * Thin Plex Media Server client: identity, sections, paged listings and batched details.
 * The token travels in the X-Plex-Token header only, never in a URL.
 */
import { AuthError, RemoteError } from "../errors.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { describeBody } from "../http/errors_body.ts";
import { checked, readIdentity, readListing, readSections, readServerRoot } from "./envelope.ts";
import type {
  PlexIdentity,
  PlexListing,
  PlexMetadata,
  PlexSection,
  PlexServerRoot,
} from "./models.ts";
import { PlexShapeError } from "./shape_error.ts";
import { DETAIL_BATCH, EXCLUDES_QUERY, PLEX_PAGE_SIZE } from "./query.ts";

export type ListingType = 1 | 2 | 4;

/**
 * How a listing went (see `eachPage`): it held still; it "moved" while it was read, so an item
 * may have gone unseen; or its pages carried no total to tell by.
 */
export type ListingCheck = "held" | "moved" | "unverified";

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
    const json = await this.#get("/identity", "checking the server");
    return await this.#shaped(readIdentity, (m) => m.parseIdentity, json);
  }

  async root(): Promise<PlexServerRoot> {
    const json = await this.#get("/", "checking the token");
    return await this.#shaped(readServerRoot, (m) => m.parseServerRoot, json);
  }

  async sections(): Promise<PlexSection[]> {
    const json = await this.#get("/library/sections", "listing the libraries");
    return (await this.#shaped(readSections, (m) => m.parseSections, json)).Directory;
  }

  /** Every item of one type in a section, page by page, de-duplicated by ratingKey. */
  async listAll(
    sectionKey: string,
    type: ListingType,
    onPage?: (done: number, total: number) => void,
  ): Promise<PlexMetadata[]> {
    const items: PlexMetadata[] = [];
    await this.eachPage(sectionKey, type, (page) => items.push(...page), { onPage });
    return items;
  }

  /**
   * Hands each page to `consume` as it arrives, so a caller can keep what it needs and let the
   * raw page go: a 100,000-episode section is never held twice. The next page is requested as
   * soon as this one's first bytes say where it starts (`pageHead`), and put on the wire before
   * this one is parsed (`eventLoopTurn`), so Plex prepares it while this one is parsed and
   * converted: at 110,000 items about a third of the no-op sync's time. The requests still go
   * one at a time.
   *
   * Pages overlap by one item, and resolve to whether the listing held still: paging by offset,
   * an item deleted meanwhile shifts the rest left, so one may slip past a page boundary unseen
   * (plex-api.md §6). Then the previous page's last item is missing from the next page, which
   * always starts on it otherwise (an addition only shifts it further in: nothing is skipped).
   * An item moving up the order instead leaves one unread with the boundary intact: then fewer
   * distinct items came than the listing's total. Harmless for adding, which the next run
   * completes; but such a listing must not vouch for what is missing ("moved"). A listing
   * whose pages carry no total cannot show either ("unverified"): some servers never send one.
   */
  async eachPage(
    sectionKey: string,
    type: ListingType,
    consume: (items: PlexMetadata[]) => void,
    { onPage, title }: {
      onPage?: ((done: number, total: number) => void) | undefined;
      /** The library's title, for messages: people know their libraries by name. */
      title?: string;
    } = {},
  ): Promise<ListingCheck> {
    const size = this.#o.pageSize ?? PLEX_PAGE_SIZE;
    const what = title === undefined
      ? `listing library ${sectionKey}`
      : `listing library "${title}" (section ${sectionKey})`;
    const request = (start: number): AskedPage => {
      const asked = this.#pageAt(sectionKey, type, start, size, what);
      // Awaited on a later turn; until then a failure must not count as unhandled.
      asked.catch(() => {});
      return { start, res: asked };
    };
    const seen = new Set<string>();
    let held = true;
    let verified = true;
    /** The last item of the page before, which this page must repeat. */
    let previousLast: string | undefined;
    let lastTotal: number | undefined;
    let next: AskedPage | undefined = request(0);
    while (next) {
      const res = await next.res;
      const start: number = next.start;
      const head = pageHead(res);
      const early: number | undefined = head && following(start, head.size, head.total);
      next = early !== undefined ? request(early) : undefined;
      if (next) await eventLoopTurn();
      let page: PlexListing;
      try {
        page = await this.#shaped(readListing, (m) => m.parseListing, this.#json(res, what));
      } catch (err) {
        // Nothing may still be talking to Plex once the listing has failed.
        await next?.res.catch(() => {});
        throw err;
      }
      // The body's total, else the header's: a server may send either alone. One smaller than
      // what this page already reaches is no total at all.
      const claimed = page.totalSize ?? headerTotal(res);
      const pageTotal = claimed !== undefined && claimed >= start + page.Metadata.length
        ? claimed
        : undefined;
      if (previousLast !== undefined && !page.Metadata.some((m) => m.ratingKey === previousLast)) {
        held = false;
      }
      // After a one-item page (followed without overlap: it would ask for itself again) only the
      // total can tell that nothing moved.
      if (start > 0 && previousLast === undefined && pageTotal !== lastTotal) held = false;
      previousLast = page.Metadata.length >= 2 ? page.Metadata.at(-1)?.ratingKey : undefined;
      lastTotal = pageTotal;
      // Without a total, the listing's end is a guess: it proves nothing. Paging then goes on
      // until a page brings nothing new (plex-api.md §6: "or a page is empty"): a short page
      // may only be a server's own cap.
      if (pageTotal === undefined && page.Metadata.length > 0) verified = false;
      // A server may return fewer than asked: advance by what came back.
      const total = pageTotal ?? start + page.Metadata.length;
      const more = pageTotal === undefined && page.Metadata.some((m) => !seen.has(m.ratingKey));
      const after = following(start, page.Metadata.length, more ? Infinity : total);
      if (next?.start !== after) {
        // The page's head did not match its body (never seen from Plex): ask again, correctly.
        if (next) await next.res.catch(() => {});
        next = after !== undefined ? request(after) : undefined;
      }
      // Items can shift between pages while the library changes: keep the first copy.
      const fresh: PlexMetadata[] = [];
      for (const item of page.Metadata) {
        const known = seen.size;
        if (seen.add(item.ratingKey).size > known) fresh.push(item);
      }
      try {
        consume(fresh);
        onPage?.(Math.min(start + page.Metadata.length, total), total);
      } catch (err) {
        // As above: the caller's failure ends the listing, and the page asked ahead with it.
        await next?.res.catch(() => {});
        throw err;
      }
    }
    // An item that moved up the order (renamed, re-matched, or a tie sorted otherwise) shifts
    // the boundary right, which the overlap allows: then fewer distinct items came than there are.
    if (!held || (lastTotal !== undefined && seen.size < lastTotal)) return "moved";
    return verified ? "held" : "unverified";
  }

  #pageAt(sectionKey: string, type: ListingType, start: number, size: number, what: string) {
    const path = `/library/sections/${encodeURIComponent(sectionKey)}/all?type=${type}` +
      `&includeGuids=1${EXCLUDES_QUERY}&X-Plex-Container-Start=${start}` +
      `&X-Plex-Container-Size=${size}`;
    return this.#response(path, what, {
      "X-Plex-Container-Start": String(start),
      "X-Plex-Container-Size": String(size),
    });
  }

  /** Full items (with Stream[]) for the given rating keys, in batched requests. */
  async details(ratingKeys: string[]): Promise<PlexMetadata[]> {
    const out: PlexMetadata[] = [];
    for (let i = 0; i < ratingKeys.length; i += DETAIL_BATCH) {
      const keys = ratingKeys.slice(i, i + DETAIL_BATCH).map(encodeURIComponent).join(",");
      // skipRefresh: a detail GET may otherwise start a synchronous media analysis.
      const path = `/library/metadata/${keys}?includeGuids=1&skipRefresh=1${EXCLUDES_QUERY}`;
      const json = await this.#get(path, "reading media details", {}, true);
      if (json === undefined) continue;
      out.push(...(await this.#shaped(readListing, (m) => m.parseListing, json)).Metadata);
    }
    return out;
  }

  async #get(
    path: string,
    what: string,
    headers: Record<string, string> = {},
    missingOk = false,
  ): Promise<unknown> {
    const res = await this.#response(path, what, headers, missingOk);
    return res.status === 404 ? undefined : this.#json(res, what);
  }

  /** A 200 answer (or a 404 when `missingOk`); anything else throws. */
  async #response(
    path: string,
    what: string,
    headers: Record<string, string>,
    missingOk = false,
  ): Promise<HttpResponse> {
    const res = await this.#o.http.request({
      method: "GET",
      url: this.#o.url + path,
      headers,
      passStatuses: [401, 403, 404],
    });
    if (res.status !== 200 && !(res.status === 404 && missingOk)) this.#fail(res, what);
    return res;
  }

  /** Which server this is, and where its address is set, for messages. */
  get #where(): string {
    return `Plex server "${this.#o.name}" ([plex:${this.#o.index}] url)`;
  }

  /** The answer read (envelope.ts `checked`), its shape errors naming this server. */
  async #shaped<T>(
    read: (json: unknown) => T | undefined,
    parse: (models: typeof import("./models.ts")) => (json: unknown) => T,
    json: unknown,
  ): Promise<T> {
    try {
      return await checked(read, parse, json);
    } catch (err) {
      throw err instanceof PlexShapeError ? err.from(this.#where) : err;
    }
  }

  #json(res: HttpResponse, what: string): unknown {
    const type = res.headers.get("content-type") ?? "";
    const where = this.#where;
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
    // A 404 on the first request of a run is most often a URL copied from the browser
    // (http://host:32400/web/index.html): Plex's API lives at the server's root.
    const path = new URL(o.url).pathname;
    const hint = res.status === 404 && path !== "/" && path !== ""
      ? `Check [plex:${o.index}] url: it should be the server's address (http://HOST:32400), ` +
        `without a path such as ${path}, unless a proxy serves Plex there`
      : "Check the server, then try again";
    throw new RemoteError(
      `Plex server "${o.name}" failed while ${what} (HTTP ${res.status}: ${body}). ${hint}`,
      "plex",
      res.status,
    );
  }
}

/** A listing page asked for, not yet read. */
interface AskedPage {
  start: number;
  res: Promise<HttpResponse>;
}

/** Where the page after `n` items from `start` begins: on the last of them (see eachPage). */
function following(start: number, n: number, total: number): number | undefined {
  return n > 0 && start + n < total ? start + Math.max(1, n - 1) : undefined;
}

/** How Plex begins every page: `{"MediaContainer":{"size":N` (and often `,"totalSize":T`). */
const HEAD =
  /^\s*\{\s*"MediaContainer"\s*:\s*\{\s*"size"\s*:\s*(\d+)(?:\s*,\s*"totalSize"\s*:\s*(\d+))?/;

/** `X-Plex-Container-Total-Size`, when it is a count (an empty header is none: Number("") is 0). */
function headerTotal(res: HttpResponse): number | undefined {
  const m = /^\s*(\d{1,12})\s*$/.exec(res.headers.get("x-plex-container-total-size") ?? "");
  return m ? Number(m[1]) : undefined;
}

/**
 * A listing page's item count and the listing's total, read from the first bytes of the answer
 * and the `X-Plex-Container-Total-Size` header, without parsing it: enough to ask for the next
 * page first. Parsing a page takes about as long as Plex takes to prepare the next one.
 * Undefined when either is missing; `eachPage` checks both against the parsed page anyway.
 */
function pageHead(res: HttpResponse): { size: number; total: number } | undefined {
  const m = HEAD.exec(res.text);
  if (!m) return undefined;
  // The body's total first, as eachPage reads it: both must agree on where the next page starts.
  const total = m[2] !== undefined ? Number(m[2]) : headerTotal(res);
  return total !== undefined ? { size: Number(m[1]), total } : undefined;
}

/**
 * Lets the event loop run once: Deno puts a request on the wire from its event loop, so one
 * made just before parsing a page would otherwise wait until the page is parsed and converted.
 * A message to oneself takes a fraction of a millisecond; `setTimeout(0)` takes a few.
 */
function eventLoopTurn(): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port1.onmessage = () => {
      port1.close();
      port2.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
