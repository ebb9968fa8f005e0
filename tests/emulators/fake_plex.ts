/**
 * A fake Plex Media Server for tests, the demo and benchmarks: a `(Request) => Response`
 * handler (call it in-process) that can also listen on 127.0.0.1:0.
 *
 * It imitates what the client depends on (fact sheet /work/shared/docs/plex-api.md §11):
 * `/identity`, `/`, `/library/sections[/all]`, paged `/library/sections/{k}/all` listings with
 * `type`, `includeGuids`, `excludeFields`/`excludeElements`, `hdr`/`dovi`/`addedAt>>=` filters
 * and `sort`, batched `/library/metadata/{rk},{rk}` details with streams (the same excludes
 * apply), `/children` and `/allLeaves`, token checks with PMS's HTML error pages, and fault
 * injection. Inputs are plain JSON so a subprocess can build the same fake from serialized
 * options.
 */

import {
  type FakeEpisode,
  type FakeMovie,
  type FakePlexOptions,
  type FakeSection,
  type FakeShow,
} from "./fake_plex_types.ts";
import { type NItem, type NSection, PlexModel } from "./fake_plex_model.ts";
import {
  detailContainer,
  HTML_401,
  htmlError,
  type Json,
  type JsonObject,
  listingContainer,
  numericOrString,
  renderItem,
  renderSection,
  seasonTitle,
  toXml,
  XML_503,
} from "./fake_plex_render.ts";
import { listItems, type ListQuery } from "./fake_plex_list.ts";

export * from "./fake_plex_types.ts";
export { HTML_401, htmlError, XML_503 } from "./fake_plex_render.ts";

/** One scripted failure: the next `count` requests (under `path`, if given) get `status`. */
export interface FailRule {
  status: number;
  count: number;
  /** Default: PMS's body for that status (HTML, or the XML maintenance `<Response>` for 503). */
  body?: string;
  contentType?: string;
  /** Path prefix the rule applies to (`/library/sections/1/all`); default every path. */
  path?: string;
  headers?: Record<string, string>;
}

/**
 * Fault knobs, mutable at any time. The boolean-or-number knobs mean: `true` = every response,
 * a positive number = that many next responses (decremented), `false`/0 = off.
 */
export interface FakePlexFaults {
  failNext: FailRule[];
  /** Delay before answering, in ms (cut short by the server's `close()`). */
  delayMs: number;
  /** Cut successful JSON bodies in half. */
  truncateJson: boolean | number;
  /** Answer successful JSON requests with a 200 `text/html` page (a captive portal, a proxy). */
  htmlInsteadOfJson: boolean | number;
  /** Return fewer items than asked on paged listings (half the page, at least one). */
  shortPages: boolean | number;
  /**
   * Answer a paged listing's later pages (offset > 0) with no items, the total unchanged: a
   * listing that ends early, as a server whose database hiccups mid-listing.
   */
  emptyPages: boolean | number;
}

export interface FakePlexLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  status: number;
  /** Epoch ms when the request arrived. */
  at: number;
}

const XML_TYPE = "text/xml;charset=utf-8";
const JSON_TYPE = "application/json";

function html(status: number, body = htmlError(status)): Response {
  return new Response(body, { status, headers: { "content-type": "text/html" } });
}

/** A route's successful answer before content negotiation. */
interface Ok {
  container: JsonObject;
  headers?: Record<string, string>;
}

function parseIntParam(v: string | null): number | undefined | "bad" {
  if (v === null || v === "") return undefined;
  return /^\d+$/.test(v) ? Number(v) : "bad";
}

/**
 * A copy without the named keys. Copied rather than `delete`d: deleting turns V8 objects into
 * slow dictionaries, and the bench's emulator then cost more than the client it measures.
 */
function without(item: JsonObject, names: Set<string>): JsonObject {
  const out: JsonObject = {};
  for (const k in item) if (!names.has(k)) out[k] = item[k] as Json;
  return out;
}

export class FakePlex {
  readonly token: string;
  readonly friendlyName: string;
  readonly machineIdentifier: string;
  readonly version: string;
  pageMax: number | undefined;
  strictPaging: boolean;
  ignoreExcludes: boolean;
  readonly faults: FakePlexFaults = {
    failNext: [],
    delayMs: 0,
    truncateJson: false,
    htmlInsteadOfJson: false,
    shortPages: false,
    emptyPages: false,
  };
  readonly log: FakePlexLogEntry[] = [];
  readonly #model: PlexModel;
  /** Wake-ups of delayed answers, so `close()` need not wait out a long `delayMs`. */
  readonly #pendingDelays = new Set<() => void>();
  /** Filtered/sorted listings, reused across pages; cleared by every mutation. */
  readonly #cache = new Map<string, NItem[]>();

