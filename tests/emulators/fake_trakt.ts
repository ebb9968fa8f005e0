/**
 * A fake Trakt API (OAuth device flow + collection sync) for tests, the demo and benchmarks.
 * One handler serves `/oauth/*` and the API from the same origin, so a client can point both its
 * API and OAuth base URLs at it. It emits the 2026 response shapes, enforces the write pace and
 * the account limit, injects the faults of trakt-api.md §13, and logs every request.
 *
 * Options and faults are plain JSON on purpose: a subprocess runner can build one from argv.
 */

import type { Catalog, InitialCollection } from "./catalog.ts";
import { activationPage } from "./fake_trakt_activate.ts";
import {
  type Counts,
  FakeCollection,
  ghostRow,
  INITIAL_COLLECTED_AT,
  type Shape,
} from "./fake_trakt_collection.ts";
import {
  cloudflareBlock,
  cloudflareErrorPage,
  emptyResponse,
  hasJsonContentType,
  isRecord,
  type JsonRecord,
  jsonResponse,
  paginate,
  sleep,
} from "./fake_trakt_http.ts";
import {
  type DeviceOutcome,
  FakeTraktAuth,
  type RefreshFailure,
  type TokenObject,
} from "./fake_trakt_oauth.ts";

export type { DeviceOutcome, RefreshFailure, TokenObject };

/** One injected failure; `count` answers are served (default 1), then it leaves the queue. */
export interface FaultSpec {
  status: number;
  count?: number;
  /** Default: a Cloudflare error page for 52x, else empty. Malformed JSON is just a body. */
  body?: string;
  /** Default: text/html when the body starts with `<`, JSON otherwise. */
  contentType?: string;
  /** Only requests whose path starts with this (default: any request). */
  path?: string;
  /** Only requests with this method (default: any). */
  method?: string;
  headers?: Record<string, string>;
}

/** Knobs tests may change at any time through `fake.faults`. */
export interface FakeTraktFaults {
  failNext: FaultSpec[];
  /** Stall every request (or those under `delayPath`) this long before answering. */
  delayMs: number;
  delayPath?: string;
  /** Repeat the last row of page N at the start of page N+1. */
  duplicateRowsAcrossPages: boolean;
  /** Insert one row with all ids null, `title: null`, `metadata: null` on every page. */
  ghostRows: boolean;
  /** Add this many pages to `X-Pagination-Page-Count`; pages past the real end are empty. */
  inflatePageCount: number;
  /** Emit the pre-2026 row shape (no `type`/`available_on`, metadata only if asked). */
  classicShape: boolean;
  /** Ignore `page`/`limit` and send everything without `X-Pagination-*` (pre-2026 paging). */
  unpaginated: boolean;
}

export type LimitHeader = "X-Upgrade-URL" | "X-VIP-User" | "X-Account-Limit";

export interface FakeTraktOptions {
  catalog: Catalog;
  collection?: InitialCollection;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  vip?: boolean;
  /** Movies + episodes allowed; default 1000, or 100000 when `vip`; `null` = unlimited. */
  accountLimit?: number | null;
  /** "reject" (default) refuses the whole batch; "partial" applies up to the limit, then 420. */
  limitMode?: "reject" | "partial";
  /** 420 headers to leave out (a real 420 was once seen without `X-Account-Limit`). */
  omitLimitHeaders?: LimitHeader[];
  tokenExpiresIn?: number;
  deviceOutcome?: DeviceOutcome;
  approveAfterPolls?: number;
  /** Seconds; fractions allowed for fast tests. */
  deviceInterval?: number;
  deviceExpiresIn?: number;
  /** verification_url points at this fake's own /activate page (the demo, browser tests). */
  activationPage?: boolean;
  /** Minimum gap between writes per access token; 0 disables pacing. */
  writeIntervalMs?: number;
  pageSizeDefault?: number;
  maxPageSize?: number;
  refreshFailure?: RefreshFailure;
  /** Answer a missing or `Deno/…` User-Agent with Cloudflare's 403 HTML page. */
  requireUserAgent?: boolean;
  faults?: Partial<FakeTraktFaults>;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body; `undefined` when empty or not JSON (see `bodyText`). */
  body: unknown;
  bodyText: string;
  /** 0 until the answer is ready. */
  status: number;
  /** `performance.now()` at arrival. */
  at: number;
  /** Route name such as "POST /sync/collection"; `null` for unknown routes. */
  route: string | null;
  unknown: boolean;
  /** Answered from `faults.failNext`. */
  fault: boolean;
  /** Set when the fake itself threw (answered 500): a bug in the fake, not an injected fault. */
  error?: string;
}

