/**
 * What `scripts/emulators.ts` (the emulator process) and `scripts/bench.ts` say to each other:
 * the one JSON line the runner prints when it is listening, and the `GET /__stats` answer that
 * each fake's origin serves (`POST /__reset` clears it).
 */

/** One Plex library of the synthetic world, as the runner built it. */
export interface SectionInfo {
  key: string;
  title: string;
  type: "movie" | "show";
  /** Movies in a movie section; shows in a show section. */
  items: number;
  /** Episodes in a show section (0 in a movie section). */
  episodes: number;
}

export interface LibraryInfo {
  movies: number;
  shows: number;
  episodes: number;
  sections: SectionInfo[];
  /** What the fake Trakt holds when it starts. */
  collected: { movies: number; shows: number; episodes: number };
}

export interface RunnerReady {
  pid: number;
  plex: string;
  trakt: string;
  plexToken: string;
  clientId: string;
  clientSecret: string;
  /** A login the fake Trakt accepts (its `issueTokens()`), for seeding the CLI's store. */
  tokens: {
    access_token: string;
    refresh_token: string;
    token_type: "bearer";
    scope: "public";
    expires_in: number;
    created_at: number;
  };
  library: LibraryInfo;
  /** Time the runner took to generate the library and start both fakes. */
  setupMs: number;
}

/** One request the fake answered since the last reset. */
export interface StatEntry {
  method: string;
  path: string;
  /** The query string without its `?` (empty when none). */
  query: string;
  status: number;
  /** Server-side time: from arrival (body unread) to the response object, in ms. */
  ms: number;
  /** Movies + episodes in a POST body (undefined for other requests). */
  items?: number;
}

export interface StatsAnswer {
  requests: StatEntry[];
}

export const STATS_PATH = "/__stats";
export const RESET_PATH = "/__reset";
