/**
 * Helpers shared by the end-to-end tests in this folder: an output log that checks every run
 * for the output conventions (no ANSI without a TTY, JSON only with --json) and, per world,
 * for leaked secrets; an independent oracle of what the sample library must leave on Trakt;
 * and small builders (config text, token seeding, a closed port).
 */
import assert from "node:assert/strict";
import type { CatalogMovie, CatalogShow } from "../emulators/catalog.ts";
import type { FakeIds, FakeSection } from "../emulators/fake_plex_types.ts";
import type { LoggedRequest } from "../emulators/fake_trakt.ts";
import { INITIAL_COLLECTED_AT } from "../emulators/fake_trakt_collection.ts";
import type { sampleLibrary } from "../emulators/sample_library.ts";
import {
  type CliResult,
  PLEX_TOKEN,
  startWorld,
  type World,
  type WorldOptions,
} from "../helpers/world.ts";
import { openStore } from "../../lib/store/store.ts";

export const CLIENT_ID = "test-client-id";
export const CLIENT_SECRET = "test-client-secret";

/** The world's default config, with room for extra lines (placeholders {plex}, {trakt}). */
export function iniText(
  o: { servers?: string; trakt?: string; plexToken?: string; plexUrl?: string } = {},
): string {
  const servers = o.servers ??
    `[plex:0]\nname = Main Server\nurl = ${o.plexUrl ?? "{plex}"}\ntoken = ${
      o.plexToken ?? PLEX_TOKEN
    }\n`;
  return `${servers}\n[trakt]\nclient_id = ${CLIENT_ID}\nclient_secret = ${CLIENT_SECRET}\n` +
    `api_url = {trakt}\nauth_url = {trakt}\nwrite_interval_ms = 0\n${o.trakt ?? ""}`;
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** The Trakt login the store holds now, if any. */
export async function storedTokens(w: World) {
  const store = await openStore(w.storePath);
  try {
    return await store.getTokens();
  } finally {
    store.close();
  }
}

/** Replaces the stored login with tokens the fake Trakt has never issued. */
export async function seedUnknownTokens(
  w: World,
  o: { expiresAt: number },
): Promise<{ accessToken: string; refreshToken: string }> {
  const hex = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0"))
      .join("");
  const tokens = { accessToken: hex(), refreshToken: hex() };
  const store = await openStore(w.storePath);
  try {
    await store.saveTokens({
      ...tokens,
      createdAt: o.expiresAt - 7 * 86_400_000,
      expiresAt: o.expiresAt,
      scope: "public",
      username: "plexfan",
      vip: false,
    });
  } finally {
    store.close();
  }
  return tokens;
}

let denoDir: string | undefined;

/**
 * Environment for CLI runs: the world gives each run a temporary HOME, which would also give
 * every world a fresh, empty Deno cache (≈0.8 s to fill for each world's first run). Sharing
 * this process's DENO_DIR changes nothing the CLI sees and keeps the suite fast.
 */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  if (denoDir === undefined) {
    denoDir = Deno.env.get("DENO_DIR");
    if (!denoDir) {
      const out = new Deno.Command(Deno.execPath(), {
        args: ["info", "--json"],
        stdout: "piped",
        stderr: "null",
      }).outputSync();
      denoDir = String(JSON.parse(new TextDecoder().decode(out.stdout)).denoDir);
    }
  }
  return { DENO_DIR: denoDir, ...extra };
}

export interface RecordedRun {
  label: string;
  args: string[];
  result: CliResult;
  world: World | undefined;
}

const INFORMATIONAL = new Set(["--help", "-h", "--version", "help"]);

/** Output conventions (design §3/§8, issue item 14) every run must keep. */
export function checkConventions(label: string, args: string[], r: CliResult): void {
  // NO_COLOR is set by the world and stdout/stderr are pipes: never an escape sequence.
  assert.ok(
    !r.stderr.includes("\x1b"),
    `${label}: ANSI escape in stderr: ${JSON.stringify(r.stderr)}`,
  );
  assert.ok(
    !r.stdout.includes("\x1b"),
    `${label}: ANSI escape in stdout: ${JSON.stringify(r.stdout)}`,
  );
  if (args.includes("--json")) {
    if (r.stdout !== "") {
      // One JSON document: JSON.parse refuses two concatenated ones.
      assert.doesNotThrow(() => JSON.parse(r.stdout), `${label}: stdout is not one JSON document`);
    }
  } else if (!args.some((a) => INFORMATIONAL.has(a)) && args[0] !== "completions") {
    assert.equal(r.stdout, "", `${label}: human output must go to stderr, stdout must stay empty`);
  }
}

/**
 * Every CLI run of a test file goes through one of these: it checks the conventions at once,
 * keeps the output, and after each world checks that none of that world's secrets leaked.
 */
