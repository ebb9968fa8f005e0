/**
 * Listings and detail requests ask Plex to leave out what the sync never reads
 * (`excludeFields`/`excludeElements`). Plex calls them requests, not guarantees: a server that
 * answers in full, and one that honours them, must give the same sync, item for item, down to the
 * media metadata sent to Trakt.
 */
import assert from "node:assert/strict";
import { EXCLUDED_ELEMENTS, EXCLUDED_FIELDS } from "../../lib/plex/query.ts";
import type { PlexItem } from "../../lib/model.ts";
import { runSync, type SyncState } from "../../lib/sync/run.ts";
import { FakePlex } from "../emulators/fake_plex.ts";
import { FakeTrakt } from "../emulators/fake_trakt.ts";
import { sampleLibrary } from "../emulators/sample_library.ts";
import { engineParts } from "./world.ts";

const state: SyncState = {
  recentNotFound: () => Promise.resolve({ keys: new Set<string>(), until: undefined }),
  rememberNotFound: () => Promise.resolve(),
};

async function readWith(ignoreExcludes: boolean) {
  const lib = sampleLibrary();
  const plex = new FakePlex({ sections: lib.sections, ignoreExcludes });
  const trakt = new FakeTrakt({ catalog: lib.catalog, collection: lib.collection });
  const parts = engineParts(plex, trakt);
  const items: PlexItem[] = [];
  for (const source of parts.sources) items.push(...await source.readItems(() => {}));
  const sync = await runSync({
    sources: parts.sources,
    trakt: parts.trakt,
    state,
    dryRun: false,
    full: true,
  });
  return { items, summary: sync.summary, plex, trakt };
}

Deno.test("plex excludes: honoured or ignored by Plex, the same items and the same sync", async () => {
  const honoured = await readWith(false);
  const ignored = await readWith(true);
  assert.ok(honoured.items.length > 20, `only ${honoured.items.length} items`);
  assert.deepEqual(honoured.items, ignored.items);
  const { duration_ms: _a, ...a } = honoured.summary;
  const { duration_ms: _b, ...b } = ignored.summary;
  assert.deepEqual(a, b);
  assert.ok(a.added.movies + a.added.episodes > 0, "the sync sent something");
  // What Trakt was sent, metadata included: the streams come from the (slimmed) details.
  const sent = (t: FakeTrakt) => ({ movies: t.collectedMovies(), episodes: t.collectedEpisodes() });
  assert.deepEqual(sent(honoured.trakt), sent(ignored.trakt));
  assert.ok(
    honoured.trakt.collectedMovies().some((m) => typeof m.metadata.hdr === "string"),
    "HDR read from streams reached Trakt",
  );

  const listings = honoured.plex.requests("/library/sections/").filter((e) =>
    e.path.endsWith("/all")
  );
  const details = honoured.plex.requests("/library/metadata/");
  assert.ok(listings.length > 0 && details.length > 0);
  for (const e of [...listings, ...details]) {
    const q = new URLSearchParams(e.query);
    assert.deepEqual(q.get("excludeFields")?.split(","), [...EXCLUDED_FIELDS], e.path);
    assert.deepEqual(q.get("excludeElements")?.split(","), [...EXCLUDED_ELEMENTS], e.path);
  }
});
