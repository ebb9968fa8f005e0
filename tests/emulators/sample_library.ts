/**
 * A small library of real titles with their real ids, for `deno task demo` and for tests that
 * want recognisable data. It packs in the cases a Plex → Trakt sync has to get right: new and
 * legacy agents, an unmatched item and a home video without ids, an edition, the same movie in
 * two sections, versions / parts / optimized copies / unanalysed media, Dolby Vision + Atmos
 * and HDR10, specials, hidden seasons, an episode without a number, a show Trakt knows more
 * episodes of than Plex has, titles already collected, and one title Trakt does not know.
 *
 * Trakt ids (`trakt`) are the fake Trakt's own numbering, not Trakt's real ones. Season
 * episode counts come from the shows' broadcast orders; specials counts are illustrative.
 */

import type { Catalog, CatalogMovie, CatalogShow, InitialCollection } from "./catalog.ts";
import {
  type FakeEpisode,
  type FakeIds,
  type FakeMedia,
  type FakeMovie,
  type FakeSection,
  type FakeShow,
  LEGACY_IMDB_AGENT,
  LEGACY_TMDB_AGENT,
  LEGACY_TVDB_AGENT,
  NEW_MOVIE_AGENT,
  NEW_TV_AGENT,
  NONE_AGENT,
} from "./fake_plex_types.ts";

export const SAMPLE_SECTIONS = {
  movies: "1",
  shows: "2",
  classics: "3",
  homeVideos: "4",
  legacyShows: "5",
} as const;

/** 2024-01-01T00:00:00Z; items are added a day apart after it. */
const ADDED = 1_704_067_200;
const DAY = 86_400;

interface MovieSpec {
  title: string;
  year: number;
  imdb?: string;
  tmdb?: number;
}

const M = {
  matrix: { title: "The Matrix", year: 1999, imdb: "tt0133093", tmdb: 603 },
  dune: { title: "Dune", year: 2021, imdb: "tt1160419", tmdb: 438631 },
  bladeRunner: { title: "Blade Runner", year: 1982, imdb: "tt0083658", tmdb: 78 },
  inception: { title: "Inception", year: 2010, imdb: "tt1375666", tmdb: 27205 },
  fellowship: {
    title: "The Lord of the Rings: The Fellowship of the Ring",
    year: 2001,
    imdb: "tt0120737",
    tmdb: 120,
  },
  interstellar: { title: "Interstellar", year: 2014, imdb: "tt0816692", tmdb: 157336 },
  godfather: { title: "The Godfather", year: 1972, imdb: "tt0068646", tmdb: 238 },
  shawshank: { title: "The Shawshank Redemption", year: 1994, imdb: "tt0111161", tmdb: 278 },
  pulpFiction: { title: "Pulp Fiction", year: 1994, imdb: "tt0110912", tmdb: 680 },
  parasite: { title: "Parasite", year: 2019, imdb: "tt6751668", tmdb: 496243 },
  spiritedAway: { title: "Spirited Away", year: 2001, imdb: "tt0245429", tmdb: 129 },
  madMax: { title: "Mad Max: Fury Road", year: 2015, imdb: "tt1392190", tmdb: 76341 },
  backToTheFuture: { title: "Back to the Future", year: 1985, imdb: "tt0088763", tmdb: 105 },
  starWars: { title: "Star Wars", year: 1977, imdb: "tt0076759", tmdb: 11 },
  bigBuckBunny: { title: "Big Buck Bunny", year: 2008, imdb: "tt1254207" },
  /** Deliberately absent from the catalogue: the sync reports it as not found. */
  sintel: { title: "Sintel", year: 2010, imdb: "tt1727587" },
} satisfies Record<string, MovieSpec>;

interface ShowSpec {
  title: string;
  year: number;
  tvdb: number;
  tmdb: number;
  imdb: string;
  /** Episodes per season as Trakt knows them, season 0 = specials. */
  seasons: Record<number, number>;
}