export class OutputLog {
  readonly runs: RecordedRun[] = [];
  readonly secrets = new Set<string>([PLEX_TOKEN, CLIENT_SECRET]);

  async run(w: World, args: string[], env?: Record<string, string>): Promise<CliResult> {
    const result = await w.run(args, cliEnv(env));
    this.record(w, args, result);
    return result;
  }

  /**
   * Starts the CLI in the background (to signal or race it); `finish()` waits for its exit and
   * records the run like `run` does.
   */
  spawn(
    w: World,
    args: string[],
  ): { child: Deno.ChildProcess; finish: () => Promise<CliResult> } {
    const child = w.spawn(args, cliEnv());
    const output = child.output();
    const finish = async () => {
      const out = await output;
      const result = {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
      this.record(w, args, result);
      return result;
    };
    return { child, finish };
  }

  record(w: World | undefined, args: string[], result: CliResult, label?: string): void {
    const name = label ?? `complexionist ${args.join(" ")}`;
    checkConventions(name, args, result);
    this.runs.push({ label: name, args, result, world: w });
  }

  /** Every token the fake issued that went over the wire, the device codes, the stored pair. */
  async harvest(w: World): Promise<void> {
    for (const s of secretsFromLog(w.trakt.log)) this.secrets.add(s);
    const t = await storedTokens(w);
    if (t) {
      this.secrets.add(t.accessToken);
      this.secrets.add(t.refreshToken);
    }
  }

  assertNoSecrets(runs: RecordedRun[] = this.runs): void {
    for (const run of runs) {
      for (const [stream, text] of [["stdout", run.result.stdout], ["stderr", run.result.stderr]]) {
        const leak = leakedPart(text!, this.secrets);
        assert.equal(
          leak,
          undefined,
          `${run.label}: ${stream} shows (part of) a secret: ${leak}\n${text}`,
        );
      }
    }
  }

  /** Starts a world, runs `fn`, then checks that world's outputs for secrets; always closes. */
  async withWorld(opts: WorldOptions, fn: (w: World) => Promise<void>): Promise<void> {
    const w = await startWorld(opts);
    try {
      await fn(w);
      await this.harvest(w);
      this.assertNoSecrets(this.runs.filter((r) => r.world === w));
    } finally {
      await w.close();
    }
  }
}

function secretsFromLog(log: LoggedRequest[]): string[] {
  const out: string[] = [];
  for (const e of log) {
    const bearer = /^bearer\s+(\S+)$/i.exec(e.headers.authorization ?? "")?.[1];
    if (bearer) out.push(bearer);
    const body = e.body;
    if (typeof body === "object" && body !== null) {
      const b = body as Record<string, unknown>;
      for (const key of ["code", "refresh_token", "access_token", "token", "client_secret"]) {
        if (typeof b[key] === "string" && (b[key] as string).length >= 16) {
          out.push(b[key] as string);
        }
      }
    }
  }
  return out;
}

/** A whole secret, or any 16-character piece of one (a truncated excerpt leaks too). */
export function leakedPart(text: string, secrets: Iterable<string>): string | undefined {
  for (const s of secrets) {
    if (s.length < 16) {
      if (text.includes(s)) return s;
      continue;
    }
    for (let i = 0; i + 16 <= s.length; i++) {
      const piece = s.slice(i, i + 16);
      if (text.includes(piece)) return `${piece} (of ${s.slice(0, 4)}…)`;
    }
  }
  return undefined;
}

// ---- POST bodies ------------------------------------------------------------------------

interface PostedEpisode {
  number: number;
  collected_at?: string;
  [k: string]: unknown;
}
interface PostedShow {
  title?: string;
  ids: Record<string, unknown>;
  seasons: { number: number; episodes: PostedEpisode[] }[];
}
export interface PostedBody {
  movies?: { title?: string; ids: Record<string, unknown>; [k: string]: unknown }[];
  shows?: PostedShow[];
}

/**
 * Asserts one collection write has the shape design §7 allows (movies[] and
 * shows[].seasons[].episodes[], never a bare show or season, ≤ 250 items) and returns its
 * item count.
 */
export function assertCollectionPost(e: LoggedRequest): number {
  assert.equal(e.method, "POST");
  assert.equal(e.path, "/sync/collection", "writes only add to the collection");
  assert.ok(typeof e.body === "object" && e.body !== null, "a JSON object body");
  const body = e.body as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    assert.ok(key === "movies" || key === "shows", `unexpected top-level key ${key}`);
  }
  const b = body as PostedBody;
  let items = b.movies?.length ?? 0;
  for (const show of b.shows ?? []) {
    assert.ok(Array.isArray(show.seasons) && show.seasons.length > 0, `bare show ${show.title}`);
    for (const season of show.seasons) {
      assert.ok(Number.isInteger(season.number), `season number of ${show.title}`);
      assert.ok(
        Array.isArray(season.episodes) && season.episodes.length > 0,
        `bare season ${season.number} of ${show.title}`,
      );
      for (const ep of season.episodes) assert.ok(Number.isInteger(ep.number));
      items += season.episodes.length;
    }
  }
  assert.ok(items > 0, "no empty write");
  assert.ok(items <= 250, `a batch of ${items} items (max 250)`);
  return items;
}

