/**
 * `--remove-missing` (pure): what the Trakt collection holds that no Plex server has any more,
 * and the guards that stop a removal caused by an unmounted disk or a half-read server.
 */
import type { PlexItem } from "../model.ts";
import type { CollectionPayload } from "../trakt/client.ts";
import type { SyncResponse } from "../trakt/models.ts";
import { idKeys } from "./ids.ts";
import { episodeCode, type TraktIndex, type TraktTitle } from "./trakt_index.ts";

export interface RemovalEpisode {
  show: TraktTitle;
  season: number;
  number: number;
}

export interface RemovalPlan {
  movies: TraktTitle[];
  episodes: RemovalEpisode[];
  /**
   * Missing by id, yet kept: they may be what Plex has but could not identify (an item without
   * ids under the same title, a show with episodes Plex could not number, or anything Plex
   * knows by an AniDB id only).
   */
  kept: { movies: number; episodes: number };
  /** Titles Plex knows by an AniDB id only (HAMA), whatever Trakt calls them. */
  anidbOnly: string[];
  /**
   * Missing by id, yet kept: collected on a physical medium (Blu-ray, DVD…), a disc the user
   * owns rather than a file Plex would have.
   */
  physical: { movies: number; episodes: number };
}

/** Default guard: never remove more than 50 items, nor more than 10% of the collection. */
export const DEFAULT_MAX_REMOVE_ITEMS = 50;
export const DEFAULT_MAX_REMOVE_SHARE = 0.1;

export function planRemoval(items: PlexItem[], index: TraktIndex): RemovalPlan {
  const plexMovies = new Set<string>();
  // Show id key → episodes Plex has of that show (any copy, any server).
  const plexEpisodes = new Map<string, Set<number>>();
  // What Plex has but cannot name by id: it may be any Trakt row of the same title.
  const unknownMovies = new TitleYears();
  const unknownShows = new TitleYears();
  const unnumberedShows = new Set<string>();
  // AniDB-matched titles (HAMA): Trakt takes no AniDB id, and their titles are often not
  // Trakt's ("Shingeki no Kyojin" / "Attack on Titan"), so any Trakt title no Plex item names
  // by id may be one of them.
  const anidbMovies = new Set<string>();
  const anidbShows = new Set<string>();
  for (const item of items) {
    if (item.skip === "anidb id only (HAMA)") {
      if (item.kind === "movie") anidbMovies.add(item.title);
      else anidbShows.add(item.showTitle);
    }
    // Home videos are never on Trakt: their titles vouch for nothing.
    const personal = item.skip === "personal media (no agent)";
    if (item.kind === "movie") {
      const keys = idKeys(item.ids);
      if (keys.length === 0 && !personal) unknownMovies.add(item.title, item.year);
      for (const k of keys) plexMovies.add(k);
      continue;
    }
    const showKeys = idKeys(item.showIds);
    if (showKeys.length === 0) {
      if (!personal) unknownShows.add(item.showTitle, item.showYear);
      continue;
    }
    if (
      item.season === undefined || item.number === undefined ||
      item.skip === "implausible season or episode number"
    ) {
      for (const k of showKeys) unnumberedShows.add(k);
      continue;
    }
    const code = episodeCode(item.season, item.number);
    for (const k of showKeys) {
      let set = plexEpisodes.get(k);
      if (!set) plexEpisodes.set(k, set = new Set());
      set.add(code);
    }
  }
  // Either kind may be the other on Trakt (HAMA lists an anime film as a one-episode series),
  // and AniDB splits a show's seasons into series of their own: while Plex has any, no Trakt
  // title can be judged missing, whether or not Plex names it by id.
  const anidb = anidbMovies.size + anidbShows.size > 0;
  const kept = { movies: 0, episodes: 0 };
  const physical = { movies: 0, episodes: 0 };
  const movies = index.movieTitles.filter((m) => {
    const keys = idKeys(m.ids);
    // A row we cannot identify is never removed: we could not tell it is missing.
    if (keys.length === 0 || keys.some((k) => plexMovies.has(k))) return false;
    if (m.physical) {
      physical.movies++;
      return false;
    }
    if (unknownMovies.has(m.title, m.year) || anidb) {
      kept.movies++;
      return false;
    }
    return true;
  });
  const episodes: RemovalEpisode[] = [];
  index.showTitles.forEach((show, n) => {
    const keys = idKeys(show.ids);
    if (keys.length === 0) return;
    const have = keys.map((k) => plexEpisodes.get(k)).filter((s) => s !== undefined);
    const unsure = keys.some((k) => unnumberedShows.has(k)) ||
      unknownShows.has(show.title, show.year) || anidb;
    const discs = index.physicalEpisodes.get(n);
    for (const code of index.episodes[n] ?? []) {
      if (have.some((s) => s.has(code))) continue;
      if (discs?.has(code)) physical.episodes++;
      else if (unsure) kept.episodes++;
      else episodes.push({ show, season: Math.floor(code / 100_000), number: code % 100_000 });
    }
  });
  return { movies, episodes, kept, physical, anidbOnly: [...anidbMovies, ...anidbShows] };
}