const S = {
  breakingBad: {
    title: "Breaking Bad",
    year: 2008,
    tvdb: 81189,
    tmdb: 1396,
    imdb: "tt0903747",
    seasons: { 1: 7, 2: 13, 3: 13, 4: 13, 5: 16 },
  },
  gameOfThrones: {
    title: "Game of Thrones",
    year: 2011,
    tvdb: 121361,
    tmdb: 1399,
    imdb: "tt0944947",
    seasons: { 1: 10, 2: 10, 3: 10, 4: 10, 5: 10, 6: 10, 7: 7, 8: 6 },
  },
  strangerThings: {
    title: "Stranger Things",
    year: 2016,
    tvdb: 305288,
    tmdb: 66732,
    imdb: "tt4574334",
    seasons: { 1: 8, 2: 9, 3: 8, 4: 9, 5: 8 },
  },
  sherlock: {
    title: "Sherlock",
    year: 2010,
    tvdb: 176941,
    tmdb: 19885,
    imdb: "tt1475582",
    seasons: { 0: 2, 1: 3, 2: 3, 3: 3, 4: 3 },
  },
  friends: {
    title: "Friends",
    year: 1994,
    tvdb: 79168,
    tmdb: 1668,
    imdb: "tt0108778",
    seasons: { 1: 24, 2: 24, 3: 25, 4: 24, 5: 24, 6: 25, 7: 24, 8: 24, 9: 24, 10: 18 },
  },
  chernobyl: {
    title: "Chernobyl",
    year: 2019,
    tvdb: 360893,
    tmdb: 87108,
    imdb: "tt7366338",
    seasons: { 1: 5 },
  },
  mandalorian: {
    title: "The Mandalorian",
    year: 2019,
    tvdb: 361753,
    tmdb: 82856,
    imdb: "tt8111088",
    seasons: { 1: 8, 2: 8, 3: 8 },
  },
  office: {
    title: "The Office",
    year: 2005,
    tvdb: 73244,
    tmdb: 2316,
    imdb: "tt0386676",
    seasons: { 1: 6, 2: 22, 3: 25, 4: 19, 5: 28, 6: 26, 7: 26, 8: 24, 9: 25 },
  },
  the100: {
    title: "The 100",
    year: 2014,
    tvdb: 268592,
    tmdb: 48866,
    imdb: "tt2661044",
    seasons: { 1: 13, 2: 16, 3: 16, 4: 13, 5: 13, 6: 13, 7: 16 },
  },
} satisfies Record<string, ShowSpec>;

const DV_ATMOS: FakeMedia = {
  videoResolution: "4k",
  hdr: "dv8",
  audioCodec: "truehd",
  audioChannels: 8,
  audio: [{
    title: "TrueHD Atmos 7.1",
    displayTitle: "English (TrueHD 7.1 Atmos)",
    extendedDisplayTitle: "TrueHD Atmos 7.1 (English TrueHD)",
  }],
  subtitles: ["English"],
};

const HDR10_DTSX: FakeMedia = {
  videoResolution: "4k",
  hdr: "hdr10",
  audioCodec: "dca-ma",
  audioChannels: 8,
  audio: [{ title: "DTS:X 7.1", displayTitle: "English (DTS-HD MA 7.1)" }],
};

function movieIds(spec: MovieSpec): FakeIds {
  const ids: FakeIds = {};
  if (spec.imdb) ids.imdb = spec.imdb;
  if (spec.tmdb !== undefined) ids.tmdb = spec.tmdb;
  return ids;
}

let nextMovieKey = 101;
function movie(spec: MovieSpec, extra: Partial<FakeMovie> = {}): FakeMovie {
  const ratingKey = String(nextMovieKey++);
  return {
    ratingKey,
    title: spec.title,
    year: spec.year,
    addedAt: ADDED + (Number(ratingKey) - 100) * DAY,
    ids: movieIds(spec),
    ...extra,
  };
}

let nextEpisodeKey = 1001;
function episodes(
  season: number,
  numbers: number[],
  extra: Partial<FakeEpisode> = {},
): FakeEpisode[] {
  return numbers.map((index) => ({
    ratingKey: String(nextEpisodeKey++),
    season,
    index,
    addedAt: ADDED + 40 * DAY + nextEpisodeKey * 600,
    ...extra,
  }));
}