  constructor(options: FakePlexOptions) {
    this.token = options.token ?? "plex-test-token";
    this.friendlyName = options.friendlyName ?? "Fake Plex";
    this.machineIdentifier = options.machineIdentifier ??
      "96f2fe7a78c9dc1f16a16bedbe90f98149be16b4";
    this.version = options.version ?? "1.41.3.9314-a0bfb8370";
    this.pageMax = options.pageMax;
    this.strictPaging = options.strictPaging ?? true;
    this.ignoreExcludes = options.ignoreExcludes ?? false;
    this.#model = new PlexModel(options.sections);
  }

  /** Requests whose path starts with `pathPrefix`. */
  requests(pathPrefix = "/"): FakePlexLogEntry[] {
    return this.log.filter((e) => e.path.startsWith(pathPrefix));
  }

  count(pathPrefix = "/"): number {
    return this.requests(pathPrefix).length;
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /** Adds a movie to a section as if Plex had just scanned it; bumps the section's updatedAt. */
  addMovie(sectionKey: string, movie: FakeMovie): void {
    const section = this.#section(sectionKey, "movie");
    this.#model.addMovie(section, movie);
    this.#touch(section);
  }

  addShow(sectionKey: string, show: FakeShow): void {
    const section = this.#section(sectionKey, "show");
    this.#model.addShow(section, show);
    this.#touch(section);
  }

  addEpisode(sectionKey: string, showRatingKey: string, episode: FakeEpisode): void {
    const section = this.#section(sectionKey, "show");
    const show = section.shows.find((s) => s.rk === showRatingKey);
    if (!show) throw new Error(`Unknown show ${showRatingKey} in fake Plex section ${sectionKey}`);
    this.#model.addEpisode(show, episode);
    this.#touch(section);
  }

  /** Current `updatedAt` of a section (epoch s). */
  sectionUpdatedAt(sectionKey: string): number | undefined {
    return this.#model.section(sectionKey)?.updatedAt;
  }

  #section(key: string, type: FakeSection["type"]): NSection {
    const section = this.#model.section(key);
    if (!section || section.input.type !== type) {
      throw new Error(`No ${type} section with key ${key} in fake Plex`);
    }
    return section;
  }

