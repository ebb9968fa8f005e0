/** The sync summary of design §8: stable keys, built from the plan and the batch outcomes. */
import type { EpisodeCandidate, MovieCandidate, Plan, SkippedEntry } from "./plan.ts";
import type { ExternalIds } from "../model.ts";

export interface Counts {
  movies: number;
  episodes: number;
}

export interface SyncSummary {
  servers: string[];
  dry_run: boolean;
  /** True when nothing changed since the last full diff and its result was reused. */
  incremental: boolean;
  plex: { movies: number; shows: number; episodes: number };
  trakt_before: { movies: number; episodes: number };
  skipped: {
    type: "movie" | "show";
    title: string;
    year?: number;
    reason: string;
    episodes?: number;
    server: string;
    library: string;
  }[];
  planned: Counts;
  added: Counts;
  existing: Counts;
  not_found: {
    movies: { title: string; year?: number; ids: ExternalIds }[];
    episodes: { show: string; ids: ExternalIds; season: number; number: number }[];
  };
  /** Present with --remove-missing. */
  removal?: {
    planned: Counts;
    removed: Counts;
    /** Missing by id, but kept: they may be what Plex has and could not identify. */
    kept: Counts;
    /**
     * Missing by id, but kept: collected on a physical medium (Blu-ray, DVD…), discs the user
     * owns, which Plex never has.
     */
    physical: Counts;
    refused?: string;
    movies: { title?: string; year?: number; ids: ExternalIds }[];
    episodes: { show?: string; ids: ExternalIds; season: number; number: number }[];
  };
  warnings: string[];
  requests: { plex: number; trakt_get: number; trakt_post: number; retries: number };
  duration_ms: number;
  error?: { code: number; message: string };
  /** Servers of several that could not be read; the run synced the others (exit 4, or 3). */
  servers_failed?: { server: string; code: number; message: string }[];
}

export function emptySummary(servers: string[], dryRun: boolean): SyncSummary {
  return {
    servers,
    dry_run: dryRun,
    incremental: false,
    plex: { movies: 0, shows: 0, episodes: 0 },
    trakt_before: { movies: 0, episodes: 0 },
    skipped: [],
    planned: { movies: 0, episodes: 0 },
    added: { movies: 0, episodes: 0 },
    existing: { movies: 0, episodes: 0 },
    not_found: { movies: [], episodes: [] },
    warnings: [],
    requests: { plex: 0, trakt_get: 0, trakt_post: 0, retries: 0 },
    duration_ms: 0,
  };
}

export function skippedRows(s: SkippedEntry[]): SyncSummary["skipped"] {
  return s.map((x) => ({ ...x }));
}

export function notFoundMovie(m: MovieCandidate): SyncSummary["not_found"]["movies"][number] {
  return { title: m.title, ...(m.year !== undefined ? { year: m.year } : {}), ids: m.ids };
}

export function notFoundEpisode(e: EpisodeCandidate): SyncSummary["not_found"]["episodes"][number] {
  return { show: e.show.title, ids: e.show.ids, season: e.season, number: e.number };
}

export function applyPlan(summary: SyncSummary, plan: Plan): void {
  summary.plex = plan.plex;
  summary.skipped = skippedRows(plan.skipped);
  summary.planned = { movies: plan.toSend.movies.length, episodes: plan.toSend.episodes.length };
  summary.existing = { ...plan.existing };
  // Loops, not push(...list): a spread of 100,000 arguments overflows the stack.
  for (const m of plan.recentlyNotFound.movies) summary.not_found.movies.push(notFoundMovie(m));
  for (const e of plan.recentlyNotFound.episodes) {
    summary.not_found.episodes.push(notFoundEpisode(e));
  }
  summary.warnings.push(...plan.warnings);
}
