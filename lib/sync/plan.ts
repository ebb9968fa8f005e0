/**
 * The pure diff (design §7): Plex items → unique titles → what Trakt lacks. No I/O: the
 * result is data that run.ts sends and the CLI prints.
 */
import {
  type ExternalIds,
  mergeIds,
  type PlexEpisode,
  type PlexItem,
  type PlexMediaFacts,
  type PlexMovie,
  type SkipReason,
} from "../model.ts";
import { hasIds, idKeys, KeyGroups } from "./ids.ts";
import { episodeCode, type TraktIndex } from "./trakt_index.ts";

/** One copy of a title: where it is, and the media its listing gave (details may refine them). */
interface Source {
  server: string;
  ratingKey: string;
  media: PlexMediaFacts[];
}

interface CandidateBase {
  /** Stable key for the not-found memory. */
  key: string;
  /** Earliest Plex `addedAt` among the copies, epoch seconds (0 = unknown). */
  addedAt: number;
  sources: Source[];
  editionTitle?: string;
}

export interface MovieCandidate extends CandidateBase {
  title: string;
  year?: number;
  ids: ExternalIds;
}

export interface ShowRef {
  title: string;
  year?: number;
  ids: ExternalIds;
}

export interface EpisodeCandidate extends CandidateBase {
  show: ShowRef;
  season: number;
  number: number;
  ids: ExternalIds;
}

export interface SkippedEntry {
  type: "movie" | "show";
  title: string;
  year?: number;
  reason: SkipReason;
  /** For shows: how many episodes were skipped. */
  episodes?: number;
  server: string;
  library: string;
}

export interface Plan {
  plex: { movies: number; shows: number; episodes: number };
  skipped: SkippedEntry[];
  existing: { movies: number; episodes: number };
  toSend: { movies: MovieCandidate[]; episodes: EpisodeCandidate[] };
  /** Not found by Trakt recently: not sent again, still reported. */
  recentlyNotFound: { movies: MovieCandidate[]; episodes: EpisodeCandidate[] };
  warnings: string[];
}

export function movieKey(ids: ExternalIds): string {
  return `movie|${idKeys(ids).sort().join(",")}`;
}

export function episodeKey(show: ExternalIds, season: number, number: number): string {
  return `episode|${idKeys(show).sort().join(",")}|${season}|${number}`;
}

/** Remembered not-found id sets, by each of their ids (`byAnyId`). */
type NotFoundMemory = Map<string, Set<string>[]>;

/**
 * The remembered not-found keys, reachable from each of their ids: "movie|imdb:tt1" → the id
 * sets sent with it. An item was asked about already when one remembered set holds all its ids:
 * a copy removed (or missed by a listing) leaves it with fewer ids, which Trakt already could not
 * match. A copy that brings an id Trakt was not given makes it a new question.
 */
function byAnyId(keys: Set<string>): NotFoundMemory {
  const out: NotFoundMemory = new Map();
  for (const key of keys) {
    const [kind, list, ...rest] = key.split("|");
    const ids = new Set((list ?? "").split(",").filter((id) => id !== ""));
    for (const id of ids) {
      const k = [kind, id, ...rest].join("|");
      out.set(k, [...(out.get(k) ?? []), ids]);
    }
  }
  return out;
}

function recentlyNotFound(
  recent: NotFoundMemory,
  kind: "movie" | "episode",
  ids: ExternalIds,
  rest: readonly (string | number)[] = [],
): boolean {
  if (recent.size === 0) return false;
  // A movie's TVDB id is never sent (Trakt matches movies by IMDb and TMDB): it asks nothing new.
  const mine = idKeys(kind === "movie" ? { ...ids, tvdb: undefined } : ids);
  return mine.some((id) =>
    recent.get([kind, id, ...rest].join("|"))?.some((sent) => mine.every((k) => sent.has(k)))
  );
}