export interface RunningFakeTrakt {
  url: string;
  close(): Promise<void>;
}

type Access = "oauth" | "public" | "user";

interface RouteContext {
  entry: LoggedRequest;
  params: string[];
}

interface Route {
  name: string;
  method: string;
  pattern: RegExp;
  access: Access;
  run(ctx: RouteContext): Response;
}

const COLLECTION_PATHS = new Set(["/sync/collection", "/sync/collection/remove"]);

function defaultFaults(): FakeTraktFaults {
  return {
    failNext: [],
    delayMs: 0,
    duplicateRowsAcrossPages: false,
    ghostRows: false,
    inflatePageCount: 0,
    classicShape: false,
    unpaginated: false,
  };
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Cloudflare blocks requests without a real User-Agent; Deno's default one does not count. */
function isBlockedAgent(agent: string | undefined): boolean {
  return agent === undefined || agent.trim() === "" || agent.startsWith("Deno/");
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(header?.trim() ?? "");
  return match?.[1];
}

function faultResponse(fault: FaultSpec): Response {
  const isCloudflare = fault.status >= 520 && fault.status <= 529;
  const body = fault.body ?? (isCloudflare ? cloudflareErrorPage(fault.status) : "");
  const headers: Record<string, string> = {};
  if (body !== "") {
    headers["content-type"] = fault.contentType ??
      (body.trimStart().startsWith("<")
        ? "text/html; charset=UTF-8"
        : "application/json; charset=utf-8");
  }
  if (isCloudflare) headers.server = "cloudflare";
  return new Response(body === "" ? null : body, {
    status: fault.status,
    headers: { ...headers, ...fault.headers },
  });
}

/** Trakt's sync bodies are an object whose four optional keys, when present, are arrays. */
function isSyncBody(body: unknown): body is JsonRecord {
  if (!isRecord(body)) return false;
  return ["movies", "shows", "seasons", "episodes"].every((key) =>
    body[key] === undefined || Array.isArray(body[key])
  );
}

function settingsBody(username: string, vip: boolean): JsonRecord {
  const slug = username.toLowerCase();
  return {
    user: {
      username,
      private: false,
      name: username,
      vip,
      vip_ep: false,
      vip_og: false,
      vip_years: vip ? 1 : 0,
      director: false,
      ids: { slug, uuid: "b6589fc6ab0dc82cf12099d1c2d40ab994e8410c", trakt: 1234 },
      joined_at: "2015-03-01T10:00:00.000Z",
      location: null,
      about: null,
      gender: null,
      age: null,
      images: { avatar: { full: "https://walter-r2.trakt.tv/images/users/avatar.png" } },
    },
    account: { timezone: "UTC", date_format: "ymd", time_24hr: true, cover_image: null },
    connections: { facebook: false, twitter: false, google: false, tumblr: false, medium: false },
    sharing_text: { watching: "I'm watching [item]", watched: "I just watched [item]" },
    permissions: { commenting: true, liking: true, following: true },
    // No collection limit here: Trakt exposes none (§5), the client infers it from `vip`.
    limits: {
      list: { count: vip ? 100 : 5, item_count: vip ? 5000 : 250 },
      watchlist: { item_count: vip ? 5000 : 250 },
      favorites: { item_count: vip ? 500 : 50 },
      recommendations: { item_count: 50 },
    },
  };
}

function activitiesBody(movies: string, episodes: string): JsonRecord {
  const past = INITIAL_COLLECTED_AT;
  return {
    all: movies > episodes ? movies : episodes,
    movies: {
      watched_at: past,
      collected_at: movies,
      rated_at: past,
      watchlisted_at: past,
      favorited_at: past,
      commented_at: past,
      paused_at: past,
      hidden_at: past,
    },
    episodes: {
      watched_at: past,
      collected_at: episodes,
      rated_at: past,
      watchlisted_at: past,
      commented_at: past,
      paused_at: past,
    },
    shows: {
      rated_at: past,
      watchlisted_at: past,
      favorited_at: past,
      commented_at: past,
      hidden_at: past,
    },
    seasons: { rated_at: past, watchlisted_at: past, commented_at: past, hidden_at: past },
    comments: { liked_at: past, reacted_at: past, blocked_at: past },
    lists: { liked_at: past, reacted_at: past, updated_at: past, commented_at: past },
    watchlist: { updated_at: past },
    favorites: { updated_at: past },
    account: { settings_at: past, followed_at: past, following_at: past, pending_at: past },
  };
}

export class FakeTrakt {
  /** Mutable at any time; read on every request. */
  readonly faults: FakeTraktFaults;
  readonly log: LoggedRequest[] = [];

  readonly #auth: FakeTraktAuth;
  readonly #collection: FakeCollection;
  readonly #clientId: string;
  readonly #username: string;
  readonly #vip: boolean;
  readonly #accountLimit: number | null;
  readonly #limitMode: "reject" | "partial";
  readonly #omitLimitHeaders: LimitHeader[];
  readonly #writeIntervalMs: number;
  readonly #pageSizeDefault: number;
  readonly #maxPageSize: number;
  readonly #requireUserAgent: boolean;
  readonly #routes: Route[];
  /** Arrival time (`performance.now()`) of the last paced write, per access token. */
  readonly #lastWrite = new Map<string, number>();
  #moviesCollectedAt = INITIAL_COLLECTED_AT;
  #episodesCollectedAt = INITIAL_COLLECTED_AT;
  #lastStamp = 0;
  /** Aborted by `close()` so stalled (delayed) answers let the server shut down. */
  #closing = new AbortController();

  constructor(options: FakeTraktOptions) {
    const vip = options.vip ?? false;
    this.#clientId = options.clientId ?? "test-client-id";
    this.#username = options.username ?? "plexfan";
    this.#vip = vip;
    this.#accountLimit = options.accountLimit === undefined
      ? (vip ? 100_000 : 1_000)
      : options.accountLimit;
    this.#limitMode = options.limitMode ?? "reject";
    this.#omitLimitHeaders = options.omitLimitHeaders ?? [];
    this.#writeIntervalMs = options.writeIntervalMs ?? 1000;
    this.#pageSizeDefault = options.pageSizeDefault ?? 100;
    this.#maxPageSize = options.maxPageSize ?? 250;
    this.#requireUserAgent = options.requireUserAgent ?? true;
    // Copy the queue: the fake consumes it, and the caller's options object should stay intact.
    this.faults = {
      ...defaultFaults(),
      ...options.faults,
      failNext: [...(options.faults?.failNext ?? [])],
    };
    this.#collection = new FakeCollection(options.catalog, options.collection);
    this.#auth = new FakeTraktAuth({
      clientId: this.#clientId,
      clientSecret: options.clientSecret ?? "test-client-secret",
      tokenExpiresIn: options.tokenExpiresIn ?? 604_800,
      deviceOutcome: options.deviceOutcome ?? "approve",
      approveAfterPolls: options.approveAfterPolls ?? 2,
      deviceInterval: options.deviceInterval ?? 5,
      deviceExpiresIn: options.deviceExpiresIn ?? 600,
      refreshFailure: options.refreshFailure ?? "json400",
      activationPage: options.activationPage ?? false,
    });
    this.#routes = this.#buildRoutes();
  }

  // ---- test-facing API -------------------------------------------------------------------

  /** Seeds a logged-in user without the device flow; the fake accepts the returned tokens. */
  issueTokens(opts?: { expiresIn?: number; createdAt?: number }): TokenObject {
    return this.#auth.issueTokens(opts);
  }

  /** Approves or denies a pending device code, as the user would on trakt.tv/activate. */
  decideDevice(userCode: string, decision: "approve" | "deny"): boolean {
    return this.#auth.decideDevice(userCode, decision);
  }

  /** Makes every access token issued so far expired (refresh tokens keep working). */
  expireAccessTokens(): void {
    this.#auth.expireAccessTokens();
  }

  get refreshCount(): number {
    return this.#auth.refreshCount;
  }
  get successfulRefreshes(): number {
    return this.#auth.successfulRefreshes;
  }
  get refusedRefreshes(): number {
    return this.#auth.refusedRefreshes;
  }

  collectedMovies(): { trakt: number; collected_at: string; metadata: Record<string, unknown> }[] {
    return this.#collection.movies();
  }

  collectedEpisodes(): {
    show: number;
    season: number;
    number: number;
    collected_at: string;
    metadata: Record<string, unknown>;
  }[] {
    return this.#collection.episodes();
  }

  /** Collection writes (add or remove) that were accepted and applied. */
  writes(): LoggedRequest[] {
    return this.log.filter((e) =>
      e.method === "POST" && COLLECTION_PATHS.has(e.path) && (e.status === 200 || e.status === 201)
    );
  }

  /** Every write attempt outside `/oauth`, whatever its answer (429s and 420s included). */
  writeAttempts(): LoggedRequest[] {
    return this.log.filter((e) => e.method !== "GET" && !e.path.startsWith("/oauth/"));
  }

  count(pathPrefix: string, method?: string): number {
    return this.log.filter((e) =>
      e.path.startsWith(pathPrefix) && (method === undefined || e.method === method.toUpperCase())
    ).length;
  }

  unknownRequests(): LoggedRequest[] {
    return this.log.filter((e) => e.unknown);
  }

  /** Serves the handler on 127.0.0.1 and a free port; `close()` waits for in-flight answers. */
  start(): Promise<RunningFakeTrakt> {
    const closing = new AbortController();
    this.#closing = closing;
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) => this.handler(req),
    );
    return Promise.resolve({
      url: `http://127.0.0.1:${server.addr.port}`,
      close: async () => {
        closing.abort();
        await server.shutdown();
      },
    });
  }

  // ---- request pipeline ------------------------------------------------------------------

  /** An arrow property so `fake.handler` can be passed around unbound. */
  readonly handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const bodyText = await req.text();
    const entry: LoggedRequest = {
      method: req.method.toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: Object.fromEntries(req.headers),
      body: parseJson(bodyText),
      bodyText,
      status: 0,
      at: performance.now(),
      route: null,
      unknown: false,
      fault: false,
    };
    this.log.push(entry);
    let response: Response;
    try {
      response = entry.path.startsWith("/activate")
        ? activationPage(entry, (code, d) => this.#auth.decideDevice(code, d))
        : await this.#respond(entry);
    } catch (err) {
      entry.error = err instanceof Error ? err.stack ?? err.message : String(err);
      response = jsonResponse(500, { error: "fake_trakt_crashed" });
    }
    entry.status = response.status;
    return response;
  };

  /**
   * The order mirrors the real stack: a stall anywhere, Cloudflare (User-Agent, injected
   * 5xx/52x), routing, Trakt's header checks, OAuth, the write rate limiter, then the endpoint.
   */
  async #respond(entry: LoggedRequest): Promise<Response> {
    const { delayMs, delayPath } = this.faults;
    if (delayMs > 0 && (delayPath === undefined || entry.path.startsWith(delayPath))) {
      // Only close() cuts a stall short: listening on `req.signal` makes Deno.serve warn about
      // its legacy abort semantics, and a stalled answer to a vanished client is harmless.
      await sleep(delayMs, this.#closing.signal);
    }
    if (this.#requireUserAgent && isBlockedAgent(entry.headers["user-agent"])) {
      return cloudflareBlock();
    }
    const injected = this.#takeFault(entry);
    if (injected) return injected;
    const found = this.#match(entry);
    if (!found) {
      entry.unknown = true;
      const pathKnown = this.#routes.some((r) => r.pattern.test(entry.path));
      return emptyResponse(pathKnown ? 405 : 404);
    }
    entry.route = found.route.name;
    const refusal = this.#checkHeaders(found.route, entry);
    if (refusal) return refusal;
    if (found.route.access === "user") {
      const token = bearerToken(entry.headers.authorization);
      // Trakt's 401 body is unknown (§14); empty makes clients decide on the status alone.
      if (!token || !this.#auth.isValidAccessToken(token)) return emptyResponse(401);
      if (entry.method !== "GET") {
        const paced = this.#pace(token);
        if (paced) return paced;
      }
    }
    return found.route.run({ entry, params: found.params });
  }

  #takeFault(entry: LoggedRequest): Response | undefined {
    const queue = this.faults.failNext;
    const index = queue.findIndex((f) =>
      (f.path === undefined || entry.path.startsWith(f.path)) &&
      (f.method === undefined || f.method.toUpperCase() === entry.method)
    );
    const fault = queue[index];
    if (!fault) return undefined;
    const remaining = (fault.count ?? 1) - 1;
    if (remaining <= 0) queue.splice(index, 1);
    else fault.count = remaining;
    entry.fault = true;
    return faultResponse(fault);
  }

  #match(entry: LoggedRequest): { route: Route; params: string[] } | undefined {
    for (const route of this.#routes) {
      if (route.method !== entry.method) continue;
      const match = route.pattern.exec(entry.path);
      if (match) return { route, params: match.slice(1) };
    }
    return undefined;
  }

  /** §2: OAuth calls need a JSON content type; API calls also need the key and version. */
  #checkHeaders(route: Route, entry: LoggedRequest): Response | undefined {
    const headers = new Headers(entry.headers);
    if (route.access !== "oauth") {
      if (headers.get("trakt-api-key") !== this.#clientId) {
        return jsonResponse(403, {
          error: "forbidden",
          error_description: "Invalid API key or unapproved app",
        });
      }
      if (headers.get("trakt-api-version") !== "2") return emptyResponse(412);
    }
    return hasJsonContentType(headers) ? undefined : emptyResponse(412);
  }

  /** §9: one write per `writeIntervalMs` per token; a refused write leaves the clock alone. */
  #pace(token: string): Response | undefined {
    if (this.#writeIntervalMs <= 0) return undefined;
    const now = performance.now();
    const last = this.#lastWrite.get(token);
    if (last !== undefined && now - last < this.#writeIntervalMs) {
      const waitMs = this.#writeIntervalMs - (now - last);
      const until = new Date(Date.now() + waitMs).toISOString().replace(/\.\d{3}Z$/, "Z");
      return emptyResponse(429, {
        "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))),
        "x-ratelimit": JSON.stringify({
          name: "AUTHED_API_POST_LIMIT",
          period: 1,
          limit: 1,
          remaining: 0,
          until,
        }),
      });
    }
    this.#lastWrite.set(token, now);
    return undefined;
  }

  // ---- endpoints -------------------------------------------------------------------------

  #buildRoutes(): Route[] {
    const auth = this.#auth;
    const route = (name: string, pattern: RegExp, access: Access, run: Route["run"]): Route => ({
      name,
      method: name.split(" ")[0] ?? "GET",
      pattern,
      access,
      run,
    });
    return [
      route(
        "POST /oauth/device/code",
        /^\/oauth\/device\/code$/,
        "oauth",
        (c) => auth.deviceCode(c.entry.body, c.entry.headers.host),
      ),
      route(
        "POST /oauth/device/token",
        /^\/oauth\/device\/token$/,
        "oauth",
        (c) => auth.deviceToken(c.entry.body),
      ),
      route("POST /oauth/token", /^\/oauth\/token$/, "oauth", (c) => auth.refresh(c.entry.body)),
      route("POST /oauth/revoke", /^\/oauth\/revoke$/, "oauth", (c) => auth.revoke(c.entry.body)),
      route(
        "GET /users/settings",
        /^\/users\/settings$/,
        "user",
        () => jsonResponse(200, settingsBody(this.#username, this.#vip)),
      ),
      route(
        "GET /sync/last_activities",
        /^\/sync\/last_activities$/,
        "user",
        () => jsonResponse(200, activitiesBody(this.#moviesCollectedAt, this.#episodesCollectedAt)),
      ),
      route(
        "GET /sync/collection/:type",
        /^\/sync\/collection\/(movies|shows)$/,
        "user",
        (c) => this.#listCollection(c.params[0], c.entry.query),
      ),
      route(
        "GET /users/:id/collection/:type",
        /^\/users\/([^/]+)\/collection\/(movies|shows)$/,
        "user",
        (c) =>
          this.#isMe(c.params[0])
            ? this.#listCollection(c.params[1], c.entry.query)
            : emptyResponse(404),
      ),
      route(
        "POST /sync/collection",
        /^\/sync\/collection$/,
        "user",
        (c) => this.#addToCollection(c.entry.body),
      ),
      route(
        "POST /sync/collection/remove",
        /^\/sync\/collection\/remove$/,
        "user",
        (c) => this.#removeFromCollection(c.entry.body),
      ),
      route(
        "GET /search/:id_type/:id",
        /^\/search\/(trakt|imdb|tmdb|tvdb)\/([^/]+)$/,
        "public",
        (c) => jsonResponse(200, this.#search(c.params, c.entry.query)),
      ),
    ];
  }

  #isMe(id: string | undefined): boolean {
    return id === "me" || id?.toLowerCase() === this.#username.toLowerCase();
  }

  #search(params: string[], query: URLSearchParams): unknown[] {
    const types = (query.get("type") ?? "").split(",").filter((t) => t !== "");
    return this.#collection.search(params[0] ?? "", decodeURIComponent(params[1] ?? ""), types);
  }

  #listCollection(type: string | undefined, query: URLSearchParams): Response {
    const shape: Shape = this.faults.classicShape ? "classic" : "2026";
    const withMetadata = (query.get("extended") ?? "").split(",").includes("metadata");
    const kind = type === "shows" ? "show" : "movie";
    const rows = kind === "show"
      ? this.#collection.showRows(shape, withMetadata)
      : this.#collection.movieRows(shape, withMetadata);
    if (this.faults.unpaginated) return jsonResponse(200, rows);
    const page = paginate(rows, query, {
      defaultLimit: this.#pageSizeDefault,
      maxLimit: this.#maxPageSize,
      duplicateRowsAcrossPages: this.faults.duplicateRowsAcrossPages,
      ghostRow: this.faults.ghostRows ? ghostRow(kind, shape) : undefined,
      inflatePageCount: this.faults.inflatePageCount,
    });
    return jsonResponse(200, page.rows, page.headers);
  }

  #addToCollection(body: unknown): Response {
    if (!isSyncBody(body)) return emptyResponse(400);
    const resolution = this.#collection.resolve(body);
    const stamp = this.#nextStamp();
    const result = this.#collection.add(resolution, this.#accountLimit, this.#limitMode, stamp);
    this.#bumpActivities(
      {
        movies: result.added.movies + result.updated.movies,
        episodes: result.added.episodes + result.updated.episodes,
      },
      stamp,
    );
    if (result.limited) return emptyResponse(420, this.#limitHeaders());
    return jsonResponse(201, {
      added: result.added,
      updated: result.updated,
      existing: result.existing,
      not_found: resolution.notFound,
    });
  }

  #removeFromCollection(body: unknown): Response {
    if (!isSyncBody(body)) return emptyResponse(400);
    const resolution = this.#collection.resolve(body);
    const deleted = this.#collection.remove(resolution);
    this.#bumpActivities(deleted, this.#nextStamp());
    return jsonResponse(200, { deleted, not_found: resolution.notFound });
  }

  #limitHeaders(): Record<string, string> {
    const all: Record<LimitHeader, string> = {
      "X-Upgrade-URL": "https://app.trakt.tv/vip",
      "X-VIP-User": String(this.#vip),
      "X-Account-Limit": String(this.#accountLimit ?? ""),
    };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(all)) {
      if (!this.#omitLimitHeaders.some((h) => h === name)) headers[name] = value;
    }
    return headers;
  }

  /** A strictly increasing ISO time, so two writes in one millisecond still change the stamps. */
  #nextStamp(): string {
    this.#lastStamp = Math.max(Date.now(), this.#lastStamp + 1);
    return new Date(this.#lastStamp).toISOString();
  }

  /** §8: clients cache the collection on these two stamps, so every change must move them. */
  #bumpActivities(changed: Counts, stamp: string): void {
    if (changed.movies > 0) this.#moviesCollectedAt = stamp;
    if (changed.episodes > 0) this.#episodesCollectedAt = stamp;
  }
}
