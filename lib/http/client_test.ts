import assert from "node:assert/strict";
import { InterruptedError, RemoteError } from "../errors.ts";
import { HttpClient, type HttpClientOptions, retryAfterMs } from "./client.ts";
import type { Sleep } from "./sleep.ts";
import { caught } from "../../tests/helpers/caught.ts";

// ---- harness: a fake clock whose sleep advances time, and a scripted fetch -----------------

/** 2001-09-09T01:46:40Z: far from the real clock, so a test cannot pass by reading Date.now(). */
const T0 = 1_000_000_000_000;

class Clock {
  t = T0;
  sleeps: number[] = [];
  now = (): number => this.t;
  sleep: Sleep = (ms, signal) => {
    if (signal?.aborted) return Promise.reject(new InterruptedError("Interrupted"));
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
    return Promise.resolve();
  };
}

/** One scripted answer: a response factory, a thrown error, or a fetch that waits for abort. */
type Step = (() => Response) | Error | "hang";

interface Call {
  at: number;
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

function respond(status: number, body = "", headers: Record<string, string> = {}): () => Response {
  const nullBody = status === 204 || status === 304;
  return () => new Response(nullBody ? null : body, { status, headers });
}

function scripted(clock: Clock, steps: Step[], onCall?: (call: Call) => void) {
  const calls: Call[] = [];
  const fetchStub = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const call: Call = {
      at: clock.t,
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? init.body : undefined,
    };
    calls.push(call);
    onCall?.(call);
    const step = steps.shift();
    if (step === undefined) return Promise.reject(new Error("test: no more scripted answers"));
    if (step === "hang") {
      return new Promise((_, reject) => {
        const signal = init?.signal;
        if (!signal) return;
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    if (step instanceof Error) return Promise.reject(step);
    return Promise.resolve(step());
  };
  return { calls, fetch: fetchStub as typeof fetch };
}

function client(
  clock: Clock,
  steps: Step[],
  opts: Partial<HttpClientOptions> = {},
  onCall?: (call: Call) => void,
) {
  const s = scripted(clock, steps, onCall);
  const http = new HttpClient({
    service: "trakt",
    label: "Trakt",
    baseHeaders: { "User-Agent": "complexionist/test", "Content-Type": "application/json" },
    timeoutMs: 30_000,
    retries: 3,
    backoffMs: 1000,
    fetch: s.fetch,
    sleep: clock.sleep,
    now: clock.now,
    ...opts,
  });
  return { http, calls: s.calls };
}

function inRange(value: number, min: number, max: number, what = "value"): void {
  assert.ok(value >= min && value <= max, `${what} ${value} not in [${min}, ${max}]`);
}

const URL_ = "https://api.trakt.test/sync/collection";

// ---- plain requests ------------------------------------------------------------------------

Deno.test("HttpClient.request() sends base and request headers and a JSON body", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [respond(201, '{"ok":true}', { "x-a": "1" })]);
  const res = await http.request({
    method: "POST",
    url: URL_,
    headers: { "trakt-api-key": "abc", "Content-Type": "application/json; charset=utf-8" },
    body: { movies: [{ ids: { tmdb: 1 } }] },
  });
  assert.equal(res.status, 201);
  assert.equal(res.text, '{"ok":true}');
  assert.equal(res.headers.get("x-a"), "1");
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.method, "POST");
  assert.equal(calls[0]!.headers.get("user-agent"), "complexionist/test");
  assert.equal(calls[0]!.headers.get("trakt-api-key"), "abc");
  assert.equal(calls[0]!.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(calls[0]!.body, '{"movies":[{"ids":{"tmdb":1}}]}');
  assert.deepEqual(http.stats, { get: 0, post: 1, retries: 0, faultRetries: 0, rateLimited: 0 });
  assert.equal(http.label, "Trakt");
});

Deno.test("HttpClient.request() sends no body on a GET", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [respond(200, "[]")]);
  await http.request({ method: "GET", url: URL_ });
  assert.equal(calls[0]!.body, undefined);
  assert.equal(calls[0]!.method, "GET");
  assert.deepEqual(clock.sleeps, []);
});

// ---- retries -------------------------------------------------------------------------------

