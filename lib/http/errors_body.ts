import { redact } from "./redact.ts";

/** Turns a non-JSON or error body into a short, safe description for an error message. */
export function describeBody(text: string, contentType: string | null): string {
  // Redact before cutting: a secret cut in half would no longer be recognised.
  const trimmed = redact(text.trim());
  if (trimmed === "") return "an empty body";
  const isHtml = /html/i.test(contentType ?? "") || /^<!doctype html|^<html/i.test(trimmed);
  if (isHtml) {
    const title = /<title>([^<]{1,120})<\/title>/i.exec(trimmed)?.[1] ??
      /<h1>([^<]{1,120})<\/h1>/i.exec(trimmed)?.[1];
    return title ? `an HTML page ("${title.trim()}")` : "an HTML page";
  }
  if (/^<\?xml|^<Response/i.test(trimmed)) {
    // PMS puts the words in `status` (plex-api.md §10); other versions and proxies in `message`,
    // or only a `title`.
    const words = /\sstatus="([^"]{1,160})"/.exec(trimmed)?.[1] ??
      /\smessage="([^"]{1,160})"/.exec(trimmed)?.[1] ??
      /\stitle="([^"]{1,160})"/.exec(trimmed)?.[1];
    return words ? `an XML answer ("${words}")` : "an XML answer";
  }
  return `"${trimmed.slice(0, 120).replace(/\s+/g, " ")}${trimmed.length > 120 ? "…" : ""}"`;
}

/** Cloudflare answers blocks itself, with HTML, `server: cloudflare` and no app headers. */
export function cloudflareRayId(headers: Headers, text: string): string | undefined {
  const server = headers.get("server") ?? "";
  const looksBlocked = /cloudflare/i.test(server) || /cloudflare|you have been blocked/i.test(text);
  if (!looksBlocked) return undefined;
  return headers.get("cf-ray") ?? /Ray ID:?\s*(?:<[^>]+>)?\s*([0-9a-f]{8,})/i.exec(text)?.[1] ??
    "unknown";
}
