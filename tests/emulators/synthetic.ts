/**
 * Synthetic Plex libraries of any size, with the matching Trakt catalogue and an initial
 * Trakt collection, for end-to-end tests and benchmarks. Everything derives from `seed`
 * (mulberry32), so a failing run can be replayed exactly.
 *
 * The library is "clean" on purpose: every Plex item is matchable (no editions, duplicates or
 * unmatched items; the sample library covers those), so a test can predict exactly what a
 * sync must add: every known title minus what `collection` already holds.
 */

import type { Catalog, CatalogMovie, CatalogShow, InitialCollection } from "./catalog.ts";
import {
  type FakeEpisode,
  type FakeMedia,
  type FakeMovie,
  type FakeSection,
  type FakeShow,
  LEGACY_IMDB_AGENT,
  LEGACY_TVDB_AGENT,
  NEW_MOVIE_AGENT,
  NEW_TV_AGENT,
} from "./fake_plex_types.ts";
import { mulberry32 } from "../helpers/prng.ts";
export { mulberry32 };

export interface SyntheticOptions {
  seed: number;
  movies: number;
  shows: number;
  episodesPerShow: number;
  /** Share of (known) movies and episodes already in the Trakt collection; default 0.5. */
  collectedFraction?: number;
  /** Share of movies and shows that Trakt's catalogue lacks; default 0. */
  unknownToTraktFraction?: number;
}

export interface SyntheticLibrary {
  sections: FakeSection[];
  catalog: Catalog;
  collection: InitialCollection;
}

/** Section keys of a synthetic library (all four always exist, possibly empty). */
export const SYNTHETIC_SECTIONS = {
  movies: "1",
  legacyMovies: "2",
  shows: "3",
  legacyShows: "4",
} as const;

/** Share of movies on the legacy imdb agent and of shows on the legacy TheTVDB agent. */
const LEGACY_MOVIE_SHARE = 0.1;
const LEGACY_SHOW_SHARE = 0.15;
const EPISODES_PER_SEASON = 10;

const ADJECTIVES = [
  "Silent",
  "Crimson",
  "Hidden",
  "Last",
  "Broken",
  "Golden",
  "Distant",
  "Frozen",
  "Electric",
  "Midnight",
  "Savage",
  "Quiet",
  "Burning",
  "Lost",
  "Iron",
  "Velvet",
];
const NOUNS = [
  "Harbor",
  "Empire",
  "Garden",
  "Signal",
  "River",
  "Protocol",
  "Frontier",
  "Orchard",
  "Circuit",
  "Kingdom",
  "Lighthouse",
  "Machine",
  "Summer",
  "Witness",
  "Horizon",
  "Station",
];
const SUFFIXES = ["", "", "", "", " II", " Returns", ": Origins", " of the North"];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function titleFor(rand: () => number): string {
  const article = rand() < 0.3 ? "The " : "";
  return `${article}${pick(rand, ADJECTIVES)} ${pick(rand, NOUNS)}${pick(rand, SUFFIXES)}`;
}