export function planSync(items: PlexItem[], index: TraktIndex, notFoundKeys: Set<string>): Plan {
  const recentNotFound = byAnyId(notFoundKeys);
  const movies = items.filter((i): i is PlexMovie => i.kind === "movie");
  const episodes = items.filter((i): i is PlexEpisode => i.kind === "episode");
  const skipped = [...skippedMovies(movies), ...skippedShows(episodes)];
  const uniqueMovies = dedupeMovies(movies.filter((m) => movieSkip(m) === undefined));
  const plan: Plan = {
    plex: {
      movies: uniqueMovies.length + skipped.filter((s) => s.type === "movie").length,
      shows: 0,
      episodes: skipped.reduce((n, s) => n + (s.episodes ?? 0), 0),
    },
    skipped,
    existing: { movies: 0, episodes: 0 },
    toSend: { movies: [], episodes: [] },
    recentlyNotFound: { movies: [], episodes: [] },
    warnings: [...index.warnings],
  };
  for (const m of uniqueMovies) {
    if (idKeys(m.ids).some((k) => index.movies.has(k))) plan.existing.movies++;
    else if (recentlyNotFound(recentNotFound, "movie", m.ids)) plan.recentlyNotFound.movies.push(m);
    else plan.toSend.movies.push(m);
  }
  planEpisodes(episodes, index, recentNotFound, plan);
  return plan;
}

/** Trakt matches movies by IMDb or TMDB id only: a TVDB id alone cannot be sent. */
function movieSkip(m: PlexMovie): SkipReason | undefined {
  if (m.skip) return m.skip;
  if (!m.ids.imdb && m.ids.tmdb === undefined) return "no external id";
  return undefined;
}

function episodeSkip(e: PlexEpisode): SkipReason | undefined {
  if (e.skip) return e.skip;
  if (!hasIds(e.showIds)) return "no external id";
  if (e.season === undefined || e.number === undefined) return "no season or episode number";
  return undefined;
}

function skippedMovies(movies: PlexMovie[]): SkippedEntry[] {
  return movies.flatMap((m) => {
    const reason = movieSkip(m);
    return reason ? [{ m, reason }] : [];
  }).map(({ m, reason }) => ({
    type: "movie" as const,
    title: m.title,
    ...(m.year !== undefined ? { year: m.year } : {}),
    reason,
    server: m.server,
    library: m.library,
  }));
}

/** Episodes are skipped per show and reason, so a 500-episode anime is one line, not 500. */
function skippedShows(episodes: PlexEpisode[]): SkippedEntry[] {
  const byShow = new Map<string, SkippedEntry>();
  for (const e of episodes) {
    const reason = episodeSkip(e);
    if (!reason) continue;
    const k = `${e.server}|${e.showRatingKey}|${reason}`;
    const entry = byShow.get(k);
    if (entry) entry.episodes!++;
    else {
      byShow.set(k, {
        type: "show",
        title: e.showTitle,
        ...(e.showYear !== undefined ? { year: e.showYear } : {}),
        reason,
        episodes: 1,
        server: e.server,
        library: e.library,
      });
    }
  }
  return [...byShow.values()];
}

function earliest(a: number, b: number): number {
  if (!a) return b;
  if (!b) return a;
  return Math.min(a, b);
}

/** Another copy of the same title: union of ids, earliest date, every copy with its media. */
function absorb(c: CandidateBase & { ids: ExternalIds }, item: PlexItem): void {
  // New objects, never writes: a candidate starts out sharing its first copy's ids.
  c.ids = mergeIds(c.ids, item.ids);
  c.addedAt = earliest(c.addedAt, item.addedAt);
  c.sources.push({ server: item.server, ratingKey: item.ratingKey, media: item.media });
}

function dedupeMovies(movies: PlexMovie[]): MovieCandidate[] {
  const groups = new KeyGroups();
  const slots = movies.map((m) => groups.add(idKeys(m.ids)));
  const byRoot = new Map<number, MovieCandidate>();
  movies.forEach((m, i) => {
    const root = groups.root(slots[i]!);
    const c = byRoot.get(root);
    if (!c) {
      byRoot.set(root, {
        key: "",
        title: m.title,
        ...(m.year !== undefined ? { year: m.year } : {}),
        ...(m.editionTitle ? { editionTitle: m.editionTitle } : {}),
        ids: m.ids,
        addedAt: m.addedAt,
        sources: [{ server: m.server, ratingKey: m.ratingKey, media: m.media }],
      });
      return;
    }
    absorb(c, m);
    // The plain item names the movie; an edition only matters for 3D hints.
    if (m.editionTitle) c.editionTitle ??= m.editionTitle;
  });
  const out = [...byRoot.values()];
  for (const c of out) c.key = movieKey(c.ids);
  return out;
}

