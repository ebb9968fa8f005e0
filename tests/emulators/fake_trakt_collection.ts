/**
 * The fake Trakt's collection: the catalogue it matches posted ids against, what the user has
 * collected, the §7.1 write semantics of `POST /sync/collection` (and `/remove`), and the rows the
 * collection GETs return in the 2026 or the classic shape.
 */

import type { Catalog, CatalogMovie, CatalogShow, InitialCollection } from "./catalog.ts";
import { intOf, isRecord, type JsonRecord, listOf, stringOf } from "./fake_trakt_http.ts";

/** Metadata fields Trakt stores per movie or episode (§6.5); `null` when not set. */
export const METADATA_KEYS = [
  "media_type",
  "resolution",
  "hdr",
  "audio",
  "audio_channels",
  "3d",
] as const;
export type MetadataKey = typeof METADATA_KEYS[number];
/** Values are kept as posted, so tests can see exactly what a client sent. */
export type StoredMetadata = Record<MetadataKey, unknown>;

/** Where the initial collection says items were collected: a fixed past date keeps tests stable. */
export const INITIAL_COLLECTED_AT = "2025-01-15T12:00:00.000Z";

interface Stamped {
  collected_at: string;
  updated_at: string;
  metadata: StoredMetadata;
}

export type Target =
  | { kind: "movie"; trakt: number }
  | { kind: "episode"; show: number; season: number; number: number };

/** One movie or episode a POST resolved to, with the values it wants stored. */
export interface WriteOp {
  target: Target;
  collectedAt: string | undefined;
  metadata: Partial<StoredMetadata>;
}

export interface NotFound {
  movies: unknown[];
  shows: unknown[];
  seasons: unknown[];
  episodes: unknown[];
}

export interface Resolution {
  ops: WriteOp[];
  notFound: NotFound;
}

export interface Counts {
  movies: number;
  episodes: number;
}

export interface AddResult {
  added: Counts;
  updated: Counts;
  existing: Counts;
  /** True when the account limit stopped (part of) the batch. */
  limited: boolean;
}

export type Shape = "2026" | "classic";

const MOVIE_ID_KEYS = ["trakt", "slug", "imdb", "tmdb"] as const;
const SHOW_ID_KEYS = ["trakt", "slug", "imdb", "tmdb", "tvdb"] as const;

function nullMetadata(): StoredMetadata {
  return {
    media_type: null,
    resolution: null,
    hdr: null,
    audio: null,
    audio_channels: null,
    "3d": null,
  };
}

/** The metadata fields a posted movie or episode object carries (absent ones are left alone). */
function pickMetadata(posted: JsonRecord): Partial<StoredMetadata> {
  const picked: Partial<StoredMetadata> = {};
  for (const key of METADATA_KEYS) {
    if (key in posted) picked[key] = posted[key];
  }
  return picked;
}

/** Normalises a posted `collected_at` to Trakt's millisecond ISO form; unparseable → now. */
function normaliseTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function targetKey(target: Target): string {
  return target.kind === "movie"
    ? `m:${target.trakt}`
    : `e:${target.show}:${target.season}:${target.number}`;
}

