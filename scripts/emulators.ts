/**
 * The emulators as a standalone process: builds a synthetic library, serves a fake Plex and a
 * fake Trakt on 127.0.0.1, prints one JSON line (`RunnerReady`: URLs, tokens, library shape)
 * on stdout, then serves until killed (SIGTERM, SIGINT).
 *
 * Each origin also answers `GET /__stats` (the requests it served since the last reset, with
 * server-side time and, for writes, the number of items) and `POST /__reset`. Those two are
 * handled here, around the fakes' own handlers, and never reach the fakes.
 *
 *   deno run -A scripts/emulators.ts --movies 1000 --shows 100 --episodes 50
 *
 * Options: --movies N (default 10000), --shows N (2000), --episodes N per show (50),
 * --seed N (1), --collected-fraction F (0.5), --write-interval-ms N (0),
 * --account-limit N|none (none), --free (not VIP), --exit-on-stdin-eof (stop when stdin
 * closes: a parent that dies, even by SIGKILL, takes the emulators with it).
 */
import { parseArgs } from "node:util";
import { FakePlex, type FakeSection } from "../tests/emulators/fake_plex.ts";
import { FakeTrakt } from "../tests/emulators/fake_trakt.ts";
import { syntheticLibrary } from "../tests/emulators/synthetic.ts";
import {
  type LibraryInfo,
  RESET_PATH,
  type RunnerReady,
  type SectionInfo,
  type StatEntry,
  STATS_PATH,
} from "./bench/protocol.ts";

const PLEX_TOKEN = "plex-token-bench-0123456789";
const CLIENT_ID = "bench-client-id";
const CLIENT_SECRET = "bench-client-secret";

function intOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${name} wants a whole number, got ${value}`);
  }
  return n;
}

function sectionInfo(s: FakeSection): SectionInfo {
  const shows = s.shows ?? [];
  return {
    key: s.key,
    title: s.title,
    type: s.type,
    items: s.type === "movie" ? (s.movies ?? []).length : shows.length,
    episodes: shows.reduce((n, show) => n + show.episodes.length, 0),
  };
}

/** Counts every request, times it, and answers the two control paths itself. */
function withStats(
  handler: (req: Request) => Promise<Response>,
  onReset: () => void,
): (req: Request) => Promise<Response> {
  let entries: StatEntry[] = [];
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname === STATS_PATH && req.method === "GET") {
      return Response.json({ requests: entries });
    }
    if (url.pathname === RESET_PATH && req.method === "POST") {
      entries = [];
      onReset();
      return new Response(null, { status: 204 });
    }
    const started = performance.now();
    let items: number | undefined;
    let forward = req;
    if (req.method === "POST") {
      // Read the body here (inside the timing) to count the items it carries.
      const text = await req.text();
      items = countItems(text);
      forward = new Request(req.url, { method: req.method, headers: req.headers, body: text });
    }
    const res = await handler(forward);
    entries.push({
      method: req.method,
      path: url.pathname,
      query: url.search.slice(1),
      status: res.status,
      ms: performance.now() - started,
      ...(items !== undefined ? { items } : {}),
    });
    return res;
  };
}

/** Movies + episodes (nested under shows and seasons, or top-level) of a sync body. */
function countItems(text: string): number | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const rec = body as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const field = (v: unknown, key: string): unknown =>
    typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  let n = list(rec.movies).length + list(rec.episodes).length;
  for (const show of list(rec.shows)) {
    for (const season of list(field(show, "seasons"))) n += list(field(season, "episodes")).length;
  }
  return n;
}

function serve(handler: (req: Request) => Promise<Response>): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
}

async function main(): Promise<void> {
  const started = performance.now();
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      movies: { type: "string" },
      shows: { type: "string" },
      episodes: { type: "string" },
      seed: { type: "string" },
      "collected-fraction": { type: "string" },
      "write-interval-ms": { type: "string" },
      "account-limit": { type: "string" },
      free: { type: "boolean" },
      "exit-on-stdin-eof": { type: "boolean" },
    },
  });
  const movies = intOption(values.movies, 10_000, "movies");
  const shows = intOption(values.shows, 2_000, "shows");
  const episodesPerShow = intOption(values.episodes, 50, "episodes");
  const fraction = Number(values["collected-fraction"] ?? "0.5");
  const limitRaw = values["account-limit"] ?? "none";
  const lib = syntheticLibrary({
    seed: intOption(values.seed, 1, "seed"),
    movies,
    shows,
    episodesPerShow,
    collectedFraction: Number.isFinite(fraction) ? fraction : 0.5,
  });
  const plex = new FakePlex({
    token: PLEX_TOKEN,
    friendlyName: "Main Server",
    sections: lib.sections,
  });
  const trakt = new FakeTrakt({
    catalog: lib.catalog,
    collection: lib.collection,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    vip: !values.free,
    accountLimit: limitRaw === "none" ? null : intOption(limitRaw, 0, "account-limit"),
    writeIntervalMs: intOption(values["write-interval-ms"], 0, "write-interval-ms"),
    deviceInterval: 0.05,
  });
  // The fakes keep their own logs (request bodies included): drop them on each reset so a
  // long benchmark does not grow this process without bound.
  const plexServer = serve(withStats((req) => plex.handler(req), () => plex.clearLog()));
  const traktServer = serve(withStats(trakt.handler, () => {
    trakt.log.length = 0;
  }));
  const info: LibraryInfo = {
    movies,
    shows,
    episodes: shows * episodesPerShow,
    sections: lib.sections.map(sectionInfo),
    collected: {
      movies: lib.collection.movies.length,
      shows: new Set(lib.collection.episodes.map((e) => e.show)).size,
      episodes: lib.collection.episodes.length,
    },
  };
  const ready: RunnerReady = {
    pid: Deno.pid,
    plex: `http://127.0.0.1:${plexServer.addr.port}`,
    trakt: `http://127.0.0.1:${traktServer.addr.port}`,
    plexToken: PLEX_TOKEN,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    tokens: trakt.issueTokens({ expiresIn: 30 * 24 * 3600 }),
    library: info,
    setupMs: Math.round(performance.now() - started),
  };
  const stop = async () => {
    await Promise.allSettled([plexServer.shutdown(), traktServer.shutdown()]);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  console.log(JSON.stringify(ready));
  if (values["exit-on-stdin-eof"]) {
    // Resolves when the parent closes its end (or exits): then stop serving.
    Deno.stdin.readable.pipeTo(new WritableStream()).catch(() => {}).finally(stop);
  }
  await Promise.all([plexServer.finished, traktServer.finished]);
}

if (import.meta.main) await main();