function slugify(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** Trakt slugs are unique; disambiguate repeats with the Trakt id. */
function uniqueSlug(used: Set<string>, base: string, trakt: number): string {
  const slug = used.has(base) ? `${base}-${trakt}` : base;
  used.add(slug);
  return slug;
}

/** A realistic version mix: mostly 1080p, some 4K with HDR10/Dolby Vision and Atmos/DTS:X. */
function movieMedia(rand: () => number): FakeMedia {
  const r = rand();
  if (r < 0.04) {
    return {
      videoResolution: "4k",
      hdr: "dv8",
      audioCodec: "truehd",
      audioChannels: 8,
      audio: [{ title: "TrueHD Atmos 7.1", displayTitle: "English (TrueHD 7.1 Atmos)" }],
    };
  }
  if (r < 0.1) {
    const dtsx = rand() < 0.5;
    return {
      videoResolution: "4k",
      hdr: "hdr10",
      audioCodec: "dca-ma",
      audioChannels: 8,
      audio: dtsx ? [{ title: "DTS:X 7.1" }] : undefined,
    };
  }
  if (r < 0.12) return { videoResolution: "4k", hdr: "sdr", audioCodec: "eac3" };
  if (r < 0.62) return { videoResolution: "1080", audioCodec: pick(rand, ["dca", "ac3", "eac3"]) };
  if (r < 0.85) {
    return rand() < 0.5
      ? { videoResolution: "720", audioCodec: "aac", audioChannels: 2 }
      : { videoResolution: "720", audioCodec: "ac3" };
  }
  return {
    videoResolution: "sd",
    videoCodec: "mpeg4",
    videoProfile: "advanced simple",
    container: "avi",
    audioCodec: "ac3",
    audioChannels: 2,
  };
}

function episodeMedia(rand: () => number): FakeMedia {
  const r = rand();
  if (r < 0.03) {
    return {
      videoResolution: "4k",
      hdr: "hdr10",
      audioCodec: "eac3",
      audio: [{ title: "English DDP Atmos 5.1" }],
    };
  }
  if (r < 0.1) return { videoResolution: "720", audioCodec: "aac", audioChannels: 2 };
  return { videoResolution: "1080", audioCodec: "eac3" };
}

function clampFraction(v: number | undefined, fallback: number): number {
  const f = v ?? fallback;
  return Math.min(1, Math.max(0, f));
}

export function syntheticLibrary(opts: SyntheticOptions): SyntheticLibrary {
  // Independent streams: changing the collected or unknown share leaves the library unchanged.
  const rand = mulberry32(opts.seed);
  const randUnknown = mulberry32(opts.seed ^ 0x9e3779b9);
  const randCollected = mulberry32(opts.seed ^ 0x85ebca6b);
  const collected = clampFraction(opts.collectedFraction, 0.5);
  const unknown = clampFraction(opts.unknownToTraktFraction, 0);

  const newMovies: FakeMovie[] = [];
  const legacyMovies: FakeMovie[] = [];
  const newShows: FakeShow[] = [];
  const legacyShows: FakeShow[] = [];
  const catalog: Catalog = { movies: [], shows: [] };
  const collection: InitialCollection = { movies: [], episodes: [] };
  const slugs = new Set<string>();
  let nextRatingKey = 1000;
  const baseAdded = 1_500_000_000;

  for (let i = 0; i < opts.movies; i++) {
    const title = titleFor(rand);
    const year = 1960 + Math.floor(rand() * 66);
    const imdb = `tt${10_000_000 + i}`;
    const tmdb = 100_000 + i;
    const legacy = rand() < LEGACY_MOVIE_SHARE;
    const movie: FakeMovie = {
      ratingKey: String(nextRatingKey++),
      title,
      year,
      addedAt: baseAdded + Math.floor(rand() * 200_000_000),
      ids: legacy ? { imdb } : { imdb, tmdb },
      media: [movieMedia(rand)],
    };
    (legacy ? legacyMovies : newMovies).push(movie);
    if (randUnknown() < unknown) continue;
    const trakt = i + 1;
    const entry: CatalogMovie = {
      trakt,
      slug: uniqueSlug(slugs, slugify(`${title} ${year}`), trakt),
      title,
      year,
      imdb,
      tmdb,
    };
    catalog.movies.push(entry);
    if (randCollected() < collected) collection.movies.push(trakt);
  }

  slugs.clear();
  let episodeNo = 0;
  for (let j = 0; j < opts.shows; j++) {
    const title = titleFor(rand);
    const year = 1990 + Math.floor(rand() * 36);
    const ids = { imdb: `tt${20_000_000 + j}`, tmdb: 200_000 + j, tvdb: 300_000 + j };
    const legacy = rand() < LEGACY_SHOW_SHARE;
    const addedAt = baseAdded + Math.floor(rand() * 200_000_000);
    const episodes: FakeEpisode[] = [];
    for (let e = 0; e < opts.episodesPerShow; e++) {
      const k = episodeNo++;
      episodes.push({
        ratingKey: String(nextRatingKey++),
        season: Math.floor(e / EPISODES_PER_SEASON) + 1,
        index: (e % EPISODES_PER_SEASON) + 1,
        title: `Episode ${(e % EPISODES_PER_SEASON) + 1}`,
        addedAt: addedAt + e * 3600,
        // The episode's own ids; only rendered as Guid[] on the new agent.
        ids: { imdb: `tt${30_000_000 + k}`, tmdb: 3_000_000 + k, tvdb: 5_000_000 + k },
        media: [episodeMedia(rand)],
      });
    }
    const show: FakeShow = {
      ratingKey: String(nextRatingKey++),
      title,
      year,
      addedAt,
      ids,
      episodes,
    };
    (legacy ? legacyShows : newShows).push(show);
    if (randUnknown() < unknown) continue;
    const trakt = j + 1;
    const seasons: CatalogShow["seasons"] = [];
    for (let s = 0; s * EPISODES_PER_SEASON < opts.episodesPerShow; s++) {
      const count = Math.min(EPISODES_PER_SEASON, opts.episodesPerShow - s * EPISODES_PER_SEASON);
      seasons.push({ number: s + 1, episodes: count });
    }
    catalog.shows.push({
      trakt,
      slug: uniqueSlug(slugs, slugify(title), trakt),
      title,
      year,
      ...ids,
      seasons,
    });
    for (const ep of episodes) {
      if (randCollected() < collected) {
        collection.episodes.push({ show: trakt, season: ep.season, number: ep.index! });
      }
    }
  }

  const sections: FakeSection[] = [
    {
      key: SYNTHETIC_SECTIONS.movies,
      title: "Movies",
      type: "movie",
      agent: NEW_MOVIE_AGENT,
      movies: newMovies,
    },
    {
      key: SYNTHETIC_SECTIONS.legacyMovies,
      title: "Movies (Legacy)",
      type: "movie",
      agent: LEGACY_IMDB_AGENT,
      movies: legacyMovies,
    },
    {
      key: SYNTHETIC_SECTIONS.shows,
      title: "TV Shows",
      type: "show",
      agent: NEW_TV_AGENT,
      shows: newShows,
    },
    {
      key: SYNTHETIC_SECTIONS.legacyShows,
      title: "TV Shows (Legacy)",
      type: "show",
      agent: LEGACY_TVDB_AGENT,
      shows: legacyShows,
    },
  ];
  return { sections, catalog, collection };
}