let nextShowKey = 201;
function show(spec: ShowSpec, eps: FakeEpisode[], extra: Partial<FakeShow> = {}): FakeShow {
  const ratingKey = String(nextShowKey++);
  return {
    ratingKey,
    title: spec.title,
    year: spec.year,
    addedAt: ADDED + (Number(ratingKey) - 170) * DAY,
    ids: { imdb: spec.imdb, tmdb: spec.tmdb, tvdb: spec.tvdb },
    episodes: eps,
    ...extra,
  };
}

function catalogMovie(trakt: number, spec: MovieSpec): CatalogMovie {
  const slug = `${spec.title} ${spec.year}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return { trakt, slug, title: spec.title, year: spec.year, ...movieIds(spec) };
}

function catalogShow(trakt: number, spec: ShowSpec): CatalogShow {
  const { title, year, imdb, tmdb, tvdb } = spec;
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const seasons = Object.entries(spec.seasons).map(([n, count]) => ({
    number: Number(n),
    episodes: count,
  }));
  return { trakt, slug, title, year, imdb, tmdb, tvdb, seasons };
}

export function sampleLibrary(): {
  sections: FakeSection[];
  catalog: Catalog;
  collection: InitialCollection;
} {
  // Keys restart on every call so the library is identical each time.
  nextMovieKey = 101;
  nextShowKey = 201;
  nextEpisodeKey = 1001;

  const movies: FakeMovie[] = [
    movie(M.matrix, { media: [DV_ATMOS, { videoResolution: "1080", audioCodec: "dca" }] }),
    movie(M.dune, { media: [HDR10_DTSX] }),
    movie(M.bladeRunner, { media: [{ videoResolution: "1080", audioCodec: "dca-ma" }] }),
    // An edition: its own item and ratingKey, the same guid and Guid[] as the main item.
    movie(M.bladeRunner, {
      editionTitle: "The Final Cut",
      media: [{ videoResolution: "4k", hdr: "hdr10", audioCodec: "truehd", audioChannels: 8 }],
    }),
    movie(M.inception, {
      media: [{ videoResolution: "1080" }, {
        optimized: true,
        videoResolution: "720",
        audioCodec: "aac",
        audioChannels: 2,
        container: "mp4",
      }],
    }),
    movie(M.fellowship, {
      media: [
        { videoResolution: "1080", audioCodec: "dca" },
        {
          videoResolution: "sd",
          videoCodec: "mpeg4",
          videoProfile: "advanced simple",
          container: "avi",
          audioCodec: "ac3",
          parts: [{ file: "/data/Movies/LOTR FOTR/lotr.fotr.cd1.avi" }, {
            file: "/data/Movies/LOTR FOTR/lotr.fotr.cd2.avi",
          }],
        },
      ],
    }),
    movie(M.interstellar, { media: [{ unanalysed: true }] }),
    movie(M.godfather),
    movie(M.shawshank),
    movie(M.pulpFiction, { media: [{ videoResolution: "720", audioCodec: "ac3" }] }),
    movie(M.parasite, {
      stringFlags: true,
      media: [{ audio: [{ language: "Korean" }], subtitles: ["English"] }],
    }),
    movie(M.spiritedAway, { media: [{ audio: [{ language: "Japanese" }, {}] }] }),
    movie(M.madMax, { media: [{ videoResolution: "4k", hdr: "sdr", audioCodec: "eac3" }] }),
    // Never matched by Plex: no ids at all.
    movie({ title: "VTS_01_1", year: 2003 }, { guid: `local://${nextMovieKey}`, ids: {} }),
  ];
  const classics: FakeMovie[] = [
    // The same film as in "Movies", here under the legacy imdb agent.
    movie(M.godfather, {
      media: [{ videoResolution: "720", audioCodec: "ac3", audioChannels: 2 }],
    }),
    movie(M.backToTheFuture),
    // A leftover from the legacy TMDB agent inside an imdb-agent section.
    movie(M.starWars, { agent: LEGACY_TMDB_AGENT }),
    movie(M.bigBuckBunny, {
      media: [{ videoResolution: "720", audioCodec: "aac", audioChannels: 1 }],
    }),
    movie(M.sintel),
  ];
  const homeVideos: FakeMovie[] = [
    movie({ title: "Summer Holiday 2019", year: 2019 }, { ids: {} }),
  ];

  const bbEpisodes = [
    ...episodes(1, [1], { ids: { imdb: "tt0959621", tvdb: 349232 } }),
    ...episodes(1, [2, 3, 4, 5, 6, 7]),
    ...episodes(2, [1, 2, 3]),
  ];
  const shows: FakeShow[] = [
    show(S.breakingBad, bbEpisodes),
    show(S.gameOfThrones, episodes(1, [1, 2, 3])),
    show(S.strangerThings, [
      ...episodes(1, [1, 2]),
      ...episodes(4, [1], {
        media: [{
          videoResolution: "4k",
          hdr: "hdr10",
          audio: [{ title: "English DDP Atmos 5.1" }],
        }],
      }),
    ]),
    show(S.sherlock, [...episodes(0, [1]), ...episodes(1, [1, 2, 3])]),
    // The last Friends episode is a date-named file Plex could not number.
    show(S.friends, [...episodes(1, [1, 2]), ...episodes(1, [0]).map(unnumbered)]),
    show(S.chernobyl, episodes(1, [1, 2, 3, 4, 5], { stringFlags: true }), {
      hiddenSeasons: true,
    }),
    show(S.mandalorian, episodes(1, [1, 2], { media: [{ videoResolution: "4k", hdr: "dv5" }] })),
    show(S.office, episodes(2, [1, 2])),
  ];
  const legacyShows: FakeShow[] = [show(S.the100, episodes(1, [1, 2, 3]))];

  const sections: FakeSection[] = [
    { key: SAMPLE_SECTIONS.movies, title: "Movies", type: "movie", agent: NEW_MOVIE_AGENT, movies },
    { key: SAMPLE_SECTIONS.shows, title: "TV Shows", type: "show", agent: NEW_TV_AGENT, shows },
    {
      key: SAMPLE_SECTIONS.classics,
      title: "Classics",
      type: "movie",
      agent: LEGACY_IMDB_AGENT,
      movies: classics,
    },
    {
      key: SAMPLE_SECTIONS.homeVideos,
      title: "Home Videos",
      type: "movie",
      agent: NONE_AGENT,
      movies: homeVideos,
    },
    {
      key: SAMPLE_SECTIONS.legacyShows,
      title: "TV (TheTVDB)",
      type: "show",
      agent: LEGACY_TVDB_AGENT,
      shows: legacyShows,
    },
  ];

  const catalogMovies = [
    M.matrix,
    M.dune,
    M.bladeRunner,
    M.inception,
    M.fellowship,
    M.interstellar,
    M.godfather,
    M.shawshank,
    M.pulpFiction,
    M.parasite,
    M.spiritedAway,
    M.madMax,
    M.backToTheFuture,
    M.starWars,
    M.bigBuckBunny,
  ].map((spec, i) => catalogMovie(1001 + i, spec));
  const catalogShows = [
    S.breakingBad,
    S.gameOfThrones,
    S.strangerThings,
    S.sherlock,
    S.friends,
    S.chernobyl,
    S.mandalorian,
    S.office,
    S.the100,
  ].map((spec, i) => catalogShow(2001 + i, spec));
  const traktId = (list: { trakt: number; title: string }[], title: string): number =>
    list.find((x) => x.title === title)!.trakt;

  const bb = traktId(catalogShows, S.breakingBad.title);
  const office = traktId(catalogShows, S.office.title);
  const collection: InitialCollection = {
    movies: [
      traktId(catalogMovies, M.shawshank.title),
      traktId(catalogMovies, M.pulpFiction.title),
    ],
    episodes: [
      { show: bb, season: 1, number: 1 },
      { show: bb, season: 1, number: 2 },
      { show: bb, season: 1, number: 3 },
      { show: office, season: 2, number: 1 },
    ],
  };
  return { sections, catalog: { movies: catalogMovies, shows: catalogShows }, collection };
}

function unnumbered(e: FakeEpisode): FakeEpisode {
  const { index: _index, ...rest } = e;
  return { ...rest, title: "2004-05-06", originallyAvailableAt: "2004-05-06" };
}
