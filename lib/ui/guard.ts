/**
 * Who may talk to the dashboard. It listens on 127.0.0.1 only, but a web page the user has
 * open elsewhere can still send requests there, and a DNS-rebinding attack can make a foreign
 * name resolve to 127.0.0.1. So every request must (as with Jupyter) carry the per-run key,
 * name our own address in `Host`, and, when it says where it comes from, come from our origin.
 */

export interface GuardSettings {
  key: string;
  port: number;
}

export type Verdict = { ok: true } | { ok: false; status: 403; reason: string };

/** The origins the page itself has: the ones the printed URL and `localhost` give. */
export function ownOrigins(port: number): string[] {
  // On port 80 browsers leave the port out of Host and Origin.
  const hosts = port === 80
    ? ["127.0.0.1", "localhost", "127.0.0.1:80", "localhost:80"]
    : [`127.0.0.1:${port}`, `localhost:${port}`];
  return hosts.map((h) => `http://${h}`);
}

/** Compares without an early exit, so the time taken says nothing about the key. */
export function sameKey(given: string, key: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(key);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i]!;
  return diff === 0;
}

export function checkRequest(req: Request, s: GuardSettings): Verdict {
  const host = req.headers.get("host") ?? "";
  if (!ownOrigins(s.port).some((o) => o === `http://${host}`)) {
    return deny(`Host "${host.slice(0, 80)}" is not this dashboard's address`);
  }
  const origin = req.headers.get("origin");
  const fetchSite = req.headers.get("sec-fetch-site");
  if (origin !== null && !ownOrigins(s.port).includes(origin)) {
    return deny("cross-site request refused");
  }
  if (fetchSite === "cross-site" || fetchSite === "same-site") {
    return deny("cross-site request refused");
  }
  if (req.method !== "GET" && req.method !== "HEAD" && origin === null) {
    // Browsers send Origin on every cross-origin and every non-GET fetch; a change without one
    // comes from something that is not our page.
    return deny("a change needs the Origin header of the dashboard's own page");
  }
  const url = new URL(req.url);
  const given = req.headers.get("x-complexionist-key") ?? url.searchParams.get("key") ?? "";
  if (!sameKey(given, s.key)) {
    return deny("missing or wrong key: open the address complexionist ui printed");
  }
  return { ok: true };
}

function deny(reason: string): Verdict {
  return { ok: false, status: 403, reason };
}

/** A fresh key per run: 128 bits, URL-safe. */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