Deno.test("HttpClient.request() retries 5xx and 520–522 with growing jittered backoff", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [
    respond(500),
    respond(503),
    respond(520, "<html>cf</html>"),
    respond(200, "{}"),
  ], { retries: 4, backoffMs: 1000 });
  const res = await http.request({ method: "GET", url: URL_ });
  assert.equal(res.status, 200);
  assert.equal(calls.length, 4);
  assert.equal(clock.sleeps.length, 3);
  inRange(clock.sleeps[0]!, 500, 1000, "first backoff");
  inRange(clock.sleeps[1]!, 1000, 2000, "second backoff");
  inRange(clock.sleeps[2]!, 2000, 4000, "third backoff");
  assert.deepEqual(http.stats, { get: 4, post: 0, retries: 3, faultRetries: 3, rateLimited: 0 });
});

Deno.test("HttpClient.request() retries each of 502, 504, 521 and 522", async () => {
  for (const status of [502, 504, 521, 522]) {
    const clock = new Clock();
    const { http, calls } = client(clock, [respond(status), respond(200)]);
    const res = await http.request({ method: "GET", url: URL_ });
    assert.equal(res.status, 200, `after ${status}`);
    assert.equal(calls.length, 2, `${status} retried once`);
  }
});

Deno.test("HttpClient.request() hands back the last 5xx once the retries are spent", async () => {
  // The HTTP layer knows no service semantics: callers (lib/trakt/http.ts) turn it into an error.
  const clock = new Clock();
  const { http, calls } = client(clock, [respond(503), respond(503), respond(503)], {
    retries: 2,
  });
  const res = await http.request({ method: "GET", url: URL_ });
  assert.equal(res.status, 503);
  assert.equal(calls.length, 3);
  assert.equal(http.stats.retries, 2);
});

Deno.test("HttpClient.request() retries network errors, then throws RemoteError", async () => {
  const clock = new Clock();
  const boom = () => new TypeError("error sending request: connection refused");
  const { http, calls } = client(clock, [boom(), boom(), boom()], {
    service: "plex",
    label: 'Plex server "Main"',
    retries: 2,
    backoffMs: 100,
  });
  const err = await caught(http.request({ method: "GET", url: URL_ }), RemoteError);
  assert.equal(calls.length, 3);
  assert.equal(clock.sleeps.length, 2);
  assert.equal(err.service, "plex");
  assert.equal(err.status, undefined);
  assert.equal(err.exitCode, 4);
  assert.match(err.message, /Plex server "Main" could not be reached/);
  assert.match(err.message, /connection refused/);
  assert.match(err.message, /after 3 attempts/);
  assert.ok(err.cause instanceof TypeError);
  assert.equal(http.stats.retries, 2);
});

Deno.test("HttpClient.request() recovers from a network error on retry", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [new TypeError("reset"), respond(200, "ok")]);
  assert.equal((await http.request({ method: "GET", url: URL_ })).text, "ok");
  assert.equal(calls.length, 2);
});

Deno.test("HttpClient.request() explains a refused TLS certificate", async () => {
  const clock = new Clock();
  const { http } = client(clock, [new TypeError("invalid peer certificate: UnknownIssuer")], {
    retries: 0,
  });
  await assert.rejects(
    http.request({ method: "GET", url: URL_ }),
    (e: unknown) => e instanceof RemoteError && /TLS certificate was not accepted/.test(e.message),
  );
});

Deno.test("HttpClient.request() does not retry 4xx answers", async () => {
  for (const status of [400, 401, 403, 404, 409, 412, 420, 422, 423]) {
    const clock = new Clock();
    const { http, calls } = client(clock, [respond(status), respond(200)]);
    const res = await http.request({ method: "POST", url: URL_, body: {} });
    assert.equal(res.status, status);
    assert.equal(calls.length, 1, `${status} not retried`);
    assert.deepEqual(clock.sleeps, []);
  }
});

// ---- 429 -----------------------------------------------------------------------------------