function withoutKey(record: JsonRecord, key: string): JsonRecord {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** Echo of an unknown season or episode posted through its show, nested like Trakt does (#357). */
function nestedEcho(show: JsonRecord, season: JsonRecord, episode?: unknown): JsonRecord {
  const seasonEcho = episode === undefined
    ? season
    : { ...withoutKey(season, "episodes"), episodes: [episode] };
  return { ...withoutKey(show, "seasons"), seasons: [seasonEcho] };
}

function emptyCounts(): Counts {
  return { movies: 0, episodes: 0 };
}

function countFor(counts: Counts, target: Target): void {
  if (target.kind === "movie") counts.movies++;
  else counts.episodes++;
}

function sameStamp(a: Stamped, b: Omit<Stamped, "updated_at">): boolean {
  return a.collected_at === b.collected_at &&
    METADATA_KEYS.every((key) => a.metadata[key] === b.metadata[key]);
}

/** Lets ids posted as numbers or numeric strings find the same catalogue entry. */
function idIndexKey(kind: string, value: unknown): string | undefined {
  if (typeof value === "string" && value !== "") return `${kind}:${value.toLowerCase()}`;
  if (typeof value === "number") return `${kind}:${value}`;
  return undefined;
}

function indexIds<T extends CatalogMovie | CatalogShow>(
  items: T[],
  keys: readonly string[],
): Map<string, T> {
  const index = new Map<string, T>();
  for (const item of items) {
    const ids: JsonRecord = { ...item };
    for (const kind of keys) {
      const key = idIndexKey(kind, ids[kind]);
      if (key) index.set(key, item);
    }
    index.set(`title:${item.title.toLowerCase()}:${item.year}`, item);
  }
  return index;
}

/** Finds a posted movie or show by any known id, or by title + year when it carries no ids. */
function lookup<T>(
  index: Map<string, T>,
  posted: JsonRecord,
  keys: readonly string[],
): T | undefined {
  const ids = isRecord(posted.ids) ? posted.ids : {};
  let hadId = false;
  for (const kind of keys) {
    const key = idIndexKey(kind, ids[kind]);
    if (!key) continue;
    hadId = true;
    const found = index.get(key);
    if (found) return found;
  }
  const title = stringOf(posted.title);
  const year = intOf(posted.year);
  if (hadId || title === undefined || year === undefined) return undefined;
  return index.get(`title:${title.toLowerCase()}:${year}`);
}

export class FakeCollection {
  readonly #movieIndex: Map<string, CatalogMovie>;
  readonly #showIndex: Map<string, CatalogShow>;
  readonly #moviesById = new Map<number, CatalogMovie>();
  readonly #showsById = new Map<number, CatalogShow>();
  /** Collected items keyed by `targetKey`. */
  readonly #items = new Map<string, Stamped & { target: Target }>();
  /**
   * The sorted rows per kind and shape, built once per change of the collection. Rebuilding them
   * for every page request made reading a 100,000-item collection grow with the square of its
   * size, which the bench's floor and every CLI run then paid.
   */
  readonly #rows = new Map<string, unknown[]>();

  constructor(catalog: Catalog, initial: InitialCollection | undefined) {
    this.#movieIndex = indexIds(catalog.movies, MOVIE_ID_KEYS);
    this.#showIndex = indexIds(catalog.shows, SHOW_ID_KEYS);
    for (const movie of catalog.movies) this.#moviesById.set(movie.trakt, movie);
    for (const show of catalog.shows) this.#showsById.set(show.trakt, show);
    this.#seed(initial ?? { movies: [], episodes: [] });
  }

  /** Fails loudly on a seed the catalogue cannot back: that is a bug in the test, not a fault. */
  #seed(initial: InitialCollection): void {
    const stamp = (mediaType = "digital") => ({
      collected_at: INITIAL_COLLECTED_AT,
      updated_at: INITIAL_COLLECTED_AT,
      metadata: { ...nullMetadata(), media_type: mediaType },
    });
    const media = initial.mediaTypes;
    for (const trakt of initial.movies) {
      if (!this.#moviesById.has(trakt)) throw new Error(`Initial movie not in catalogue: ${trakt}`);
      const target: Target = { kind: "movie", trakt };
      this.#items.set(targetKey(target), { target, ...stamp(media?.movies?.[trakt]) });
    }
    for (const { show, season, number } of initial.episodes) {
      if (!this.#episodeExists(show, season, number)) {
        throw new Error(`Initial episode not in catalogue: show ${show} S${season}E${number}`);
      }
      const target: Target = { kind: "episode", show, season, number };
      const mediaType = media?.episodes?.[`${show}:${season}:${number}`];
      this.#items.set(targetKey(target), { target, ...stamp(mediaType) });
    }
  }

  #episodeExists(show: number, season: number, number: number): boolean {
    const known = this.#showsById.get(show)?.seasons.find((s) => s.number === season);
    return known !== undefined && number >= 1 && number <= known.episodes;
  }

  /** Movies + episodes collected: what the account limit counts. */
  get size(): number {
    return this.#items.size;
  }

  movies(): { trakt: number; collected_at: string; metadata: Record<string, unknown> }[] {
    const out = [];
    for (const item of this.#items.values()) {
      if (item.target.kind !== "movie") continue;
      out.push({
        trakt: item.target.trakt,
        collected_at: item.collected_at,
        metadata: { ...item.metadata },
      });
    }
    return out.sort((a, b) => a.trakt - b.trakt);
  }

  episodes(): {
    show: number;
    season: number;
    number: number;
    collected_at: string;
    metadata: Record<string, unknown>;
  }[] {
    const out = [];
    for (const { target, collected_at, metadata } of this.#items.values()) {
      if (target.kind !== "episode") continue;
      const { show, season, number } = target;
      out.push({ show, season, number, collected_at, metadata: { ...metadata } });
    }
    return out.sort((a, b) => a.show - b.show || a.season - b.season || a.number - b.number);
  }

  /** Turns a POST body into movie/episode operations plus the echoed not-found objects. */
  resolve(body: JsonRecord): Resolution {
    const result: Resolution = {
      ops: [],
      notFound: { movies: [], shows: [], seasons: [], episodes: [] },
    };
    for (const posted of listOf(body, "movies")) {
      const movie = isRecord(posted) ? lookup(this.#movieIndex, posted, MOVIE_ID_KEYS) : undefined;
      if (!movie || !isRecord(posted)) {
        result.notFound.movies.push(posted);
        continue;
      }
      result.ops.push({
        target: { kind: "movie", trakt: movie.trakt },
        collectedAt: normaliseTime(stringOf(posted.collected_at)),
        metadata: pickMetadata(posted),
      });
    }
    for (const posted of listOf(body, "shows")) {
      const show = isRecord(posted) ? lookup(this.#showIndex, posted, SHOW_ID_KEYS) : undefined;
      if (show && isRecord(posted)) this.#resolveShow(posted, show, result);
      else result.notFound.shows.push(posted);
    }
    // The catalogue has no season or episode ids, so bare season/episode objects never match.
    result.notFound.seasons.push(...listOf(body, "seasons"));
    result.notFound.episodes.push(...listOf(body, "episodes"));
    return result;
  }

  /**
   * §7.1: no `seasons` → every episode the catalogue knows; a season without `episodes` → the
   * whole season; listed episodes → only those. An empty `seasons: []` selects nothing (what
   * Trakt does there is unknown; nothing is the safer reading for a fake meant to catch bugs).
   */
  #resolveShow(posted: JsonRecord, show: CatalogShow, result: Resolution): void {
    const showAt = normaliseTime(stringOf(posted.collected_at));
    const episodeOp = (season: number, number: number, at: string | undefined, meta = {}) =>
      result.ops.push({
        target: { kind: "episode", show: show.trakt, season, number },
        collectedAt: at,
        metadata: meta,
      });
    if (posted.seasons === undefined || posted.seasons === null) {
      for (const season of show.seasons) {
        for (let n = 1; n <= season.episodes; n++) episodeOp(season.number, n, showAt);
      }
      return;
    }
    for (const season of listOf(posted, "seasons")) {
      const number = isRecord(season) ? intOf(season.number) : undefined;
      if (!isRecord(season) || number === undefined) {
        result.notFound.seasons.push(nestedEcho(posted, isRecord(season) ? season : {}));
        continue;
      }
      const known = show.seasons.find((s) => s.number === number);
      const seasonAt = normaliseTime(stringOf(season.collected_at)) ?? showAt;
      if (season.episodes === undefined || season.episodes === null) {
        if (!known) result.notFound.seasons.push(nestedEcho(posted, season));
        for (let n = 1; n <= (known?.episodes ?? 0); n++) episodeOp(number, n, seasonAt);
        continue;
      }
      for (const episode of listOf(season, "episodes")) {
        const epNumber = isRecord(episode) ? intOf(episode.number) : undefined;
        if (
          !isRecord(episode) || epNumber === undefined || !known || epNumber < 1 ||
          epNumber > known.episodes
        ) {
          result.notFound.episodes.push(nestedEcho(posted, season, episode));
          continue;
        }
        const at = normaliseTime(stringOf(episode.collected_at)) ?? seasonAt;
        episodeOp(number, epNumber, at, pickMetadata(episode));
      }
    }
  }

  /** Items in `ops` not yet collected, counted once each even when posted twice. */
  #newItemCount(ops: WriteOp[]): number {
    const fresh = new Set<string>();
    for (const op of ops) {
      const key = targetKey(op.target);
      if (!this.#items.has(key)) fresh.add(key);
    }
    return fresh.size;
  }

  /**
   * Applies a resolved add. With a limit that the batch would cross, "reject" applies nothing and
   * "partial" applies the operations in order until the first new item that does not fit.
   */
  add(
    resolution: Resolution,
    limit: number | null,
    mode: "reject" | "partial",
    now: string,
  ): AddResult {
    this.#rows.clear();
    const result: AddResult = {
      added: emptyCounts(),
      updated: emptyCounts(),
      existing: emptyCounts(),
      limited: false,
    };
    const crosses = limit !== null && this.size + this.#newItemCount(resolution.ops) > limit;
    if (crosses && mode === "reject") return { ...result, limited: true };
    for (const op of resolution.ops) {
      const key = targetKey(op.target);
      const current = this.#items.get(key);
      if (!current && limit !== null && this.size >= limit) return { ...result, limited: true };
      if (!current) {
        const metadata = { ...nullMetadata(), ...op.metadata };
        this.#items.set(key, {
          target: op.target,
          collected_at: op.collectedAt ?? now,
          updated_at: now,
          metadata,
        });
        countFor(result.added, op.target);
        continue;
      }
      // A resend merges: values the client sent replace stored ones, absent ones are kept.
      const next = {
        collected_at: op.collectedAt ?? current.collected_at,
        metadata: { ...current.metadata, ...op.metadata },
      };
      if (sameStamp(current, next)) {
        countFor(result.existing, op.target);
      } else {
        this.#items.set(key, { ...current, ...next, updated_at: now });
        countFor(result.updated, op.target);
      }
    }
    return result;
  }

  /** Applies a resolved removal; matched items that were not collected count as nothing. */
  remove(resolution: Resolution): Counts {
    this.#rows.clear();
    const deleted = emptyCounts();
    for (const op of resolution.ops) {
      if (this.#items.delete(targetKey(op.target))) countFor(deleted, op.target);
    }
    return deleted;
  }

  /** Movie rows, oldest collected first (Trakt sorts the collection by `collected_at`). */
  movieRows(shape: Shape, withMetadata: boolean): unknown[] {
    return this.#cached(
      `movie|${shape}|${withMetadata}`,
      () => this.#movieRows(shape, withMetadata),
    );
  }

  /** Show rows grouping the collected episodes by season, like `/sync/collection/shows`. */
  showRows(shape: Shape, withMetadata: boolean): unknown[] {
    return this.#cached(`show|${shape}|${withMetadata}`, () => this.#showRows(shape, withMetadata));
  }

  /** Callers only slice and serialise the rows, never change them. */
  #cached(key: string, build: () => unknown[]): unknown[] {
    let rows = this.#rows.get(key);
    if (!rows) this.#rows.set(key, rows = build());
    return rows;
  }

  #movieRows(shape: Shape, withMetadata: boolean): unknown[] {
    const rows = [];
    for (const item of this.#items.values()) {
      if (item.target.kind !== "movie") continue;
      const movie = this.#moviesById.get(item.target.trakt);
      if (!movie) continue;
      rows.push({
        sortAt: item.collected_at,
        trakt: movie.trakt,
        row: movieRow(movie, item, shape, withMetadata),
      });
    }
    return sortRows(rows);
  }

  #showRows(shape: Shape, withMetadata: boolean): unknown[] {
    const byShow = new Map<number, Map<number, { number: number; stamp: Stamped }[]>>();
    for (const item of this.#items.values()) {
      if (item.target.kind !== "episode") continue;
      const seasons = byShow.get(item.target.show) ?? new Map();
      byShow.set(item.target.show, seasons);
      const episodes = seasons.get(item.target.season) ?? [];
      seasons.set(item.target.season, episodes);
      episodes.push({ number: item.target.number, stamp: item });
    }
    const rows = [];
    for (const [trakt, seasons] of byShow) {
      const show = this.#showsById.get(trakt);
      if (!show) continue;
      const stamps = [...seasons.values()].flat().map((e) => e.stamp);
      const lastCollected = latest(stamps.map((s) => s.collected_at));
      // Since June 2026 `metadata` also comes at the show and season level (trakt-api.md §6.4),
      // with values no source describes: here each level repeats its first episode's, so that
      // a client reading a medium there rather than per episode gets it wrong in tests.
      const levelMetadata = (first: Stamped | undefined) =>
        shape === "2026" && first ? { metadata: { ...first.metadata } } : {};
      const seasonRows = [...seasons.entries()].sort(([a], [b]) => a - b).map(([number, eps]) => {
        eps.sort((a, b) => a.number - b.number);
        return {
          number,
          ...levelMetadata(eps[0]?.stamp),
          episodes: eps.map((e) => episodeRow(e.number, e.stamp, shape, withMetadata)),
        };
      });
      const head = shape === "2026" ? { type: "show" } : {};
      const first = [...seasons.entries()].sort(([a], [b]) => a - b)[0]?.[1][0]?.stamp;
      const row = {
        ...head,
        last_collected_at: lastCollected,
        last_updated_at: latest(stamps.map((s) => s.updated_at)),
        show: { title: show.title, year: show.year, ids: showIds(show) },
        seasons: seasonRows,
        ...(shape === "2026" ? { available_on: [] } : {}),
        ...levelMetadata(first),
      };
      rows.push({ sortAt: lastCollected, trakt, row });
    }
    return sortRows(rows);
  }

  /** `GET /search/{id_type}/{id}` over the catalogue. */
  search(idType: string, id: string, types: string[]): unknown[] {
    const wants = (type: string) => types.length === 0 || types.includes(type);
    const hits: unknown[] = [];
    const key = idIndexKey(idType, id);
    if (!key) return hits;
    const movie = MOVIE_ID_KEYS.some((k) => k === idType) ? this.#movieIndex.get(key) : undefined;
    const show = this.#showIndex.get(key);
    if (movie && wants("movie")) {
      hits.push({
        type: "movie",
        score: null,
        movie: { title: movie.title, year: movie.year, ids: movieIds(movie) },
      });
    }
    if (show && wants("show")) {
      hits.push({
        type: "show",
        score: null,
        show: { title: show.title, year: show.year, ids: showIds(show) },
      });
    }
    return hits;
  }
}