/**
 * Episodes, de-duplicated per show (the same show on two servers or in two libraries is one
 * show, by any shared id) and season and number, then diffed against Trakt. Most episodes of a
 * big library are already collected: those are only counted, and candidates are built for the
 * rest, so a run with nothing to send allocates little per episode.
 */
function planEpisodes(
  all: PlexEpisode[],
  index: TraktIndex,
  recentNotFound: NotFoundMemory,
  plan: Plan,
): void {
  // One slot per (server, show rating key), as they come; slots sharing an id are one show.
  const groups = new KeyGroups();
  const slots = new Map<string, Map<string, number>>();
  const skippedShows = new Map<string, Set<string>>();
  const sendable: PlexEpisode[] = [];
  const roots: number[] = [];
  for (const e of all) {
    if (episodeSkip(e) !== undefined) {
      let keys = skippedShows.get(e.server);
      if (!keys) skippedShows.set(e.server, keys = new Set());
      keys.add(e.showRatingKey);
      continue;
    }
    let byKey = slots.get(e.server);
    if (!byKey) slots.set(e.server, byKey = new Map());
    let slot = byKey.get(e.showRatingKey);
    if (slot === undefined) byKey.set(e.showRatingKey, slot = groups.add(idKeys(e.showIds)));
    sendable.push(e);
    roots.push(slot);
  }
  // A show counts once, whether all, some or none of its episodes could be sent.
  let skippedOnlyShows = 0;
  for (const [server, keys] of skippedShows) {
    for (const k of keys) if (!slots.get(server)?.has(k)) skippedOnlyShows++;
  }
  // Show refs first, with the union of their copies' ids, which decides the Trakt match.
  const shows = new Map<number, ShowRef>();
  for (let i = 0; i < sendable.length; i++) {
    const e = sendable[i]!;
    const root = roots[i] = groups.root(roots[i]!);
    const show = shows.get(root);
    if (!show) {
      shows.set(root, {
        title: e.showTitle,
        ...(e.showYear !== undefined ? { year: e.showYear } : {}),
        ids: { ...e.showIds },
      });
    } else if (addsIds(show.ids, e.showIds)) show.ids = mergeIds(show.ids, e.showIds);
  }
  const collectedOf = new Map<number, Set<number> | undefined>();
  for (const [root, show] of shows) {
    const showNo = idKeys(show.ids).map((k) => index.shows.get(k)).find((n) => n !== undefined);
    collectedOf.set(root, showNo === undefined ? undefined : index.episodes[showNo]);
  }
  // Per show root: episode code → its candidate, or null once counted as collected.
  const seen = new Map<number, Map<number, EpisodeCandidate | null>>();
  const candidates: EpisodeCandidate[] = [];
  let unique = 0;
  for (let i = 0; i < sendable.length; i++) {
    const e = sendable[i]!;
    const root = roots[i]!;
    // Unique per (season, number): toEpisode skips numbers past its plausible bounds.
    const code = episodeCode(e.season!, e.number!);
    let byCode = seen.get(root);
    if (!byCode) seen.set(root, byCode = new Map());
    const c = byCode.get(code);
    if (c === null) continue;
    if (c) {
      absorb(c, e);
      continue;
    }
    unique++;
    if (collectedOf.get(root)?.has(code)) {
      plan.existing.episodes++;
      byCode.set(code, null);
      continue;
    }
    const candidate: EpisodeCandidate = {
      key: "",
      show: shows.get(root)!,
      season: e.season!,
      number: e.number!,
      ids: e.ids,
      addedAt: e.addedAt,
      sources: [{ server: e.server, ratingKey: e.ratingKey, media: e.media }],
    };
    byCode.set(code, candidate);
    candidates.push(candidate);
  }
  for (const c of candidates) {
    c.key = episodeKey(c.show.ids, c.season, c.number);
    if (recentlyNotFound(recentNotFound, "episode", c.show.ids, [c.season, c.number])) {
      plan.recentlyNotFound.episodes.push(c);
    } else plan.toSend.episodes.push(c);
  }
  plan.plex.shows = shows.size + skippedOnlyShows;
  plan.plex.episodes += unique;
}

/** True when `b` has an id kind that `a` lacks (what `mergeIds(a, b)` would add). */
function addsIds(a: ExternalIds, b: ExternalIds): boolean {
  return (a.imdb === undefined && b.imdb !== undefined) ||
    (a.tmdb === undefined && b.tmdb !== undefined) ||
    (a.tvdb === undefined && b.tvdb !== undefined);
}
