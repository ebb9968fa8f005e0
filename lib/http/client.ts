/**
 * The one fetch wrapper both API clients use: headers, per-request timeouts, bounded retries
 * with jittered exponential backoff, 429 handling, write pacing, counting and redacted
 * request logging. It knows HTTP, not Plex or Trakt: callers decide what a status means.
 */
import { InterruptedError, RemoteError } from "../errors.ts";
import { redact } from "./redact.ts";
import { type Sleep, sleep as realSleep } from "./sleep.ts";

export type Service = "plex" | "trakt";

export interface HttpStats {
  get: number;
  post: number;
  /** Requests sent again, after a fault or a 429. */
  retries: number;
  /** Of those, sent again after a fault (network, timeout, 5xx): one the server may have done. */
  faultRetries: number;
  rateLimited: number;
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
  /** Writes share one pace (Trakt allows one write per second per user). */
  paced?: boolean;
  /** Statuses the caller handles itself: returned instead of retried. */
  passStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpClientOptions {
  service: Service;
  /** Name of the remote for messages ("Plex server Main Server", "Trakt"). */
  label: string;
  /** Where its address is set, for "could not be reached" ("[plex:0] url"). */
  urlSetting?: string;
  baseHeaders: Record<string, string>;
  timeoutMs: number;
  /** Retries of network faults, 5xx and 520–522 (not counting the first attempt). */
  retries?: number;
  /** Backoff base; doubled per attempt, with full jitter. */
  backoffMs?: number;
  /** Longest wait a 429 may ask for before we give up rather than hang a timer. */
  maxRetryAfterMs?: number;
  max429?: number;
  writeIntervalMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => number;
  log?: (line: string) => void;
}

const RETRYABLE = new Set([500, 502, 503, 504, 520, 521, 522, 523, 524]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Same-origin redirects followed in a row before giving up (a loop, say). */
const MAX_REDIRECTS = 5;

export class HttpClient {
  readonly stats: HttpStats = { get: 0, post: 0, retries: 0, faultRetries: 0, rateLimited: 0 };
  #opts: HttpClientOptions;
  #lastWriteAt = -Infinity;

  constructor(opts: HttpClientOptions) {
    this.#opts = opts;
  }

  get label(): string {
    return this.#opts.label;
  }

  async request(first: HttpRequest): Promise<HttpResponse> {
    const o = this.#opts;
    const sleep = o.sleep ?? realSleep;
    const retries = o.retries ?? 4;
    const backoff = o.backoffMs ?? 1000;
    let faults = 0;
    let limited = 0;
    let req = first;
    let redirects = 0;
    for (;;) {
      if (req.paced) await this.#pace(sleep);
      const started = (o.now ?? Date.now)();
      let res: HttpResponse;
      try {
        res = await this.#once(req);
      } catch (err) {
        if (err instanceof InterruptedError) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        this.#log(req, `failed after ${(o.now ?? Date.now)() - started} ms: ${reason}`);
        if (faults >= retries) {
          const tls = /certificate|tls|ssl/i.test(reason)
            ? ". Its TLS certificate was not accepted: for Plex, use the server's " +
              "https://…plex.direct:32400 address or plain http:// on your network"
            : "";
          // The address tried, unless the label already says it (Plex's does).
          const origin = new URL(req.url).origin;
          const at = o.label.includes(origin) ? "" : ` at ${origin}`;
          const setting = o.urlSetting ? ` (${o.urlSetting})` : "";
          throw new RemoteError(
            `${o.label} could not be reached${at} (${reason}) after ${faults + 1} ` +
              `attempt${faults === 0 ? "" : "s"}${tls}. ` +
              `Check that it is running and the URL is right${setting}, then try again`,
            o.service,
            undefined,
            { cause: err },
          );
        }
        faults++;
        this.stats.retries++;
        this.stats.faultRetries++;
        await sleep(jitter(backoff * 2 ** (faults - 1)), o.signal);
        continue;
      }
      this.#log(req, `${res.status} in ${(o.now ?? Date.now)() - started} ms`);
      if (REDIRECTS.has(res.status) && res.headers.has("location")) {
        const from = req.url;
        req = this.#redirected(req, res, ++redirects);
        const how = new URL(from).origin === new URL(req.url).origin
          ? "same address"
          : "same host, now https";
        this.#log(req, "", `↳ redirected there (${how}), following: `);
        continue;
      }
      if (req.passStatuses?.includes(res.status)) return res;
      if (res.status === 429) {
        this.stats.rateLimited++;
        const wait = retryAfterMs(res.headers, (o.now ?? Date.now)());
        const maxWait = o.maxRetryAfterMs ?? 120_000;
        if (wait > maxWait) {
          // Too long to wait out in a run: say how long Trakt asked for.
          throw new RemoteError(
            `${o.label} answered 429 (rate limited) and asked to wait ` +
              `${Math.ceil(wait / 60_000)} minutes. Run the command again after that`,
            o.service,
            429,
          );
        }
        if (limited >= (o.max429 ?? 5)) {
          throw new RemoteError(
            `${o.label} ${
              limited === 0
                ? "answered 429 (rate limited)"
                : `kept answering 429 (rate limited) after ${limited + 1} attempts`
            }. ` +
              `Wait a few minutes, then run the command again`,
            o.service,
            429,
          );
        }
        limited++;
        this.stats.retries++;
        await sleep(wait + jitter(250), o.signal);
        continue;
      }
      if (RETRYABLE.has(res.status) && faults < retries) {
        faults++;
        this.stats.retries++;
        this.stats.faultRetries++;
        // Trakt asks for 30 s on overload; we start lower and grow, bounded by `retries`.
        await sleep(jitter(backoff * 2 ** (faults - 1)), o.signal);
        continue;
      }
      return res;
    }
  }

  /**
   * Where a redirect leads, when it may be followed: to the same origin (scheme, host and port),
   * or from http to https on the same host (a proxy that upgrades: what was sent in the clear
   * goes to the same host, encrypted), so a token header or a refresh token and client secret in
   * the body never go anywhere else (a single sign-on proxy, an http:// downgrade), and with
   * the method kept, since a POST
   * turned into a GET would quietly send nothing. Otherwise a RemoteError (exit 4) naming the
   * target's origin, never its path or query, which may carry what it was sent.
   */
  #redirected(req: HttpRequest, res: HttpResponse, count: number): HttpRequest {
    const o = this.#opts;
    const from = new URL(req.url);
    const setting = o.urlSetting ? ` (${o.urlSetting})` : "";
    const said = `${o.label} answered ${req.method} ${from.pathname} with a redirect ` +
      `(HTTP ${res.status})`;
    let to: URL;
    try {
      to = new URL(res.headers.get("location") ?? "", from);
    } catch {
      throw new RemoteError(
        `${said} to an address that is not a valid URL. Check the URL${setting}`,
        o.service,
        res.status,
      );
    }
    const upgrade = from.protocol === "http:" && to.protocol === "https:" &&
      to.hostname === from.hostname;
    if (to.origin !== from.origin && !upgrade) {
      const downgrade = from.protocol === "https:" && to.protocol === "http:"
        ? ", from https to plain http"
        : "";
      throw new RemoteError(
        `${said} to another address, ${to.origin}${downgrade}. complexionist does not follow ` +
          "it, so that its credentials are never sent elsewhere. Use the address that answers " +
          `itself${setting}; a login page in front of it (a single sign-on proxy) needs a way ` +
          "around it for complexionist",
        o.service,
        res.status,
      );
    }
    if (req.method !== "GET" && res.status !== 307 && res.status !== 308) {
      throw new RemoteError(
        `${said}, which would turn it into a GET and send nothing. Check the URL${setting}`,
        o.service,
        res.status,
      );
    }
    if (count > MAX_REDIRECTS) {
      throw new RemoteError(
        `${said} once more after ${MAX_REDIRECTS} redirects in a row. Check the URL${setting}`,
        o.service,
        res.status,
      );
    }
    return { ...req, url: to.href };
  }

  async #pace(sleep: Sleep): Promise<void> {
    const o = this.#opts;
    const now = o.now ?? Date.now;
    const wait = this.#lastWriteAt + (o.writeIntervalMs ?? 0) - now();
    if (wait > 0) await sleep(wait, o.signal);
    this.#lastWriteAt = now();
  }