Deno.test("HttpClient.request() waits Retry-After seconds on 429, then retries", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [
    respond(429, "", { "retry-after": "3" }),
    respond(429, "", { "retry-after": "1" }),
    respond(201, "{}"),
  ]);
  const res = await http.request({ method: "POST", url: URL_, body: {} });
  assert.equal(res.status, 201);
  assert.equal(calls.length, 3);
  assert.equal(clock.sleeps.length, 2);
  inRange(clock.sleeps[0]!, 3125, 3250, "first 429 wait");
  inRange(clock.sleeps[1]!, 1125, 1250, "second 429 wait");
  assert.deepEqual(http.stats, { get: 0, post: 3, retries: 2, faultRetries: 0, rateLimited: 2 });
});

Deno.test({
  name: "HttpClient.request() measures X-Ratelimit.until on the injected clock",
  // Without Retry-After the wait comes from X-Ratelimit's `until`, measured on the client's own
  // clock (with a fake clock at 2001-09-09 and `until` 7 s later, the wait is 7 s, not 2 s).
  async fn() {
    const clock = new Clock();
    const until = new Date(T0 + 7000).toISOString();
    const { http } = client(clock, [
      respond(429, "", { "x-ratelimit": JSON.stringify({ until }) }),
      respond(201),
    ]);
    await http.request({ method: "POST", url: URL_ });
    inRange(clock.sleeps[0]!, 7125, 7250, "X-Ratelimit wait");
  },
});

Deno.test("HttpClient.request() waits 2 s on a 429 that names no time", async () => {
  const clock = new Clock();
  const { http } = client(clock, [respond(429, "<html>slow down</html>"), respond(200)]);
  await http.request({ method: "GET", url: URL_ });
  inRange(clock.sleeps[0]!, 2125, 2250, "default wait");
  assert.equal(http.stats.rateLimited, 1);
});

Deno.test("HttpClient.request() gives up after max429 rate-limited answers", async () => {
  const clock = new Clock();
  const r429 = respond(429, "", { "retry-after": "1" });
  const { http, calls } = client(clock, [r429, r429, r429, r429, respond(200)], { max429: 2 });
  const err = await caught(http.request({ method: "POST", url: URL_ }), RemoteError);
  assert.equal(err.status, 429);
  assert.equal(err.service, "trakt");
  assert.match(err.message, /Trakt kept answering 429/);
  assert.match(err.message, /after 3 attempts/);
  assert.equal(calls.length, 3);
  assert.equal(clock.sleeps.length, 2);
  assert.equal(http.stats.rateLimited, 3);
});

Deno.test("HttpClient.request() 429 retries do not use up the fault retries", async () => {
  const clock = new Clock();
  const r429 = respond(429, "", { "retry-after": "0" });
  const { http, calls } = client(clock, [respond(503), r429, r429, respond(503), respond(200)], {
    retries: 2,
    max429: 2,
  });
  assert.equal((await http.request({ method: "GET", url: URL_ })).status, 200);
  assert.equal(calls.length, 5);
});

Deno.test("HttpClient.request() refuses to wait longer than maxRetryAfterMs", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [respond(429, "", { "retry-after": "3600" })], {
    maxRetryAfterMs: 60_000,
  });
  await assert.rejects(
    http.request({ method: "GET", url: URL_ }),
    (err: unknown) =>
      err instanceof RemoteError && /asked to wait 60 minutes/.test(err.message) &&
      !/attempts/.test(err.message),
  );
  assert.equal(calls.length, 1);
  assert.deepEqual(clock.sleeps, []);
});

// ---- passStatuses --------------------------------------------------------------------------

Deno.test("HttpClient.request() returns passStatuses untouched", async () => {
  for (const status of [401, 429, 503]) {
    const clock = new Clock();
    const { http, calls } = client(clock, [
      respond(status, "body", { "retry-after": "1" }),
      respond(200),
    ]);
    const res = await http.request({ method: "GET", url: URL_, passStatuses: [status] });
    assert.equal(res.status, status);
    assert.equal(res.text, "body");
    assert.equal(calls.length, 1, `${status} passed through`);
    assert.deepEqual(clock.sleeps, []);
  }
});

// ---- write pacing --------------------------------------------------------------------------