// ---- the sample library's expected outcome, computed from its data -----------------------

type Sample = ReturnType<typeof sampleLibrary>;

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

function sameId(ids: FakeIds, c: CatalogMovie | CatalogShow): boolean {
  return (ids.imdb !== undefined && ids.imdb === c.imdb) ||
    (ids.tmdb !== undefined && ids.tmdb === c.tmdb) ||
    (ids.tvdb !== undefined && "tvdb" in c && ids.tvdb === c.tvdb);
}

function hasIds(ids: FakeIds | undefined): ids is FakeIds {
  return ids !== undefined && (ids.imdb !== undefined || ids.tmdb !== undefined ||
    ids.tvdb !== undefined);
}

export interface ExpectedCollection {
  /** Trakt movie id → collected_at. */
  movies: Map<number, string>;
  /** "show|season|number" → collected_at. */
  episodes: Map<string, string>;
  /** Plex ratingKeys of every item the first sync must send (Trakt may not know some). */
  sentRatingKeys: Set<string>;
  /** Titles of movies with ids that the catalogue lacks. */
  unknownMovies: string[];
}

export const episodeId = (show: number, season: number, number: number) =>
  `${show}|${season}|${number}`;

/**
 * What Trakt must hold after the first sync of `lib`, derived from the library and catalogue
 * alone: every Plex item with an id the catalogue knows, once, at its earliest addedAt;
 * episodes only where Plex has them and numbers them; what was collected before untouched.
 */
export function expectedAfterFirstSync(lib: Sample): ExpectedCollection {
  const movies = new Map<number, number>();
  const episodes = new Map<string, number>();
  const sentRatingKeys = new Set<string>();
  const unknownMovies: string[] = [];
  const before = new Set(lib.collection.movies);
  const beforeEpisodes = new Set(
    lib.collection.episodes.map((e) => episodeId(e.show, e.season, e.number)),
  );
  const keepEarliest = <K>(m: Map<K, number>, k: K, t: number) =>
    m.set(k, Math.min(m.get(k) ?? Infinity, t));
  const sections: FakeSection[] = lib.sections;
  for (const section of sections) {
    for (const m of section.movies ?? []) {
      if (!hasIds(m.ids)) continue;
      const c = lib.catalog.movies.find((x) => sameId(m.ids!, x));
      if (!c) {
        unknownMovies.push(m.title);
        sentRatingKeys.add(m.ratingKey);
        continue;
      }
      if (before.has(c.trakt)) continue;
      sentRatingKeys.add(m.ratingKey);
      keepEarliest(movies, c.trakt, m.addedAt);
    }
    for (const s of section.shows ?? []) {
      if (!hasIds(s.ids)) continue;
      const c = lib.catalog.shows.find((x) => sameId(s.ids!, x));
      assert.ok(c, `the sample's shows are all in the catalogue (${s.title})`);
      for (const e of s.episodes) {
        if (e.index === undefined) continue;
        const known = c.seasons.find((x) => x.number === e.season);
        assert.ok(known && e.index <= known.episodes, `${s.title} S${e.season}E${e.index}`);
        const key = episodeId(c.trakt, e.season, e.index);
        if (beforeEpisodes.has(key)) continue;
        sentRatingKeys.add(e.ratingKey);
        keepEarliest(episodes, key, e.addedAt);
      }
    }
  }
  const out: ExpectedCollection = {
    movies: new Map([...movies].map(([k, t]) => [k, iso(t)])),
    episodes: new Map([...episodes].map(([k, t]) => [k, iso(t)])),
    sentRatingKeys,
    unknownMovies,
  };
  for (const id of before) out.movies.set(id, INITIAL_COLLECTED_AT);
  for (const id of beforeEpisodes) out.episodes.set(id, INITIAL_COLLECTED_AT);
  return out;
}

/** `ratingKey`s named by the fake Plex's `/library/metadata/{a,b,c}` requests, per request. */
export function detailRequestKeys(w: World): string[][] {
  return w.plex.requests("/library/metadata/")
    .filter((e) => /^\/library\/metadata\/[^/]+$/.test(e.path))
    .map((e) => decodeURIComponent(e.path.slice("/library/metadata/".length)).split(","));
}

export function parseJson(label: string, stdout: string): Record<string, unknown> {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new assert.AssertionError({ message: `${label}: stdout is not JSON: ${stdout}` });
  }
}

/** Waits (polling every 5 ms) until `cond` holds; fails naming `what` after `ms`. */
export async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
