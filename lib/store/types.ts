/**
 * What the store keeps, and light shape checks for values read back: the file may have been
 * written by an older complexionist, and a bad value must not travel further as a typed one.
 */

/** The Trakt login (trakt-api.md §4.4, times converted to epoch milliseconds). */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms: Trakt's `created_at + expires_in`. */
  expiresAt: number;
  /** Epoch ms: Trakt's `created_at`. */
  createdAt: number;
  scope: string;
  username?: string;
  vip?: boolean;
}

export type SyncOutcome = "success" | "partial" | "failed" | "interrupted" | "dry-run";

export interface MediaCounts {
  movies: number;
  episodes: number;
}

/** Summary of the last sync of one Plex server, for `trakt status`. */
export interface LastSync {
  /** Epoch ms. */
  at: number;
  serverName: string;
  outcome: SyncOutcome;
  added: MediaCounts;
  existing: MediaCounts;
  notFound: MediaCounts;
  skipped: number;
  error?: string;
  /** Every server of that run, when it read more than one: the counts are the run's. */
  servers?: string[];
  /**
   * With `--remove-missing`, how its removal went: what it planned and removed, or why it
   * refused (then nothing was removed). Absent when the run had no removal.
   */
  removal?: LastRemoval;
}

export interface LastRemoval {
  planned: MediaCounts;
  removed: MediaCounts;
  refused?: string;
}

/**
 * Items per library of one server, as the syncs that read it found them: what the
 * `--remove-missing` guard against an empty library compares with.
 */
export interface LibraryItems {
  /** Epoch ms of the last run that wrote it. */
  at: number;
  /**
   * Written by a run that read every library of the server (no `--library`): a library missing
   * from `items` is newer than that run.
   */
  complete: boolean;
  /**
   * Section key → its items when a sync last found any (0: none has). `null` (older records)
   * reads as unknown.
   */
  items: Record<string, number | null>;
  /** Section key → since when (epoch ms) every sync that read it has found it empty. */
  emptySince?: Record<string, number>;
  /** The server's name as configured (the record's key is it in lower case). */
  name?: string;
  /** Since when (epoch ms) the server has been missing from the config (renamed or removed). */
  goneSince?: number;
}

/** One remembered "Trakt does not know this" answer (design §7). */
export interface NotFoundEntry {
  /** Epoch ms of the answer. */
  at: number;
  item: unknown;
}

const OUTCOMES: readonly string[] = ["success", "partial", "failed", "interrupted", "dry-run"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCounts(v: unknown): v is MediaCounts {
  return isRecord(v) && typeof v.movies === "number" && typeof v.episodes === "number";
}

export function isStoredTokens(v: unknown): v is StoredTokens {
  return isRecord(v) &&
    typeof v.accessToken === "string" && typeof v.refreshToken === "string" &&
    typeof v.expiresAt === "number" && typeof v.createdAt === "number" &&
    typeof v.scope === "string" &&
    (v.username === undefined || typeof v.username === "string") &&
    (v.vip === undefined || typeof v.vip === "boolean");
}

export function isLastSync(v: unknown): v is LastSync {
  return isRecord(v) &&
    typeof v.at === "number" && typeof v.serverName === "string" &&
    typeof v.outcome === "string" && OUTCOMES.includes(v.outcome) &&
    isCounts(v.added) && isCounts(v.existing) && isCounts(v.notFound) &&
    typeof v.skipped === "number" &&
    (v.error === undefined || typeof v.error === "string") &&
    (v.servers === undefined ||
      (Array.isArray(v.servers) && v.servers.every((x) => typeof x === "string"))) &&
    (v.removal === undefined || isLastRemoval(v.removal));
}

function isLastRemoval(v: unknown): v is LastRemoval {
  return isRecord(v) && isCounts(v.planned) && isCounts(v.removed) &&
    (v.refused === undefined || typeof v.refused === "string");
}

export function isNotFoundEntry(v: unknown): v is NotFoundEntry {
  return isRecord(v) && typeof v.at === "number" && "item" in v;
}

export function isLibraryItems(v: unknown): v is LibraryItems {
  return isRecord(v) && typeof v.at === "number" && typeof v.complete === "boolean" &&
    isRecord(v.items) &&
    Object.values(v.items).every((n) => n === null || typeof n === "number") &&
    (v.emptySince === undefined ||
      (isRecord(v.emptySince) &&
        Object.values(v.emptySince).every((n) => typeof n === "number"))) &&
    (v.name === undefined || typeof v.name === "string") &&
    (v.goneSince === undefined || typeof v.goneSince === "number");
}