Deno.test("HttpClient.request() spaces paced requests writeIntervalMs apart", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [respond(201), respond(200), respond(201), respond(201)], {
    writeIntervalMs: 1100,
  });
  await http.request({ method: "POST", url: URL_, paced: true });
  // A GET in between is not paced.
  await http.request({ method: "GET", url: URL_ });
  assert.equal(calls[1]!.at, T0);
  await http.request({ method: "POST", url: URL_, paced: true });
  clock.t += 5000; // long after: no wait
  await http.request({ method: "POST", url: URL_, paced: true });
  assert.equal(calls[2]!.at - calls[0]!.at, 1100);
  assert.equal(calls[3]!.at - calls[2]!.at, 5000);
  assert.deepEqual(clock.sleeps, [1100]);
});

Deno.test("HttpClient.request() waits only the rest of the interval", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [respond(201), respond(201)], { writeIntervalMs: 1100 });
  await http.request({ method: "POST", url: URL_, paced: true });
  clock.t += 800;
  await http.request({ method: "POST", url: URL_, paced: true });
  assert.deepEqual(clock.sleeps, [300]);
  assert.equal(calls[1]!.at - calls[0]!.at, 1100);
});

Deno.test("HttpClient.request() keeps the write pace across a retry", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [
    respond(503),
    respond(429, "", { "retry-after": "0" }),
    respond(201),
    respond(201),
  ], { writeIntervalMs: 1100, backoffMs: 100 });
  await http.request({ method: "POST", url: URL_, paced: true });
  await http.request({ method: "POST", url: URL_, paced: true });
  assert.equal(calls.length, 4);
  for (let i = 1; i < calls.length; i++) {
    const gap = calls[i]!.at - calls[i - 1]!.at;
    assert.ok(gap >= 1100, `write ${i} came ${gap} ms after the previous one`);
  }
});

Deno.test("HttpClient.request() does not pace without writeIntervalMs", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [respond(201), respond(201)]);
  await http.request({ method: "POST", url: URL_, paced: true });
  await http.request({ method: "POST", url: URL_, paced: true });
  assert.equal(calls[1]!.at, calls[0]!.at);
  assert.deepEqual(clock.sleeps, []);
});

// ---- timeouts and interruption -------------------------------------------------------------

Deno.test("HttpClient.request() turns timeouts into RemoteError after the retries", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, ["hang", "hang"], { retries: 1, timeoutMs: 60_000 });
  const err = await caught(http.request({ method: "POST", url: URL_, timeoutMs: 5 }), RemoteError);
  assert.match(err.message, /no answer within/);
  assert.match(err.message, /after 2 attempts/);
  assert.equal(calls.length, 2);
  assert.equal(http.stats.retries, 1);
});

Deno.test("HttpClient.request() uses the client timeout by default", async () => {
  const clock = new Clock();
  const { http } = client(clock, ["hang"], { retries: 0, timeoutMs: 5 });
  await assert.rejects(http.request({ method: "GET", url: URL_ }), RemoteError);
});

Deno.test("HttpClient.request() throws InterruptedError on an aborted signal", async () => {
  const clock = new Clock();
  const controller = new AbortController();
  controller.abort();
  const { http, calls } = client(clock, [respond(200)], { signal: controller.signal });
  const err = await caught(http.request({ method: "GET", url: URL_ }), InterruptedError);
  assert.equal(err.exitCode, 130);
  assert.equal(calls.length, 0);
});

Deno.test("HttpClient.request() is interrupted in flight, without a retry", async () => {
  const clock = new Clock();
  const controller = new AbortController();
  const { http, calls } = client(
    clock,
    ["hang", respond(200)],
    { signal: controller.signal, retries: 3 },
    () => queueMicrotask(() => controller.abort()),
  );
  await assert.rejects(http.request({ method: "GET", url: URL_ }), InterruptedError);
  assert.equal(calls.length, 1);
  assert.equal(http.stats.retries, 0);
});

Deno.test("HttpClient.request() is interrupted during a backoff wait", async () => {
  const clock = new Clock();
  const controller = new AbortController();
  const { http, calls } = client(
    clock,
    [respond(503), respond(200)],
    { signal: controller.signal },
    () => controller.abort(),
  );
  await assert.rejects(http.request({ method: "GET", url: URL_ }), InterruptedError);
  assert.equal(calls.length, 1);
});

// ---- logging -------------------------------------------------------------------------------

