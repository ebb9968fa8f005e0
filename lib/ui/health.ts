/**
 * The dashboard's status dot, as ComPlexionist specified it: green when connected and the last
 * sync succeeded; amber when the token expires soon or the last sync was partial (or refused the
 * removal it was asked for: `--remove-missing` from a timer); red when not
 * connected or the last sync failed. Where that is silent (never synced, interrupted, Trakt
 * unreachable) we pick the colour that tells the user whether to act.
 */
import type { LastSync } from "../store/store.ts";

export type Dot = "green" | "amber" | "red";

/** "Expiring soon": within a day. Any run renews it, but a machine that never runs one won't. */
export const EXPIRING_SOON_MS = 24 * 3600_000;

export interface HealthInput {
  connected: boolean;
  /** Why Trakt could not be asked (down), or why the stored login is no login (refused). */
  traktError?: string;
  tokenExpiresAt?: number;
  lastSyncs: LastSync[];
  now: number;
}

export function healthOf(h: HealthInput): { dot: Dot; reasons: string[] } {
  const red: string[] = [];
  const amber: string[] = [];
  if (!h.connected) {
    red.push(h.traktError ? `Trakt is not connected: ${h.traktError}` : "Trakt is not connected");
  } else if (h.traktError) red.push(`Trakt could not be reached: ${h.traktError}`);
  if (h.connected && h.tokenExpiresAt !== undefined && !h.traktError) {
    const left = h.tokenExpiresAt - h.now;
    if (left < EXPIRING_SOON_MS) {
      amber.push(`the Trakt token expires in ${hours(left)}; the next sync renews it`);
    }
  }
  // A preview is no sync (older versions stored those too).
  const syncs = h.lastSyncs.filter((s) => s.outcome !== "dry-run");
  if (syncs.length === 0) {
    amber.push(
      h.lastSyncs.length
        ? "the last run on record was a preview (--dry-run); no sync since"
        : "no sync has run yet",
    );
  }
  for (const s of syncs) {
    const name = `"${s.serverName}"`;
    if (s.outcome === "failed") red.push(`the last sync of ${name} failed${tail(s.error)}`);
    else if (s.outcome === "partial") {
      amber.push(`the last sync of ${name} was partial${tail(s.error)}`);
    } else if (s.outcome === "interrupted") {
      amber.push(`the last sync of ${name} was interrupted; the next one completes it`);
    } else if (s.removal?.refused !== undefined) {
      // The sync went well, but the removal asked for did not happen: the user has to act.
      amber.push(`the last sync of ${name} refused to remove anything: ${s.removal.refused}`);
    }
  }
  if (red.length) return { dot: "red", reasons: [...red, ...amber] };
  if (amber.length) return { dot: "amber", reasons: amber };
  return { dot: "green", reasons: ["connected, and the last sync succeeded"] };
}

function hours(ms: number): string {
  if (ms <= 0) return "0 h (expired)";
  return `${Math.max(1, Math.round(ms / 3600_000))} h`;
}

function tail(error: string | undefined): string {
  return error ? `: ${error}` : "";
}
