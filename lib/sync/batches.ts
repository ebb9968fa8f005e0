/**
 * Batch planning and payloads (design §7 "Payload", "Batches"): at most 250 items per POST,
 * episodes always nested under their show and season so Trakt never collects a whole show.
 */
import type { ExternalIds, PlexMediaFacts, TraktMetadata } from "../model.ts";
import type { CollectionPayload } from "../trakt/client.ts";
import type { SyncResponse } from "../trakt/models.ts";
import { idKeys } from "./ids.ts";
import type { EpisodeCandidate, MovieCandidate, ShowRef } from "./plan.ts";

export const MAX_BATCH = 250;

export interface Batch {
  movies: MovieCandidate[];
  episodes: EpisodeCandidate[];
}

export function planBatches(
  movies: MovieCandidate[],
  episodes: EpisodeCandidate[],
  size = MAX_BATCH,
): Batch[] {
  if (size < 1) throw new RangeError("batch size must be at least 1");
  // Sorted by show, season and number so a batch names as few shows as possible. The shows are
  // ranked once, not compared by their id strings in every step of a 100,000-episode sort, and
  // by code unit: any fixed order groups them, and `localeCompare` sets up ICU's collation
  // (1-2 MiB of a first sync's peak, and time).
  const keyOf = new Map<ShowRef, string>();
  for (const e of episodes) if (!keyOf.has(e.show)) keyOf.set(e.show, showOrder(e.show));
  const keys = [...new Set(keyOf.values())].sort();
  const rankOfKey = new Map(keys.map((k, i) => [k, i]));
  const rank = new Map([...keyOf].map(([show, k]) => [show, rankOfKey.get(k)!]));
  const sorted = [...episodes].sort((a, b) =>
    rank.get(a.show)! - rank.get(b.show)! || a.season - b.season || a.number - b.number
  );
  const all: (MovieCandidate | EpisodeCandidate)[] = [...movies, ...sorted];
  const batches: Batch[] = [];
  for (let i = 0; i < all.length; i += size) {
    const slice = all.slice(i, i + size);
    batches.push({
      movies: slice.filter((x): x is MovieCandidate => !("show" in x)),
      episodes: slice.filter((x): x is EpisodeCandidate => "show" in x),
    });
  }
  return batches;
}

function showOrder(s: ShowRef): string {
  return idKeys(s.ids).sort().join(",");
}

function traktIds(ids: ExternalIds, kind: "movie" | "show"): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (ids.imdb) out.imdb = ids.imdb;
  if (ids.tmdb !== undefined) out.tmdb = ids.tmdb;
  // Trakt matches movies by trakt, slug, imdb or tmdb only (trakt-api.md §7.1).
  if (kind === "show" && ids.tvdb !== undefined) out.tvdb = ids.tvdb;
  return out;
}

/** 9999-12-31T23:59:59Z in epoch seconds: the last instant an ISO 8601 date has four digits for. */
const LAST_ISO_SECOND = 253_402_300_799;

/**
 * Plex's `addedAt` (epoch seconds) as `collected_at`. Unknown (0), or past year 9999 (a value in
 * milliseconds, a broken database), it is left out and Trakt dates the item itself: a date of
 * year 52,671 would mean nothing, and one past Date's range would stop every run at this batch.
 */
function collectedAt(addedAt: number): { collected_at?: string } {
  return addedAt > 0 && addedAt <= LAST_ISO_SECOND
    ? { collected_at: new Date(addedAt * 1000).toISOString() }
    : {};
}

export type MetadataOf = (c: MovieCandidate | EpisodeCandidate) => TraktMetadata | undefined;

/**
 * The versions to rank for a title: each copy's detailed media (`details`, keyed
 * `server|ratingKey`), or its listing's when its details could not be read or named no media.
 * Ranking only the copies that have details would pick the worse version when the better one's
 * server failed.
 */
export function copiesMedia(
  c: MovieCandidate | EpisodeCandidate,
  details: Map<string, PlexMediaFacts[]>,
): PlexMediaFacts[] {
  return c.sources.flatMap((s) => {
    const detailed = details.get(`${s.server}|${s.ratingKey}`);
    return detailed?.length ? detailed : s.media;
  });
}

export function buildPayload(batch: Batch, metadataOf: MetadataOf): CollectionPayload {
  const payload: CollectionPayload = {};
  if (batch.movies.length) {
    payload.movies = batch.movies.map((m) => ({
      title: m.title,
      ...(m.year !== undefined ? { year: m.year } : {}),
      ids: traktIds(m.ids, "movie"),
      ...collectedAt(m.addedAt),
      ...metadataOf(m),
    }));
  }
  if (batch.episodes.length) {
    const shows = new Map<ShowRef, Map<number, Record<string, unknown>[]>>();
    for (const e of batch.episodes) {
      let seasons = shows.get(e.show);
      if (!seasons) shows.set(e.show, seasons = new Map());
      let eps = seasons.get(e.season);
      if (!eps) seasons.set(e.season, eps = []);
      eps.push({ number: e.number, ...collectedAt(e.addedAt), ...metadataOf(e) });
    }
    payload.shows = [...shows].map(([show, seasons]) => ({
      title: show.title,
      ...(show.year !== undefined ? { year: show.year } : {}),
      ids: traktIds(show.ids, "show"),
      seasons: [...seasons].map(([number, episodes]) => ({ number, episodes })),
    }));
  }
  return payload;
}