Deno.test("HttpClient.request() logs each attempt with secrets scrubbed from the URL", async () => {
  const clock = new Clock();
  const lines: string[] = [];
  const { http } = client(clock, [respond(503), respond(200)], { log: (l) => lines.push(l) });
  await http.request({ method: "GET", url: "http://plex.test:32400/library?X-Plex-Token=s3cr3t" });
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^GET http:\/\/plex\.test:32400\/library\?X-Plex-Token=\*\*\* → 503/);
  assert.match(lines[1]!, /→ 200 in 0 ms$/);
  assert.ok(lines.every((l) => !l.includes("s3cr3t")));
});

// ---- retryAfterMs --------------------------------------------------------------------------

Deno.test("retryAfterMs() reads Retry-After seconds first", () => {
  const now = Date.parse("2025-01-28T14:56:50Z");
  const h = new Headers({
    "retry-after": "4",
    "x-ratelimit": JSON.stringify({ until: "2025-01-28T14:56:57Z" }),
  });
  assert.equal(retryAfterMs(h, now), 4000);
  assert.equal(retryAfterMs(new Headers({ "retry-after": " 1.5 " }), now), 1500);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "0" }), now), 0);
});

Deno.test("retryAfterMs() falls back to X-Ratelimit.until", () => {
  const now = Date.parse("2025-01-28T14:56:50Z");
  const xr = JSON.stringify({
    name: "AUTHED_API_POST_LIMIT",
    period: 1,
    limit: 1,
    remaining: 0,
    until: "2025-01-28T14:56:57Z",
  });
  assert.equal(retryAfterMs(new Headers({ "x-ratelimit": xr }), now), 7000);
  // An HTTP-date Retry-After is not understood: X-Ratelimit still answers.
  assert.equal(
    retryAfterMs(
      new Headers({ "retry-after": "Tue, 28 Jan 2025 14:57:00 GMT", "x-ratelimit": xr }),
      now,
    ),
    7000,
  );
});

Deno.test("retryAfterMs() caps X-Ratelimit.until at 10 minutes", () => {
  const now = Date.parse("2025-01-28T14:00:00Z");
  const xr = JSON.stringify({ until: "2025-01-28T18:00:00Z" });
  assert.equal(retryAfterMs(new Headers({ "x-ratelimit": xr }), now), 600_000);
});

Deno.test("retryAfterMs() defaults to 2 s", () => {
  const now = Date.parse("2025-01-28T14:56:50Z");
  const cases: Record<string, string>[] = [
    {},
    { "retry-after": "soon" },
    { "x-ratelimit": "not json" },
    { "x-ratelimit": JSON.stringify({ until: "2025-01-28T14:56:00Z" }) },
    { "x-ratelimit": JSON.stringify({ until: "garbage" }) },
    { "x-ratelimit": JSON.stringify({ name: "x" }) },
    { "x-ratelimit": "null" },
  ];
  for (const c of cases) assert.equal(retryAfterMs(new Headers(c), now), 2000, JSON.stringify(c));
});

// ---- redirects -----------------------------------------------------------------------------

Deno.test("HttpClient.request() asks fetch not to follow redirects itself", async () => {
  const clock = new Clock();
  let redirect: RequestRedirect | undefined;
  const http = new HttpClient({
    service: "plex",
    label: "Plex",
    baseHeaders: {},
    timeoutMs: 1000,
    fetch: ((_input: string | URL | Request, init?: RequestInit) => {
      redirect = init?.redirect;
      return Promise.resolve(new Response("{}"));
    }) as typeof fetch,
    sleep: clock.sleep,
    now: clock.now,
  });
  await http.request({ method: "GET", url: "http://plex.test/library/sections" });
  assert.equal(redirect, "manual");
});

Deno.test("HttpClient.request() follows a same-origin redirect, logging it under --verbose", async () => {
  const clock = new Clock();
  const lines: string[] = [];
  const { http, calls } = client(clock, [
    respond(301, "", { location: "/plex/library/sections?X-Plex-Token=s3cr3t" }),
    respond(200, "{}"),
  ], { log: (l) => lines.push(l) });
  const res = await http.request({ method: "GET", url: "http://plex.test:32400/library/sections" });
  assert.equal(res.status, 200);
  assert.deepEqual(calls.map((c) => c.url), [
    "http://plex.test:32400/library/sections",
    "http://plex.test:32400/plex/library/sections?X-Plex-Token=s3cr3t",
  ]);
  assert.match(
    lines[1]!,
    /^↳ redirected there \(same address\), following: GET http:\/\/plex\.test:32400\/plex\/library\/sections\?X-Plex-Token=\*\*\*$/,
  );
  assert.ok(lines.every((l) => !l.includes("s3cr3t")), lines.join("\n"));
});