/**
 * Titles compared loosely (case, accents, punctuation aside), each with the years it was seen
 * with: a year on both sides must agree within one (release dates differ by region).
 */
class TitleYears {
  #years = new Map<string, (number | undefined)[]>();

  add(title: string, year: number | undefined): void {
    const t = loose(title);
    if (t === "") return;
    const years = this.#years.get(t);
    if (years) years.push(year);
    else this.#years.set(t, [year]);
  }

  has(title: string | undefined, year: number | undefined): boolean {
    const years = title === undefined ? undefined : this.#years.get(loose(title));
    return years !== undefined &&
      years.some((y) => y === undefined || year === undefined || Math.abs(y - year) <= 1);
  }
}

function loose(title: string): string {
  return title.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** One library as this run read it, beside what the syncs before found in it. */
export interface LibraryReading {
  items: number;
  /**
   * Its items when a sync last found any (0: no sync has); "new" when the last sync that read
   * every library of the server did not find it at all; undefined when no sync recorded it.
   */
  before: number | "new" | undefined;
  /** Since when (epoch ms) every sync that read it has found it empty, if it was empty then. */
  emptySince?: number;
  /** False for a library the syncs before found that Plex no longer lists. */
  listed?: boolean;
  /** Its recorded "empty since" was dropped: no sync had listed it for over STALE_RECORD_MS. */
  restarted?: true;
}

/** The syncs' record of one server's libraries (the store's LibraryItems). */
export interface LibraryHistory {
  /** When a sync last wrote it (epoch ms). */
  at?: number;
  complete: boolean;
  items: Record<string, number | null>;
  emptySince?: Record<string, number>;
}

/**
 * What `history` says of the library with this section key, at `now`. Its "empty since" holds
 * only while syncs have kept watching: a record no sync has written for more than a day and a
 * bit (the hourly timer compares in full at least daily), or one from the future (a clock set
 * wrong, then put right), starts the day again.
 */
export function libraryBefore(
  history: LibraryHistory | undefined,
  key: string,
  now: number,
): Omit<LibraryReading, "items"> {
  const n = history?.items[key];
  const watched = history?.at === undefined ||
    (history.at <= now && now - history.at <= STALE_RECORD_MS);
  const recorded = history?.emptySince?.[key];
  const since = watched && recorded !== undefined && recorded <= now ? recorded : undefined;
  const before = n === undefined ? (history?.complete ? "new" : undefined) : n ?? undefined;
  if (recorded !== undefined && since === undefined) return { before, restarted: true };
  return since !== undefined ? { before, emptySince: since } : { before };
}

/** How long a library must have been found empty before an empty one is taken as meant. */
export const EMPTY_FOR_MS = 24 * 3600_000;
/** A record older than this was not kept up by the syncs: its empty library's day restarts. */
export const STALE_RECORD_MS = 30 * 3600_000;

/**
 * An empty library is taken as meant when it did not exist at the last sync that read every
 * library (a new 4K library), or when every sync of the past day has found it empty (a DVR's
 * "Recordings", watched and deleted): an unmounted disk is rarely left a whole day. Until then
 * it may be that disk, and what it hides must not be removed. Time alone decides: a sync without
 * --remove-missing that happens to run while the disk is away cannot vouch for it.
 */
export function emptyOnPurpose(r: LibraryReading, now: number): boolean {
  return r.items > 0 || r.before === "new" ||
    (r.emptySince !== undefined && now - r.emptySince >= EMPTY_FOR_MS);
}

/** What a sync that read a library leaves on record of it (see `emptyOnPurpose`). */
export function recordedLibrary(
  r: LibraryReading,
  now: number,
): { items: number; emptySince?: number } {
  if (r.items > 0) return { items: r.items };
  // Empty: keep the count it had, and since when it has been empty.
  const had = typeof r.before === "number" ? r.before : 0;
  return { items: had, emptySince: r.emptySince ?? now };
}

export interface RemovalGuardInput {
  plan: RemovalPlan;
  /** Each library read ("Server / Library" → reading), every selected library included. */
  libraryCounts: Map<string, LibraryReading>;
  collected: number;
  /** `--max-remove N`: replaces both default limits. */
  maxRemove?: number;
  /** Servers an earlier sync read that the config no longer has, and since when. */
  goneServers?: { name: string; since: number }[];
  /** Epoch ms, for how long a library has been empty. */
  now: number;
  /** A `--dry-run`: it records nothing, so it is no sync of the day a refusal waits for. */
  preview?: boolean;
}

function previewNote(g: RemovalGuardInput): string {
  return g.preview ? " (a preview does not count: it records nothing)" : "";
}

/** A reason to refuse, or undefined when the removal may go ahead. */
export function removalRefusal(g: RemovalGuardInput): string | undefined {
  const empty = [...g.libraryCounts].filter(([, r]) => !emptyOnPurpose(r, g.now)).map((
    [name, r],
  ) =>
    `"${name}" ${r.listed === false ? "is no longer listed" : "came back empty"} (${
      typeof r.before === "number" && r.before > 0
        ? `it had ${r.before} item${r.before === 1 ? "" : "s"} when a sync last found any`
        : r.before === 0
        ? "no sync has found items in it"
        : "no earlier sync recorded it"
    }${
      r.emptySince !== undefined
        ? `; ${r.listed === false ? "gone" : "empty"} since ${new Date(r.emptySince).toISOString()}`
        : r.restarted
        ? "; its day starts again, as no sync listed it for over 30 hours: the removal needs " +
          "syncs at least daily"
        : ""
    })`
  );
  const gone = (g.goneServers ?? []).filter((x) => g.now - x.since < EMPTY_FOR_MS);
  if (gone.length > 0) {
    return `server ${
      gone.map((x) => `"${x.name}" (since ${new Date(x.since).toISOString()})`).join(", ")
    }, read by an earlier sync, is no longer in the config (renamed or removed?), and what only ` +
      "it had would look missing. Nothing was removed; if that is meant, the removal goes " +
      "ahead once it has been out of the config a whole day" + previewNote(g);
  }
  if (empty.length > 0) {
    return `library ${empty.join(", ")}: an unmounted disk, or a library deleted or no longer ` +
      "shared? Nothing was removed. If that is meant, the removal goes ahead once every sync " +
      "of a whole day has found it so" + previewNote(g);
  }
  const count = g.plan.movies.length + g.plan.episodes.length;
  const limit = g.maxRemove ??
    Math.min(DEFAULT_MAX_REMOVE_ITEMS, Math.floor(g.collected * DEFAULT_MAX_REMOVE_SHARE));
  if (count > limit) {
    return `${count} items would be removed, more than the limit of ${limit}` +
      (g.maxRemove === undefined ? " (50 items or 10% of the collection)" : "") +
      "; nothing was removed. Check with --dry-run, then raise it with --max-remove N";
  }
  return undefined;
}

function traktIds(t: TraktTitle): Record<string, string | number> {
  if (t.trakt !== undefined) return { trakt: t.trakt };
  const out: Record<string, string | number> = {};
  if (t.ids.imdb) out.imdb = t.ids.imdb;
  if (t.ids.tmdb !== undefined) out.tmdb = t.ids.tmdb;
  if (t.ids.tvdb !== undefined) out.tvdb = t.ids.tvdb;
  return out;
}

/**
 * What one POST /sync/collection/remove took out. Trakt's `deleted` says it, except after a
 * retry: the first attempt may have landed with its answer lost, and then the retry finds
 * nothing left to delete. Everything sent was collected when the collection was read, so after
 * a retry what was sent and not answered "not found" counts as removed.
 */
export function removedCounts(
  payload: CollectionPayload,
  res: SyncResponse,
  retried: boolean,
): { movies: number; episodes: number } {
  const deleted = { movies: res.deleted?.movies ?? 0, episodes: res.deleted?.episodes ?? 0 };
  if (!retried) return deleted;
  const sent = {
    movies: payload.movies?.length ?? 0,
    episodes: episodesIn(payload.shows),
  };
  const nf = res.not_found;
  const missed = {
    movies: nf?.movies?.length ?? 0,
    episodes: (nf?.episodes?.length ?? 0) + notFoundShowEpisodes(payload, nf),
  };
  return {
    movies: Math.max(deleted.movies, sent.movies - Math.min(missed.movies, sent.movies)),
    episodes: Math.max(
      deleted.episodes,
      sent.episodes - Math.min(missed.episodes, sent.episodes),
    ),
  };
}

function episodesIn(shows: unknown): number {
  if (!Array.isArray(shows)) return 0;
  let n = 0;
  for (const show of shows) {
    const seasons = (show as { seasons?: unknown } | null)?.seasons;
    if (!Array.isArray(seasons)) continue;
    for (const season of seasons) {
      const eps = (season as { episodes?: unknown } | null)?.episodes;
      if (Array.isArray(eps)) n += eps.length;
    }
  }
  return n;
}

/**
 * Episodes under the shows and seasons Trakt echoed as not found: those the echo lists, or,
 * when it lists none, every episode sent under that show (matched by its Trakt id).
 */
function notFoundShowEpisodes(
  payload: CollectionPayload,
  nf: SyncResponse["not_found"],
): number {
  let n = 0;
  for (const entry of [...(nf?.shows ?? []), ...(nf?.seasons ?? [])]) {
    const listed = episodesIn([entry]) || episodesIn([(entry as { show?: unknown })?.show]);
    if (listed > 0) {
      n += listed;
      continue;
    }
    const ids = (entry as { ids?: Record<string, unknown> } | null)?.ids;
    const sent = payload.shows?.find((s) => ids?.trakt !== undefined && s.ids.trakt === ids.trakt);
    n += sent ? episodesIn([sent]) : 0;
  }
  return n;
}

/** Batches of at most `size` items for POST /sync/collection/remove. */
export function removalPayloads(plan: RemovalPlan, size = 250): CollectionPayload[] {
  const all: (TraktTitle | RemovalEpisode)[] = [...plan.movies, ...plan.episodes];
  const out: CollectionPayload[] = [];
  for (let i = 0; i < all.length; i += size) {
    const slice = all.slice(i, i + size);
    const payload: CollectionPayload = {};
    const movies = slice.filter((x): x is TraktTitle => !("show" in x));
    if (movies.length) payload.movies = movies.map((m) => ({ ids: traktIds(m) }));
    const shows = new Map<TraktTitle, Map<number, Record<string, unknown>[]>>();
    for (const e of slice.filter((x): x is RemovalEpisode => "show" in x)) {
      let seasons = shows.get(e.show);
      if (!seasons) shows.set(e.show, seasons = new Map());
      let eps = seasons.get(e.season);
      if (!eps) seasons.set(e.season, eps = []);
      eps.push({ number: e.number });
    }
    if (shows.size) {
      payload.shows = [...shows].map(([show, seasons]) => ({
        ids: traktIds(show),
        seasons: [...seasons].map(([number, episodes]) => ({ number, episodes })),
      }));
    }
    out.push(payload);
  }
  return out;
}