  #touch(section: NSection): void {
    section.updatedAt = Math.max(section.updatedAt + 1, Math.floor(Date.now() / 1000));
    this.#cache.clear();
  }

  /** The handler; use it in-process or through `start()`. */
  async handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const entry: FakePlexLogEntry = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(req.headers),
      status: 0,
      at: Date.now(),
    };
    this.log.push(entry);
    const res = await this.#respond(req, url);
    entry.status = res.status;
    return res;
  }

  /** Listens on 127.0.0.1 with a free port. */
  start(): Promise<{ url: string; close(): Promise<void> }> {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) => this.handler(req),
    );
    const url = `http://127.0.0.1:${server.addr.port}`;
    return Promise.resolve({
      url,
      close: async () => {
        // Not via request.signal: in Deno.serve it also fires after successful responses.
        for (const wake of this.#pendingDelays) wake();
        await server.shutdown();
        await server.finished;
      },
    });
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#pendingDelays.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#pendingDelays.add(wake);
    });
  }

  #take(knob: "truncateJson" | "htmlInsteadOfJson" | "shortPages" | "emptyPages"): boolean {
    const v = this.faults[knob];
    if (v === true) return true;
    if (typeof v === "number" && v > 0) {
      this.faults[knob] = v - 1;
      return true;
    }
    return false;
  }

  #scriptedFailure(path: string): Response | undefined {
    const queue = this.faults.failNext;
    const i = queue.findIndex((r) => r.count > 0 && (!r.path || path.startsWith(r.path)));
    if (i < 0) return undefined;
    const rule = queue[i]!;
    rule.count--;
    if (rule.count <= 0) queue.splice(i, 1);
    const maintenance = rule.status === 503;
    const body = rule.body ?? (maintenance ? XML_503 : htmlError(rule.status));
    const contentType = rule.contentType ?? (maintenance ? XML_TYPE : "text/html");
    return new Response(body, {
      status: rule.status,
      headers: { "content-type": contentType, ...rule.headers },
    });
  }

  async #respond(req: Request, url: URL): Promise<Response> {
    if (this.faults.delayMs > 0) await this.#delay(this.faults.delayMs);
    const failure = this.#scriptedFailure(url.pathname);
    if (failure) return failure;
    if (req.method !== "GET" && req.method !== "HEAD") return html(405);
    const path = url.pathname.replace(/\/+$/, "") || "/";
    let result: Ok | Response;
    if (path === "/identity") {
      result = this.#identity();
    } else {
      // Every X-Plex-* header may be sent as a query parameter instead (fact sheet §2.2).
      const token = req.headers.get("x-plex-token") ?? url.searchParams.get("X-Plex-Token");
      if (token !== this.token) return html(401, HTML_401);
      result = this.#route(path, req, url);
    }
    if (result instanceof Response) return result;
    return this.#negotiate(req, result);
  }

  #negotiate(req: Request, ok: Ok): Response {
    const headers: Record<string, string> = { ...ok.headers };
    const accept = req.headers.get("accept") ?? "";
    if (!accept.includes("application/json")) {
      // PMS defaults to XML; the client must ask for JSON (fact sheet §0.1).
      return new Response(toXml(ok.container), {
        headers: { ...headers, "content-type": XML_TYPE },
      });
    }
    if (this.#take("htmlInsteadOfJson")) {
      return new Response(
        "<html><head><title>Plex</title></head><body><div id='plex'></div></body></html>",
        { headers: { "content-type": "text/html" } },
      );
    }
    let body = JSON.stringify({ MediaContainer: ok.container });
    if (this.#take("truncateJson")) body = body.slice(0, Math.floor(body.length / 2));
    return new Response(body, { headers: { ...headers, "content-type": JSON_TYPE } });
  }

  #identity(): Ok {
    return {
      container: {
        size: 0,
        apiVersion: "1.1.1",
        claimed: true,
        machineIdentifier: this.machineIdentifier,
        version: this.version,
      },
    };
  }

  #root(): Ok {
    return {
      container: {
        size: 3,
        allowCameraUpload: false,
        allowSync: true,
        certificate: true,
        claimed: true,
        friendlyName: this.friendlyName,
        machineIdentifier: this.machineIdentifier,
        multiuser: true,
        myPlex: true,
        myPlexSigninState: "ok",
        myPlexSubscription: true,
        myPlexUsername: "fake@example.com",
        ownerFeatures: "hdr,dvr,sync,trailers",
        platform: "Linux",
        platformVersion: "6.1.0",
        transcoderActiveVideoSessions: 0,
        updatedAt: Math.max(...this.#model.sections.map((s) => s.updatedAt), 0),
        version: this.version,
        Directory: [
          { count: 1, key: "activities", title: "activities" },
          { count: 1, key: "library", title: "library" },
          { count: 1, key: "search", title: "search" },
        ],
      },
    };
  }

  #sections(): Ok {
    const sections = this.#model.sections;
    const container: JsonObject = {
      size: sections.length,
      allowSync: false,
      title1: "Plex Library",
    };
    if (sections.length > 0) container.Directory = sections.map((s, i) => renderSection(s, i));
    return { container };
  }

  #route(path: string, req: Request, url: URL): Ok | Response {
    if (path === "/") return this.#root();
    if (path === "/library/sections" || path === "/library/sections/all") return this.#sections();
    let m = /^\/library\/sections\/([^/]+)\/all$/.exec(path);
    if (m) {
      const section = this.#model.section(decodeURIComponent(m[1]!));
      return section ? this.#listing(section, req, url) : html(404);
    }
    m = /^\/library\/metadata\/([^/]+)$/.exec(path);
    if (m) return this.#detail(decodeURIComponent(m[1]!), url);
    m = /^\/library\/metadata\/([^/]+)\/(children|allLeaves)$/.exec(path);
    if (m) return this.#children(decodeURIComponent(m[1]!), m[2] === "allLeaves", req, url);
    return html(404);
  }

  /** Start/size from headers first (header wins over query), then query parameters. */
  #paging(req: Request, url: URL): { start: number; size: number | undefined } | Response {
    const pick = (name: string): string | null =>
      req.headers.get(name) ?? url.searchParams.get(name);
    const start = parseIntParam(pick("X-Plex-Container-Start"));
    const size = parseIntParam(pick("X-Plex-Container-Size"));
    if (start === "bad" || size === "bad") return html(400);
    return { start: start ?? 0, size };
  }

  #page(
    items: NItem[],
    base: JsonObject,
    req: Request,
    url: URL,
    strict: boolean,
  ): Ok | Response {
    const paging = this.#paging(req, url);
    if (paging instanceof Response) return paging;
    let { start, size } = paging;
    if (size === undefined) {
      // PMS ≥ 1.28 warns that this "will fail with status code 400 in the future" (§6).
      if (strict) return html(400);
      size = items.length;
    }
    if (this.pageMax !== undefined) size = Math.min(size, this.pageMax);
    if (size > 1 && this.#take("shortPages")) size = Math.floor(size / 2);
    const slice = start > 0 && this.#take("emptyPages") ? [] : items.slice(start, start + size);
    const includeGuids = url.searchParams.get("includeGuids") === "1";
    const container: JsonObject = { size: slice.length, totalSize: items.length, offset: start };
    Object.assign(container, base);
    const excluded = this.#excluded(url);
    // An empty page has no Metadata key at all (fact sheet §1).
    if (slice.length > 0) {
      container.Metadata = slice.map((i) => {
        const item = renderItem(i, false, includeGuids);
        return excluded.size ? without(item, excluded) : item;
      });
    }
    return {
      container,
      headers: {
        "X-Plex-Container-Start": String(start),
        "X-Plex-Container-Total-Size": String(items.length),
      },
    };
  }

  #listing(section: NSection, req: Request, url: URL): Ok | Response {
    const p = url.searchParams;
    const query: ListQuery = {
      type: p.get("type") ?? undefined,
      hdr: p.get("hdr") === "1",
      dovi: p.get("dovi") === "1",
      episodeHdr: p.get("episode.hdr") === "1",
      episodeDovi: p.get("episode.dovi") === "1",
      // `addedAt>>=123` reaches URLSearchParams as key `addedAt>>`, value `123`.
      addedAfter: p.get("addedAt>>") ?? undefined,
      addedBefore: p.get("addedAt<<") ?? undefined,
      showId: p.get("show.id") ?? undefined,
      sort: p.get("sort") ?? undefined,
    };
    const listed = listItems(section, query, this.#cache);
    if (listed instanceof Response) return listed;
    return this.#page(
      listed.items,
      listingContainer(section, listed.level),
      req,
      url,
      this.strictPaging,
    );
  }

  /**
   * What `excludeFields`/`excludeElements` name, unless told to ignore them. Item-level keys
   * only: whether PMS also strips them from Media and Part is not known, and the client never
   * asks for a name those carry.
   */
  #excluded(url: URL): Set<string> {
    if (this.ignoreExcludes) return new Set();
    return new Set(
      ["excludeFields", "excludeElements"]
        .flatMap((p) => (url.searchParams.get(p) ?? "").split(","))
        .filter((k) => k !== ""),
    );
  }

  #detail(keys: string, url: URL): Ok | Response {
    const items = keys.split(",").map((k) => this.#model.byRatingKey.get(k)).filter((
      i,
    ): i is NItem => i !== undefined);
    // Unknown keys in a batch are skipped; a request with none known is a 404 like PMS.
    const first = items[0];
    if (!first) return html(404);
    const excluded = this.#excluded(url);
    return {
      container: {
        size: items.length,
        ...detailContainer(first),
        Metadata: items.map((i) => {
          const item = renderItem(i, true, true);
          return excluded.size ? without(item, excluded) : item;
        }),
      },
    };
  }

  #children(rk: string, allLeaves: boolean, req: Request, url: URL): Ok | Response {
    const item = this.#model.byRatingKey.get(rk);
    if (!item) return html(404);
    const base = detailContainer(item);
    if (item.kind === "show" && !allLeaves) {
      const seasons = [...item.seasons.values()].sort((a, b) => a.index - b.index);
      Object.assign(base, {
        key: item.rk,
        parentIndex: 1,
        parentTitle: item.input.title,
        title1: item.section.input.title,
        title2: item.input.title,
        viewGroup: "season",
      });
      return this.#page(seasons, base, req, url, false);
    }
    const show = item.kind === "show" ? item : item.kind === "season" ? item.show : undefined;
    if (!show) return this.#page([], base, req, url, false);
    const episodes = show.episodes
      .filter((e) => item.kind === "show" || e.season === item)
      .sort((a, b) =>
        a.input.season - b.input.season || (a.input.index ?? 0) - (b.input.index ?? 0)
      );
    Object.assign(base, {
      // A number here, while items carry it as a string (captured tv_episodes.json).
      grandparentRatingKey: numericOrString(show.rk),
      grandparentTitle: show.input.title,
      key: item.rk,
      title1: show.input.title,
      title2: item.kind === "season" ? seasonTitle(item.index) : "All episodes",
      viewGroup: "episode",
    });
    if (item.kind === "season") base.parentIndex = item.index;
    return this.#page(episodes, base, req, url, false);
  }
}