Deno.test("HttpClient.request() follows a proxy's upgrade from http to https on the same host", async () => {
  const clock = new Clock();
  const lines: string[] = [];
  const { http, calls } = client(clock, [
    respond(301, "", { location: "https://plex.test/library/sections" }),
    respond(200, "{}"),
  ], { log: (l) => lines.push(l) });
  const res = await http.request({ method: "GET", url: "http://plex.test:32400/library/sections" });
  assert.equal(res.status, 200);
  assert.deepEqual(calls.map((c) => c.url), [
    "http://plex.test:32400/library/sections",
    "https://plex.test/library/sections",
  ]);
  assert.match(lines[1]!, /^↳ redirected there \(same host, now https\), following: /);
});

Deno.test("HttpClient.request() keeps a POST's body on a same-origin 307", async () => {
  const clock = new Clock();
  const { http, calls } = client(clock, [
    respond(307, "", { location: "https://api.trakt.test/v2/sync/collection" }),
    respond(201, "{}"),
  ]);
  const res = await http.request({ method: "POST", url: URL_, body: { a: 1 } });
  assert.equal(res.status, 201);
  assert.equal(calls[1]!.method, "POST");
  assert.equal(calls[1]!.body, '{"a":1}');
});

Deno.test("HttpClient.request() never follows a redirect to another origin (exit 4, its origin named)", async () => {
  const cases: [string, string, "GET" | "POST", RegExp][] = [
    [
      "http://plex.test:32400/library/sections",
      "https://sso.example.com/login?next=%2F&X-Plex-Token=s3cr3t",
      "GET",
      /to another address, https:\/\/sso\.example\.com\. complexionist does not follow it/,
    ],
    [
      "http://plex.test:32400/library/sections",
      "https://plex.test.evil.example/library/sections",
      "GET",
      /to another address, https:\/\/plex\.test\.evil\.example\./,
    ],
    [
      "https://auth.trakt.test/oauth/token",
      "http://auth.trakt.test/oauth/token",
      "POST",
      /to another address, http:\/\/auth\.trakt\.test, from https to plain http\./,
    ],
    [
      "https://auth.trakt.test/oauth/token",
      "https://evil.test:8443/oauth/token?x=1",
      "POST",
      /to another address, https:\/\/evil\.test:8443\./,
    ],
  ];
  for (const [from, to, method, said] of cases) {
    const clock = new Clock();
    const { http, calls } = client(clock, [
      respond(method === "GET" ? 302 : 307, "", { location: to }),
    ], {
      urlSetting: "[plex:0] url",
    });
    const err = await caught(
      http.request({
        method,
        url: from,
        body: method === "POST" ? { refresh_token: "r" } : undefined,
      }),
      RemoteError,
    );
    assert.match(err.message, said);
    assert.match(err.message, /Use the address that answers itself \(\[plex:0\] url\)/);
    assert.ok(!err.message.includes("s3cr3t") && !err.message.includes("?"), err.message);
    assert.equal(calls.length, 1, "nothing was sent to the other address");
    assert.equal(err.service, "trakt");
  }
});

Deno.test("HttpClient.request() refuses a redirect that would turn a POST into a GET, and a loop", async () => {
  const clock = new Clock();
  const { http } = client(clock, [respond(302, "", { location: "/elsewhere" })]);
  const err = await caught(http.request({ method: "POST", url: URL_, body: {} }), RemoteError);
  assert.match(err.message, /with a redirect \(HTTP 302\), which would turn it into a GET/);
  const loop = client(
    new Clock(),
    Array.from({ length: 8 }, () => respond(302, "", { location: "/x" })),
  );
  const err2 = await caught(loop.http.request({ method: "GET", url: URL_ }), RemoteError);
  assert.match(err2.message, /after 5 redirects in a row/);
  assert.equal(loop.calls.length, 6);
});