export interface BatchOutcome {
  added: { movies: number; episodes: number };
  existing: { movies: number; episodes: number };
  notFound: { movies: MovieCandidate[]; episodes: EpisodeCandidate[] };
}

/**
 * Reads Trakt's answer to one batch. `not_found` echoes what we posted: movies by ids, shows
 * (whole show unknown) by ids, and unknown episodes nested under show and season. An echo
 * sometimes comes without its ids (trakt-api.md §7.1); then the title and year we posted name
 * it, or the item would be lost from the report and sent again every run.
 */
export function readOutcome(batch: Batch, res: SyncResponse): BatchOutcome {
  const nf = res.not_found ?? {};
  const movieKeys = new Set<string>();
  for (const m of nf.movies ?? []) for (const k of echoedKeys(m)) movieKeys.add(k);
  // Most answers name nothing: then no candidate needs its keys built to be looked up.
  // A title names a movie only when no other movie of the batch has it (two 1931 Draculas).
  const movieTitle = unique(batch.movies, (m) => titleKey(m.title, m.year));
  const notFoundMovies = movieKeys.size === 0
    ? []
    : batch.movies.filter((m) =>
      idKeys(m.ids).some((k) => movieKeys.has(k)) || movieKeys.has(movieTitle(m) ?? "")
    );

  const wholeShows = new Set<string>();
  const episodeCodes = new Set<string>();
  // An `episodes` entry without seasons names an episode by its own ids, never a whole show.
  const episodeIds = new Set<string>();
  const entries = [
    ...(nf.shows ?? []).map((entry) => ({ entry, isShow: true })),
    ...(nf.episodes ?? []).map((entry) => ({ entry, isShow: false })),
  ];
  for (const { entry, isShow } of entries) {
    const keys = echoedKeys(entry);
    const seasons = seasonsOf(entry);
    if (seasons.length === 0) keys.forEach((k) => (isShow ? wholeShows : episodeIds).add(k));
    for (const [s, e] of seasons) for (const k of keys) episodeCodes.add(`${k}|${s}|${e}`);
  }
  const showTitle = unique(
    [...new Set(batch.episodes.map((e) => e.show))],
    (s) => titleKey(s.title, s.year),
  );
  const notFoundEpisodes = wholeShows.size + episodeCodes.size + episodeIds.size === 0
    ? []
    : batch.episodes.filter((e) =>
      [...idKeys(e.show.ids), showTitle(e.show) ?? ""].some((k) =>
        wholeShows.has(k) || episodeCodes.has(`${k}|${e.season}|${e.number}`)
      ) || idKeys(e.ids).some((k) => episodeIds.has(k))
    );
  return {
    added: { movies: res.added?.movies ?? 0, episodes: res.added?.episodes ?? 0 },
    existing: {
      movies: (res.existing?.movies ?? 0) + (res.updated?.movies ?? 0),
      episodes: (res.existing?.episodes ?? 0) + (res.updated?.episodes ?? 0),
    },
    notFound: { movies: notFoundMovies, episodes: notFoundEpisodes },
  };
}

function record(x: unknown): Record<string, unknown> | undefined {
  return typeof x === "object" && x !== null ? x as Record<string, unknown> : undefined;
}

/** `key(x)`, for the `x` whose key no other item shares; undefined for the others. */
function unique<T>(items: T[], key: (x: T) => string): (x: T) => string | undefined {
  const count = new Map<string, number>();
  for (const x of items) {
    const k = key(x);
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  return (x) => {
    const k = key(x);
    return count.get(k) === 1 ? k : undefined;
  };
}

/** A posted title as its echo names it when the ids are missing: never equal to an id key. */
function titleKey(title: string, year: number | undefined): string {
  return `title:${title.trim().toLowerCase()}|${year ?? ""}`;
}

/** The id keys an echoed entry names; without any, its title key (if it has a title). */
function echoedKeys(entry: unknown): string[] {
  const e = record(entry);
  const named = record(e?.show) ?? record(e?.movie) ?? e;
  const ids = record(e?.ids) ?? record(named?.ids);
  const out: ExternalIds = {};
  if (typeof ids?.imdb === "string") out.imdb = ids.imdb;
  if (typeof ids?.tmdb === "number") out.tmdb = ids.tmdb;
  if (typeof ids?.tvdb === "number") out.tvdb = ids.tvdb;
  const keys = idKeys(out);
  if (keys.length > 0) return keys;
  const title = e?.title ?? named?.title;
  const year = e?.year ?? named?.year;
  return typeof title === "string" && title.trim() !== ""
    ? [titleKey(title, typeof year === "number" ? year : undefined)]
    : [];
}

function seasonsOf(entry: unknown): [number, number][] {
  const e = record(entry);
  const seasons = e?.seasons ?? record(e?.show)?.seasons;
  if (!Array.isArray(seasons)) return [];
  const out: [number, number][] = [];
  for (const s of seasons) {
    const season = record(s);
    if (typeof season?.number !== "number" || !Array.isArray(season.episodes)) continue;
    for (const ep of season.episodes) {
      const n = record(ep)?.number;
      if (typeof n === "number") out.push([season.number, n]);
    }
  }
  return out;
}