function latest(stamps: string[]): string {
  return stamps.reduce((a, b) => (a > b ? a : b), "");
}

function sortRows(rows: { sortAt: string; trakt: number; row: unknown }[]): unknown[] {
  rows.sort((a, b) => (a.sortAt < b.sortAt ? -1 : a.sortAt > b.sortAt ? 1 : a.trakt - b.trakt));
  return rows.map((r) => r.row);
}

function movieIds(movie: CatalogMovie): JsonRecord {
  return {
    trakt: movie.trakt,
    slug: movie.slug,
    imdb: movie.imdb ?? null,
    tmdb: movie.tmdb ?? null,
  };
}

function showIds(show: CatalogShow): JsonRecord {
  return {
    trakt: show.trakt,
    slug: show.slug,
    tvdb: show.tvdb ?? null,
    imdb: show.imdb ?? null,
    tmdb: show.tmdb ?? null,
    tvrage: null,
  };
}

function movieRow(
  movie: CatalogMovie,
  item: Stamped,
  shape: Shape,
  withMetadata: boolean,
): JsonRecord {
  const body = { title: movie.title, year: movie.year, ids: movieIds(movie) };
  if (shape === "classic") {
    return {
      collected_at: item.collected_at,
      updated_at: item.updated_at,
      movie: body,
      ...(withMetadata ? { metadata: { ...item.metadata } } : {}),
    };
  }
  return {
    type: "movie",
    collected_at: item.collected_at,
    updated_at: item.updated_at,
    movie: body,
    available_on: [],
    metadata: { ...item.metadata },
  };
}

