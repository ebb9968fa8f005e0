/** What `trakt status` and the dashboard show about the Trakt side and the last syncs. */
import type { LastSync, SyncLockHolder } from "../store/store.ts";
import { readTraktIndex } from "../sync/run.ts";
import { accountLimitFor } from "../trakt/limits.ts";
import type { TraktParts } from "../cli/context.ts";

export interface ConnectedStatus {
  connected: true;
  username: string;
  vip: boolean;
  collection: { movies: number; shows: number; episodes: number };
  account_limit: { limit: number; collected: number; headroom: number };
  token_expires_at: string;
}

export type TraktStatus = ConnectedStatus | { connected: false };

/** Reads the account and the collection counts; `{connected: false}` without a stored login. */
export async function traktStatus(t: TraktParts): Promise<TraktStatus> {
  if (!(await t.store.getTokens())) return { connected: false };
  const settings = await t.client.settings();
  // The sync's own lean, page-by-page read: a big collection is never held row by row.
  const index = await readTraktIndex(t.client);
  const fresh = await t.session.current();
  const vip = settings.user.vip === true;
  const limit = accountLimitFor(vip);
  const collected = index.counts.movies + index.counts.episodes;
  return {
    connected: true,
    username: settings.user.username,
    vip,
    collection: {
      movies: index.counts.movies,
      shows: index.counts.shows,
      episodes: index.counts.episodes,
    },
    account_limit: { limit, collected, headroom: Math.max(0, limit - collected) },
    token_expires_at: new Date(fresh.expiresAt).toISOString(),
  };
}

export function lastSyncJson(s: { serverId: string; sync: LastSync }) {
  return { server: s.serverId, ...s.sync, at: new Date(s.sync.at).toISOString() };
}

/** The sync lock's holder as `trakt status --json` and the dashboard show it. */
export function runningJson(holder: SyncLockHolder): { owner: string; since?: string } {
  return {
    owner: holder.owner,
    // 0: a lease written before its start was recorded.
    ...(holder.since ? { since: new Date(holder.since).toISOString() } : {}),
  };
}
