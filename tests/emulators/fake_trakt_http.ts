/**
 * Small HTTP helpers shared by the fake Trakt modules: response builders, JSON guards and the
 * paging logic (with its fault knobs). Nothing here keeps state.
 */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The array under `key`, or `[]` when the key is absent (Trakt treats a missing list as empty). */
export function listOf(body: JsonRecord, key: string): unknown[] {
  const value = body[key];
  return Array.isArray(value) ? value : [];
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function intOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/** Headers every answer that "reached Trakt's app" carries; Cloudflare-only answers lack them. */
function appHeaders(): Record<string, string> {
  return { "x-runtime": "0.012345", "x-request-id": crypto.randomUUID() };
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...appHeaders(), ...headers },
  });
}

/** Trakt answers many refusals (device flow, 401, 412, 420) with no body at all. */
export function emptyResponse(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: { ...appHeaders(), ...headers } });
}

/** What Cloudflare sends when it blocks a request (e.g. no real User-Agent) before Trakt sees it. */
export function cloudflareBlock(): Response {
  const ray = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
  const html = "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>" +
    `<body><h1>Sorry, you have been blocked</h1><p>Cloudflare Ray ID: ${ray}</p></body></html>`;
  return new Response(html, {
    status: 403,
    headers: { "content-type": "text/html; charset=UTF-8", server: "cloudflare", "cf-ray": ray },
  });
}

/** A Cloudflare-style error page for 52x faults, when the test gives no body of its own. */
export function cloudflareErrorPage(status: number): string {
  // As Cloudflare's own pages do, it names the Ray ID of the request.
  return `<!DOCTYPE html><html><head><title>api.trakt.tv | ${status}: Cloudflare error</title>` +
    `</head><body><h1>Error code ${status}</h1><p>Cloudflare Ray ID: <strong>8f1a2b3c4d${status}` +
    `</strong></p></body></html>`;
}

export function hasJsonContentType(headers: Headers): boolean {
  const value = headers.get("content-type") ?? "";
  return value.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** Sleeps, but wakes early when the signal aborts (client gone or server closing). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

export interface PageSettings {
  defaultLimit: number;
  maxLimit: number;
  /** Knob: repeat the last row of page N at the start of page N+1 (trakt-api #760). */
  duplicateRowsAcrossPages: boolean;
  /** Knob: row to insert on every page, one whose ids are all null (trakt-api #783). */
  ghostRow: unknown | undefined;
  /** Knob: pages to add to `X-Pagination-Page-Count` beyond the real end (trakt-api #896). */
  inflatePageCount: number;
}

export interface Page {
  rows: unknown[];
  headers: Record<string, string>;
}

function positiveInt(raw: string | null, fallback: number): number {
  const value = raw === null ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(value) && value >= 1 ? value : fallback;
}

/**
 * Cuts one page out of `rows` the way Trakt's 2026 collection endpoints do: `limit` defaults to
 * the configured size and is clamped (not rejected) at the maximum; pages past the end are empty.
 */
export function paginate(rows: unknown[], query: URLSearchParams, settings: PageSettings): Page {
  const page = positiveInt(query.get("page"), 1);
  const limit = Math.min(positiveInt(query.get("limit"), settings.defaultLimit), settings.maxLimit);
  const start = (page - 1) * limit;
  const slice = rows.slice(start, start + limit);
  const previousLast = rows[start - 1];
  if (settings.duplicateRowsAcrossPages && page > 1 && slice.length > 0 && previousLast) {
    slice.unshift(previousLast);
  }
  if (settings.ghostRow !== undefined && slice.length > 0) {
    slice.splice(Math.floor(slice.length / 2), 0, structuredClone(settings.ghostRow));
  }
  const pageCount = Math.max(1, Math.ceil(rows.length / limit)) + settings.inflatePageCount;
  return {
    rows: slice,
    headers: {
      "x-pagination-page": String(page),
      "x-pagination-limit": String(limit),
      "x-pagination-page-count": String(pageCount),
      "x-pagination-item-count": String(rows.length),
    },
  };
}