function episodeRow(
  number: number,
  item: Stamped,
  shape: Shape,
  withMetadata: boolean,
): JsonRecord {
  if (shape === "classic") {
    return {
      number,
      collected_at: item.collected_at,
      ...(withMetadata ? { metadata: { ...item.metadata } } : {}),
    };
  }
  return {
    number,
    collected_at: item.collected_at,
    metadata: { ...item.metadata },
    available_on: [],
  };
}

/** The "ghost" rows of trakt-api #783: every id null, `title: null`, `metadata: null`. */
export function ghostRow(kind: "movie" | "show", shape: Shape): JsonRecord {
  const row = ghost2026(kind);
  if (shape === "classic") {
    delete row.type;
    delete row.available_on;
  }
  return row;
}

function ghost2026(kind: "movie" | "show"): JsonRecord {
  const at = INITIAL_COLLECTED_AT;
  if (kind === "movie") {
    return {
      type: "movie",
      collected_at: at,
      updated_at: at,
      movie: { title: null, year: null, ids: { trakt: null, slug: null, imdb: null, tmdb: null } },
      available_on: [],
      metadata: null,
    };
  }
  return {
    type: "show",
    last_collected_at: at,
    last_updated_at: at,
    show: {
      title: null,
      year: null,
      ids: { trakt: null, slug: null, tvdb: null, imdb: null, tmdb: null, tvrage: null },
    },
    seasons: [],
    available_on: [],
    metadata: null,
  };
}
