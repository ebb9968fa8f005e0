/** A small Trakt catalogue of real titles for the fake Trakt's and the Trakt client's unit tests. */
import type { Catalog } from "./catalog.ts";

export const TEST_CATALOG: Catalog = {
  movies: [
    {
      trakt: 1,
      slug: "batman-begins-2005",
      title: "Batman Begins",
      year: 2005,
      imdb: "tt0372784",
      tmdb: 272,
    },
    {
      trakt: 2,
      slug: "tron-legacy-2010",
      title: "TRON: Legacy",
      year: 2010,
      imdb: "tt1104001",
      tmdb: 20526,
    },
    { trakt: 3, slug: "heat-1995", title: "Heat", year: 1995, tmdb: 949 },
    { trakt: 4, slug: "alien-1979", title: "Alien", year: 1979, imdb: "tt0078748" },
    { trakt: 5, slug: "up-2009", title: "Up", year: 2009, imdb: "tt1049413", tmdb: 14160 },
  ],
  shows: [
    {
      trakt: 10,
      slug: "breaking-bad",
      title: "Breaking Bad",
      year: 2008,
      imdb: "tt0903747",
      tmdb: 1396,
      tvdb: 81189,
      seasons: [{ number: 0, episodes: 1 }, { number: 1, episodes: 3 }, { number: 2, episodes: 2 }],
    },
    {
      trakt: 20,
      slug: "mad-men",
      title: "Mad Men",
      year: 2007,
      tvdb: 80337,
      seasons: [{ number: 1, episodes: 4 }],
    },
  ],
};