  async #once(req: HttpRequest): Promise<HttpResponse> {
    const o = this.#opts;
    if (o.signal?.aborted) throw new InterruptedError();
    if (req.method === "GET") this.stats.get++;
    else this.stats.post++;
    // One controller per request, its timer and its link to the run's signal undone as soon as
    // the body is in. `AbortSignal.timeout()` and `AbortSignal.any()` kept every request's
    // buffers alive (until the timer fired, or for the whole run): tens of MiB on a big library.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, req.timeoutMs ?? o.timeoutMs);
    const interrupt = () => abort.abort();
    o.signal?.addEventListener("abort", interrupt);
    const signal = abort.signal;
    const headers = { ...o.baseHeaders, ...req.headers };
    try {
      const res = await (o.fetch ?? fetch)(req.url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal,
        // Followed by `request`, and only to the same origin: fetch would follow anywhere.
        redirect: "manual",
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text };
    } catch (err) {
      if (o.signal?.aborted) throw new InterruptedError();
      if (timedOut) {
        const ms = req.timeoutMs ?? o.timeoutMs;
        throw new Error(
          `no answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`,
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", interrupt);
    }
  }

  #log(req: HttpRequest, outcome: string, before = ""): void {
    const log = this.#opts.log;
    if (!log) return; // built per request: only worth it when someone reads it (--verbose)
    const u = new URL(req.url);
    const line = `${before}${req.method} ${u.origin}${u.pathname}${u.search}`;
    log(redact(outcome === "" ? line : `${line} → ${outcome}`));
  }
}

function jitter(ms: number): number {
  return ms / 2 + Math.random() * ms / 2;
}

/** `Retry-After` seconds, else the `until` of `X-Ratelimit`, else a 2 s default. */
export function retryAfterMs(headers: Headers, now = Date.now()): number {
  const ra = headers.get("retry-after");
  if (ra !== null && /^\d+(\.\d+)?$/.test(ra.trim())) return Number(ra) * 1000;
  const xr = headers.get("x-ratelimit");
  if (xr) {
    try {
      const until = Date.parse(JSON.parse(xr).until);
      if (Number.isFinite(until) && until > now) return Math.min(until - now, 600_000);
    } catch {
      // An unparseable X-Ratelimit is no reason to fail: fall through to the default.
    }
  }
  return 2000;
}
