/**
 * The sync engine wired in-process to the emulators (no sockets, no subprocess): the real Plex
 * and Trakt clients over the real HTTP layer, with `fetch` routed to the fakes' handlers. For
 * engine-level tests that run many syncs, such as the incremental property test.
 */
import { join } from "node:path";
import { HttpClient } from "../../lib/http/client.ts";
import { PlexClient } from "../../lib/plex/client.ts";
import { PlexLibraryReader } from "../../lib/plex/library.ts";
import { openStore, type Store } from "../../lib/store/store.ts";
import { runSync, type SyncResult } from "../../lib/sync/run.ts";
import { runCache, storeState } from "../../lib/sync/state.ts";
import { TraktClient } from "../../lib/trakt/client.ts";
import type { FakePlex } from "../emulators/fake_plex.ts";
import type { FakeTrakt } from "../emulators/fake_trakt.ts";

const PLEX = "http://plex.test";
const TRAKT = "http://trakt.test";

export interface EngineWorld {
  store: Store;
  sync(opts: { cache: boolean; dryRun?: boolean; full?: boolean; now?: number }): Promise<
    SyncResult & { plexRequests: number; traktRequests: number }
  >;
  close(): Promise<void>;
}

/**
 * The real clients wired to the fakes' handlers: a Plex reader (with `plexToken`, default the
 * fake's own) and a Trakt client logged in with a token the fake issued.
 */
export function engineParts(
  plex: FakePlex,
  trakt: FakeTrakt,
  plexToken = plex.token,
  /** Stands between the client and the fake Trakt (to lose an answer, say). */
  traktRoute: (req: Request) => Promise<Response> = (req) => trakt.handler(req),
) {
  const token = trakt.issueTokens().access_token;
  const route: typeof fetch = (input, init) => {
    const req = new Request(input, init);
    return req.url.startsWith(PLEX) ? plex.handler(req) : traktRoute(req);
  };
  const http = (service: "plex" | "trakt", headers: Record<string, string>) =>
    new HttpClient({
      service,
      label: service,
      baseHeaders: { "User-Agent": "complexionist/test", ...headers },
      timeoutMs: 5000,
      backoffMs: 1,
      fetch: route,
    });
  const plexHttp = http("plex", { "Accept": "application/json", "X-Plex-Token": plexToken });
  const traktHttp = http("trakt", { "Content-Type": "application/json" });
  const client = new PlexClient({ index: 0, name: "Main Server", url: PLEX, http: plexHttp });
  return {
    plexHttp,
    traktHttp,
    sources: [new PlexLibraryReader(client)],
    trakt: new TraktClient({
      apiUrl: TRAKT,
      clientId: "test-client-id",
      http: traktHttp,
      tokens: {
        accessToken: () => Promise.resolve(token),
        afterUnauthorized: () => Promise.resolve(token),
      },
    }),
  };
}

export async function engineWorld(plex: FakePlex, trakt: FakeTrakt): Promise<EngineWorld> {
  const dir = await Deno.makeTempDir({ prefix: "complexionist-engine-" });
  const store = await openStore(join(dir, "state.kv"));
  return {
    store,
    async sync({ cache, dryRun = false, full = false, now = Date.now() }) {
      const parts = engineParts(plex, trakt);
      const result = await runSync({
        sources: parts.sources,
        trakt: parts.trakt,
        state: storeState(store),
        ...(cache ? { cache: await runCache(store, "property") } : {}),
        dryRun,
        full,
        now: () => now,
      });
      return {
        ...result,
        plexRequests: parts.plexHttp.stats.get,
        traktRequests: parts.traktHttp.stats.get + parts.traktHttp.stats.post,
      };
    },
    async close() {
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
