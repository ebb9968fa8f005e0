/** What the Trakt collection holds, indexed by id key. Built from the paged reads. */
import type { LeanIds, LeanMovieRow, LeanShowRow } from "../trakt/models.ts";
import { idKeys } from "./ids.ts";
import type { ExternalIds } from "../model.ts";

export interface TraktIndex {
  movies: Set<string>;
  /** Show id key → show number (index into `episodes`). */
  shows: Map<string, number>;
  /** Per show number: collected episodes encoded as `season * 100000 + number`. */
  episodes: Set<number>[];
  counts: { movies: number; shows: number; episodes: number };
  warnings: string[];
  /** The collected titles themselves, for removals: one per movie, one per show number. */
  movieTitles: TraktTitle[];
  showTitles: TraktTitle[];
  /**
   * Per show number, its episodes collected on a physical medium (a disc the user owns), for
   * the few shows that have any: removals leave them alone.
   */
  physicalEpisodes: Map<number, Set<number>>;
}

export interface TraktTitle {
  trakt?: number;
  ids: ExternalIds;
  title?: string;
  year?: number;
  /** A movie collected on a physical medium (Blu-ray, DVD…): not a file Plex would have. */
  physical?: true;
}

function titleOf(
  m: { title?: string | null; year?: number | null; ids?: LeanIds | null } | null | undefined,
): TraktTitle {
  return {
    ...(m?.ids?.trakt != null ? { trakt: m.ids.trakt } : {}),
    ids: externalIds(m?.ids),
    ...(m?.title ? { title: m.title } : {}),
    ...(m?.year != null ? { year: m.year } : {}),
  };
}

export function episodeCode(season: number, number: number): number {
  return season * 100_000 + number;
}

export function externalIds(ids: LeanIds | null | undefined): ExternalIds {
  const out: ExternalIds = {};
  if (!ids) return out;
  if (typeof ids.imdb === "string" && ids.imdb !== "") out.imdb = ids.imdb;
  if (typeof ids.tmdb === "number") out.tmdb = ids.tmdb;
  if (typeof ids.tvdb === "number") out.tvdb = ids.tvdb;
  return out;
}

/**
 * Rows repeated across pages are de-duplicated by Trakt id; ghost rows (every id null) are
 * skipped (trakt-api.md §6.2).
 */
export function buildTraktIndex(movieRows: LeanMovieRow[], showRows: LeanShowRow[]): TraktIndex {
  const builder = new TraktIndexBuilder();
  builder.addMovies(movieRows);
  builder.addShows(showRows);
  return builder.finish();
}

/** Builds the index page by page, so the sync never holds the rows themselves. */
export class TraktIndexBuilder {
  #index: TraktIndex = {
    movies: new Set(),
    shows: new Map(),
    episodes: [],
    counts: { movies: 0, shows: 0, episodes: 0 },
    warnings: [],
    movieTitles: [],
    showTitles: [],
    physicalEpisodes: new Map(),
  };
  /** Movie identity → its place in `movieTitles`. */
  #seenMovies = new Map<string, number>();
  #seenShows = new Map<string, number>();
  #missingSeasons = 0;

  addMovies(rows: LeanMovieRow[]): void {
    const index = this.#index;
    for (const row of rows) {
      const ids = row.movie?.ids;
      const keys = idKeys(externalIds(ids));
      const identity = ids?.trakt != null ? `trakt:${ids.trakt}` : keys[0];
      if (!identity) continue;
      const seen = this.#seenMovies.get(identity);
      if (seen !== undefined) {
        // The same movie twice (a repeated row, or a file and a disc): a disc in either holds.
        if (row.physical) index.movieTitles[seen]!.physical = true;
        continue;
      }
      this.#seenMovies.set(identity, index.movieTitles.length);
      index.counts.movies++;
      const title = titleOf(row.movie);
      if (row.physical) title.physical = true;
      index.movieTitles.push(title);
      for (const k of keys) index.movies.add(k);
    }
  }

  addShows(rows: LeanShowRow[]): void {
    const index = this.#index;
    for (const row of rows) {
      const ids = row.show?.ids;
      const keys = idKeys(externalIds(ids));
      const identity = ids?.trakt != null ? `trakt:${ids.trakt}` : keys[0];
      if (!identity) continue;
      let n = this.#seenShows.get(identity) ??
        keys.map((k) => index.shows.get(k)).find((x) => x !== undefined);
      if (n === undefined) {
        n = index.episodes.length;
        index.episodes.push(new Set());
        index.showTitles.push(titleOf(row.show));
        index.counts.shows++;
      }
      this.#seenShows.set(identity, n);
      for (const k of keys) if (!index.shows.has(k)) index.shows.set(k, n);
      if (!row.seasons) this.#missingSeasons++;
      const eps = index.episodes[n]!;
      for (const season of row.seasons ?? []) {
        for (const ep of season.episodes ?? []) {
          const code = episodeCode(season.number, ep.number);
          if (!eps.has(code)) {
            eps.add(code);
            index.counts.episodes++;
          }
          if (ep.physical) {
            let discs = index.physicalEpisodes.get(n);
            if (!discs) index.physicalEpisodes.set(n, discs = new Set());
            discs.add(code);
          }
        }
      }
    }
  }

  /** A warning about the reading itself (a page Trakt left empty), for the plan to carry. */
  warn(message: string): void {
    this.#index.warnings.push(message);
  }

  finish(): TraktIndex {
    if (this.#missingSeasons > 0) {
      // Never read "no seasons" as "nothing collected" silently (trakt-api.md §6.4).
      this.#index.warnings.push(
        `Trakt listed ${this.#missingSeasons} collected show(s) without their seasons; their ` +
          "episodes count as not collected, so they may be sent again",
      );
    }
    return this.#index;
  }
}
