/**
 * What the fake Trakt "knows" about the world (its catalogue) and what a user's collection
 * holds. Shared by the fake Trakt, the synthetic library generator and the demo library.
 */

export interface CatalogMovie {
  trakt: number;
  slug: string;
  title: string;
  year: number;
  imdb?: string;
  tmdb?: number;
}

export interface CatalogShow {
  trakt: number;
  slug: string;
  title: string;
  year: number;
  imdb?: string;
  tmdb?: number;
  tvdb?: number;
  /** Every episode Trakt knows, per season (season 0 = specials). */
  seasons: { number: number; episodes: number }[];
}

export interface Catalog {
  movies: CatalogMovie[];
  shows: CatalogShow[];
}

/** Items already in the user's Trakt collection when the fake starts. */
export interface InitialCollection {
  /** Trakt ids of collected movies. */
  movies: number[];
  /** Collected episodes, by show Trakt id. */
  episodes: { show: number; season: number; number: number }[];
  /**
   * The `media_type` of items collected as something other than `digital` (by hand on Trakt's
   * site: a Blu-ray, a DVD…): movies by Trakt id, episodes as "show:season:number".
   */
  mediaTypes?: { movies?: Record<number, string>; episodes?: Record<string, string> };
}
