/**
 * Secrets known to this process. Everything that prints (verbose request lines, error
 * messages, JSON output) passes through `redact`, so a token that slips into a message by
 * accident is still never shown.
 */
const secrets = new Set<string>();
/** `secrets`, longest first: a secret inside another one's encoded form must not cut it up. */
let longestFirst: string[] = [];
/**
 * Secrets shorter than 6 characters (the config warns about them): too generic to scrub inside
 * words ("abc" in "abcdef"), so they are hidden only where they stand alone.
 */
const shortSecrets = new Map<string, RegExp>();

/**
 * Registers a secret, with the forms it takes when a server echoes it back encoded: in a URL
 * (`encodeURIComponent`), in base64 (with and without padding, and base64url, as in a Basic
 * header or a JWT-like blob) and inside a JSON string (quotes and backslashes escaped).
 */
export function addSecret(value: string | undefined): void {
  if (!value) return;
  let added = false;
  for (const form of encodedForms(value)) {
    if (form.length >= 6) {
      if (!secrets.has(form)) {
        secrets.add(form);
        added = true;
      }
    } else if (!shortSecrets.has(form)) {
      const escaped = form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      shortSecrets.set(form, new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, "g"));
    }
  }
  if (added) longestFirst = [...secrets].sort((a, b) => b.length - a.length);
}

function encodedForms(value: string): Set<string> {
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  // Its UTF-8 bytes, as a server would encode it; `btoa`'s Latin-1 differs past ASCII.
  const b64s = [btoa(String.fromCharCode(...new TextEncoder().encode(value)))];
  try {
    b64s.push(btoa(value));
  } catch {
    // Not Latin-1: only the UTF-8 form exists.
  }
  for (const b64 of b64s) {
    const bare = b64.replace(/=+$/, "");
    forms.add(b64).add(bare).add(bare.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}

export function redact(text: string): string {
  let out = text;
  for (const s of longestFirst) {
    if (out.includes(s)) out = out.split(s).join("***");
  }
  for (const [s, standingAlone] of shortSecrets) {
    if (out.includes(s)) out = out.replace(standingAlone, "***");
  }
  // Belt and braces for values never registered (e.g. a token inside a URL from a server).
  return out
    .replace(QUERY_FIELD, "$1***")
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, "$1***")
    // A token answer that failed to parse (cut short, say) is registered nowhere yet.
    .replace(SECRET_FIELD, "$1***")
    .replace(SCRIPT_FIELD_SINGLE, "$1***")
    .replace(SCRIPT_FIELD_DOUBLE, "$1***");
}

/**
 * `value` as JSON text with every string value redacted, and a string under a token-like key
 * (`access_token`, `code`, …) masked whole. Keys, numbers and the structure are never touched:
 * redacting the serialised text could turn a number that happens to equal a secret into `***`
 * (no longer JSON), rewrite a key, or miss a secret JSON had escaped.
 */
export function redactedJson(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    (key, v) => typeof v !== "string" ? v : SECRET_KEY.test(key) ? "***" : redact(v),
    space,
  );
}

/**
 * `token=…` in a URL's query, and in a form-encoded body or a `name=value` list: after `?`, `&`,
 * a space or at the start of a line (`access_token=…&refresh_token=…`).
 */
const QUERY_FIELD =
  /((?:^|[?&\s;,])(?:X-Plex-Token|token|access_token|refresh_token|device_code|client_secret|id_token|code)=)[^&\s"']+/gim;

const NAMES =
  "access_?token|refresh_?token|device_?code|id_token|client_?secret|auth_?token|token|x-plex-token";

/**
 * `"access_token": "…"` and its kin in JSON (or JSON cut short inside the value), `"code"` (the
 * device code a device-token request sends) included. Only string values: a `null` or a number
 * (`"code": 4` of an error in --json) is no secret, and masking it would break the JSON it is in.
 */
const SECRET_KEY = new RegExp(`^(?:${NAMES}|code)$`, "i");

const SECRET_FIELD = new RegExp(`("(?:${NAMES}|code)"\\s*:\\s*")[^"]+`, "gi");

/**
 * The same fields written as JavaScript or Python would (`{access_token: '…'}`,
 * `{'refresh_token': '…'}`, `{token: "…"}`): a bare or single-quoted name, a quoted value.
 */
const SCRIPT_FIELD_SINGLE = new RegExp(
  `((?:"(?:${NAMES}|code)"|'(?:${NAMES}|code)'|(?<![\\w-])(?:${NAMES}))\\s*:\\s*')[^']+`,
  "gi",
);
const SCRIPT_FIELD_DOUBLE = new RegExp(
  `((?:'(?:${NAMES}|code)'|(?<![\\w-])(?:${NAMES}))\\s*:\\s*")[^"]+`,
  "gi",
);
