/**
 * The dashboard's HTTP side: 127.0.0.1 only, every request through the guard, the string values
 * of JSON answers through `redact` (redactedJson), and the page's three files read from lib/ui/assets (which `deno compile
 * --include` puts inside the binary). Routing only: the work is in dashboard.ts.
 */
import { AppError, UsageError } from "../errors.ts";
import { redactedJson } from "../http/redact.ts";
import { messageFor } from "../cli/exit.ts";
import { BadRequestError, ConflictError, type Dashboard, type JobKind } from "./dashboard.ts";
import { checkRequest } from "./guard.ts";

export const HOSTNAME = "127.0.0.1";

const ASSETS: Record<string, string> = {
  "/": "index.html",
  "/assets/app.js": "app.js",
  "/assets/style.css": "style.css",
};
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

/** No framing, no foreign scripts or connections, no Referer carrying the key elsewhere. */
const SECURITY_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; " +
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; " +
    "frame-ancestors 'none'",
};

export interface DashboardServer {
  /** The address to open, key included. */
  url: string;
  port: number;
  shutdown(): Promise<void>;
  finished: Promise<void>;
}

export function serveDashboard(
  dashboard: Dashboard,
  o: { port: number; key: string; log?: (line: string) => void },
): DashboardServer {
  let port = o.port;
  const handler = (req: Request) => handle(dashboard, req, { key: o.key, port }, o.log);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: HOSTNAME, port: o.port, onListen: () => {} }, handler);
  } catch (err) {
    if (err instanceof Deno.errors.AddrInUse) {
      throw new UsageError(
        `Port ${o.port} on ${HOSTNAME} is already in use. Pick another with --port N, or leave ` +
          "--port out to take a free one",
      );
    }
    throw err;
  }
  port = server.addr.port;
  return {
    url: `http://${HOSTNAME}:${port}/?key=${o.key}`,
    port,
    shutdown: () => server.shutdown(),
    finished: server.finished,
  };
}

async function handle(
  d: Dashboard,
  req: Request,
  guard: { key: string; port: number },
  log?: (line: string) => void,
): Promise<Response> {
  const url = new URL(req.url);
  const verdict = checkRequest(req, guard);
  if (!verdict.ok) {
    log?.(`refused ${req.method} ${url.pathname}: ${verdict.reason}`);
    return text(verdict.status, `Forbidden: ${verdict.reason}\n`);
  }
  try {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /":
      case "GET /assets/app.js":
      case "GET /assets/style.css":
        return await asset(url.pathname, guard.key);
      case "GET /api/status":
        return json(200, await d.status());
      case "GET /api/settings":
        return json(200, d.settings());
      case "POST /api/reload":
        return json(200, d.reload());
      case "GET /api/connect":
        return json(200, d.connectState());
      case "POST /api/connect":
        return json(200, await d.startConnect());
      case "POST /api/connect/cancel":
        return json(200, d.cancelConnect());
      case "POST /api/disconnect":
        return json(200, await d.disconnect());
      case "GET /api/job":
        return json(200, { job: d.job() ?? null });
      case "POST /api/jobs":
        return json(202, { job: d.startJob(await jobKind(req)) });
    }
    return text(404, "Not found\n");
  } catch (err) {
    if (err instanceof ConflictError) return json(409, { error: err.message });
    if (err instanceof BadRequestError) return json(400, { error: err.message });
    if (err instanceof AppError) return json(502, { error: messageFor(err, false) });
    log?.(messageFor(err, true));
    return json(500, { error: messageFor(err, false) });
  }
}

async function jobKind(req: Request): Promise<JobKind> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new BadRequestError('The request needs a JSON body like {"kind": "preview"}.');
  }
  const kind = (body as { kind?: unknown } | null)?.kind;
  if (kind === "preview" || kind === "sync") return kind;
  throw new BadRequestError('"kind" must be "preview" or "sync".');
}

async function asset(path: string, key: string): Promise<Response> {
  const name = ASSETS[path]!;
  let body = await Deno.readTextFile(new URL(`./assets/${name}`, import.meta.url));
  // The page needs the key for its own files and calls; it is hex, so safe in HTML as is.
  if (name === "index.html") body = body.replaceAll("__KEY__", key);
  return new Response(body, {
    headers: { "Content-Type": TYPES[name.split(".").pop()!]!, ...SECURITY_HEADERS },
  });
}

function json(status: number, body: unknown): Response {
  return new Response(redactedJson(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...SECURITY_HEADERS },
  });
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...SECURITY_HEADERS },
  });
}
