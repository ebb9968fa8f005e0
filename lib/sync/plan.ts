/**
 * The pure diff (design §7): Plex items → unique titles → what Trakt lacks. No I/O: the
 * result is data that run.ts sends and the CLI prints.
 */
import type {
  ExternalIds,
  PlexEpisode,
  PlexItem,
  PlexMediaFacts,
  PlexMovie,
  SkipReason,
} from "../model.ts";
import { hasIds, idKeys, KeyGroups, mergeInto } from "./ids.ts";
import { episodeCode, type TraktIndex } from "./trakt_index.ts";

interface Source {
  server: string;
  ratingKey: string;
}

interface CandidateBase {
  /** Stable key for the not-found memory. */
  key: string;
  /** Earliest Plex `addedAt` among the copies, epoch seconds (0 = unknown). */
  addedAt: number;
  media: PlexMediaFacts[];
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

export function planSync(items: PlexItem[], index: TraktIndex, recentNotFound: Set<string>): Plan {
  const movies = items.filter((i): i is PlexMovie => i.kind === "movie");
  const episodes = items.filter((i): i is PlexEpisode => i.kind === "episode");
  const skipped = [...skippedMovies(movies), ...skippedShows(episodes)];
  const uniqueMovies = dedupeMovies(movies.filter((m) => movieSkip(m) === undefined));
  const sendable = episodes.filter((e) => episodeSkip(e) === undefined);
  const { shows, episodes: uniqueEpisodes } = dedupeEpisodes(sendable);
  // A show counts once, whether all, some or none of its episodes could be sent.
  const sendableShows = new Set(sendable.map((e) => `${e.server}|${e.showRatingKey}`));
  const skippedOnlyShows = new Set(
    episodes.map((e) => `${e.server}|${e.showRatingKey}`).filter((k) => !sendableShows.has(k)),
  );

  const plan: Plan = {
    plex: {
      movies: uniqueMovies.length + skipped.filter((s) => s.type === "movie").length,
      shows: shows + skippedOnlyShows.size,
      episodes: uniqueEpisodes.length +
        skipped.reduce((n, s) => n + (s.episodes ?? 0), 0),
    },
    skipped,
    existing: { movies: 0, episodes: 0 },
    toSend: { movies: [], episodes: [] },
    recentlyNotFound: { movies: [], episodes: [] },
    warnings: [...index.warnings],
  };
  for (const m of uniqueMovies) {
    if (idKeys(m.ids).some((k) => index.movies.has(k))) plan.existing.movies++;
    else if (recentNotFound.has(m.key)) plan.recentlyNotFound.movies.push(m);
    else plan.toSend.movies.push(m);
  }
  for (const e of uniqueEpisodes) {
    const showNo = idKeys(e.show.ids).map((k) => index.shows.get(k)).find((n) => n !== undefined);
    const collected = showNo !== undefined &&
      index.episodes[showNo]!.has(episodeCode(e.season, e.number));
    if (collected) plan.existing.episodes++;
    else if (recentNotFound.has(e.key)) plan.recentlyNotFound.episodes.push(e);
    else plan.toSend.episodes.push(e);
  }
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

/** Another copy of the same title: union of ids, earliest date, every version, every source. */
function absorb(c: CandidateBase & { ids: ExternalIds }, item: PlexItem): void {
  c.ids = mergeInto(c.ids, item.ids);
  c.addedAt = earliest(c.addedAt, item.addedAt);
  for (const m of item.media) c.media.push(m);
  c.sources.push({ server: item.server, ratingKey: item.ratingKey });
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
        ids: { ...m.ids },
        addedAt: m.addedAt,
        media: [...m.media],
        sources: [{ server: m.server, ratingKey: m.ratingKey }],
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

function dedupeEpisodes(
  episodes: PlexEpisode[],
): { shows: number; episodes: EpisodeCandidate[] } {
  // Shows first: the same show on two servers (or two libraries) is one show.
  const showGroups = new KeyGroups();
  const showSlot = new Map<string, number>();
  for (const e of episodes) {
    const k = `${e.server}|${e.showRatingKey}`;
    if (!showSlot.has(k)) showSlot.set(k, showGroups.add(idKeys(e.showIds)));
  }
  const showRefs = new Map<number, ShowRef>();
  const byEpisode = new Map<string, EpisodeCandidate>();
  for (const e of episodes) {
    const root = showGroups.root(showSlot.get(`${e.server}|${e.showRatingKey}`)!);
    let show = showRefs.get(root);
    if (!show) {
      show = {
        title: e.showTitle,
        ...(e.showYear !== undefined ? { year: e.showYear } : {}),
        ids: { ...e.showIds },
      };
      showRefs.set(root, show);
    } else show.ids = mergeInto(show.ids, e.showIds);
    const k = `${root}|${e.season}|${e.number}`;
    const c = byEpisode.get(k);
    if (!c) {
      byEpisode.set(k, {
        key: "",
        show,
        season: e.season!,
        number: e.number!,
        ids: { ...e.ids },
        addedAt: e.addedAt,
        media: [...e.media],
        sources: [{ server: e.server, ratingKey: e.ratingKey }],
      });
      continue;
    }
    absorb(c, e);
  }
  const out = [...byEpisode.values()];
  for (const c of out) c.key = episodeKey(c.show.ids, c.season, c.number);
  return { shows: showRefs.size, episodes: out };
}
