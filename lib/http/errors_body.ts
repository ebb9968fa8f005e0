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

/**
 * An answer described without quoting a byte of it: its kind, size and content type, as in
 * `text that is not JSON (57 bytes, content type text/plain)`. For the /oauth/* answers, which
 * carry tokens (and may echo what they were sent) in forms `redact` cannot all recognise:
 * form-encoded, JavaScript-style, inside an HTML page.
 */
export function describeUnquoted(text: string, contentType: string | null): string {
  const trimmed = text.trim();
  if (trimmed === "") return "an empty body";
  let kind = "text that is not JSON";
  if (/html/i.test(contentType ?? "") || /^<!doctype html|^<html/i.test(trimmed)) {
    kind = "an HTML page";
  } else if (/^<\?xml|^<Response/i.test(trimmed)) {
    kind = "an XML answer";
  } else {
    try {
      const data: unknown = JSON.parse(trimmed);
      // An OAuth error code (`invalid_grant`) says what went wrong and is no secret.
      const code = (data as { error?: unknown } | null)?.error;
      kind = typeof code === "string" && /^[a-z_]{1,40}$/.test(code)
        ? `a JSON answer with error "${code}"`
        : "a JSON answer";
    } catch {
      // Not JSON: the kind stays "not JSON".
    }
  }
  const type = contentType?.split(";")[0]?.trim() ?? "";
  const typeSaid = type === ""
    ? "no content type"
    : /^[\w.+-]{1,60}\/[\w.+-]{1,60}$/.test(type)
    ? `content type ${type.toLowerCase()}`
    : "an unusual content type";
  return `${kind} (${new TextEncoder().encode(text).length} bytes, ${typeSaid})`;
}

/** Cloudflare answers blocks itself, with HTML, `server: cloudflare` and no app headers. */
export function cloudflareRayId(headers: Headers, text: string): string | undefined {
  const server = headers.get("server") ?? "";
  const looksBlocked = /cloudflare/i.test(server) || /cloudflare|you have been blocked/i.test(text);
  if (!looksBlocked) return undefined;
  return headers.get("cf-ray") ?? /Ray ID:?\s*(?:<[^>]+>)?\s*([0-9a-f]{8,})/i.exec(text)?.[1] ??
    "unknown";
}
