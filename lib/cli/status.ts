/** `complexionist trakt status`: who is connected, what is collected, how the last syncs went. */
import type { LastSync } from "../store/types.ts";
import { buildTraktIndex } from "../sync/trakt_index.ts";
import { createContext, type GlobalFlags, traktParts } from "./context.ts";
import { accountLimitFor } from "../trakt/limits.ts";

export async function statusCommand(flags: GlobalFlags, opts: { json?: true }): Promise<void> {
  const ctx = createContext(flags);
  const t = await traktParts(ctx);
  try {
    const syncs = await t.store.listLastSyncs();
    const tokens = await t.store.getTokens();
    if (!tokens) {
      if (opts.json) {
        ctx.out.json({
          connected: false,
          last_syncs: syncs.map(lastSyncJson),
        });
      }
      ctx.out.info("Trakt: not connected. Run `complexionist trakt auth`");
      return;
    }
    const settings = await t.client.settings();
    const index = buildTraktIndex(
      await t.client.collectionMovies(),
      await t.client.collectionShows(),
    );
    const fresh = await t.session.current();
    const vip = settings.user.vip === true;
    const limit = accountLimitFor(vip);
    const collected = index.counts.movies + index.counts.episodes;
    const status = {
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
      last_syncs: syncs.map(lastSyncJson),
    };
    if (opts.json) ctx.out.json(status);
    const o = ctx.out;
    o.info(`Trakt: connected as ${status.username}${vip ? " (VIP)" : " (free account)"}`);
    o.info(
      `Collection: ${status.collection.movies} movies, ${status.collection.episodes} episodes ` +
        `of ${status.collection.shows} shows (${status.account_limit.headroom} left of the ` +
        `announced ${limit}-item limit)`,
    );
    o.info(`Token: valid until ${status.token_expires_at} (renewed automatically)`);
    if (syncs.length === 0) o.info("Last sync: never. Run `complexionist trakt sync`");
    for (const s of syncs) {
      const x = s.sync;
      o.info(
        `Last sync of "${x.serverName}": ${new Date(x.at).toISOString()} ${x.outcome}: ` +
          `added ${x.added.movies} movies, ${x.added.episodes} episodes; not found ` +
          `${x.notFound.movies + x.notFound.episodes}${x.error ? `; ${x.error}` : ""}`,
      );
    }
  } finally {
    t.store.close();
  }
}

function lastSyncJson(s: { serverId: string; sync: LastSync }) {
  return { server: s.serverId, ...s.sync, at: new Date(s.sync.at).toISOString() };
}
