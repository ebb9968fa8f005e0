/**
 * Secrets known to this process. Everything that prints (verbose request lines, error
 * messages, JSON output) passes through `redact`, so a token that slips into a message by
 * accident is still never shown.
 */
const secrets = new Set<string>();
/**
 * Secrets shorter than 6 characters (the config warns about them): too generic to scrub inside
 * words ("abc" in "abcdef"), so they are hidden only where they stand alone.
 */
const shortSecrets = new Map<string, RegExp>();

export function addSecret(value: string | undefined): void {
  if (!value) return;
  if (value.length >= 6) secrets.add(value);
  else if (!shortSecrets.has(value)) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    shortSecrets.set(value, new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, "g"));
  }
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) {
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
