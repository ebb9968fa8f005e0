import assert from "node:assert/strict";
import { LISTING_EXCLUDED_ELEMENTS, LISTING_EXCLUDED_FIELDS, LISTING_EXCLUDES } from "./client.ts";
import {
  PlexGuidEntry,
  PlexListing,
  PlexMedia,
  PlexMetadata,
  PlexPart,
  PlexStream,
} from "./models.ts";

Deno.test("listing excludes: no name a schema declares, at any level, in any case", () => {
  // Everything the reader reads is declared by these schemas (it reads through their types), and
  // whether Plex applies the excludes below the item level is not known.
  const declared = new Set(
    [PlexListing, PlexMetadata, PlexMedia, PlexPart, PlexStream, PlexGuidEntry]
      .flatMap((schema) => Object.keys(schema.shape))
      .map((k) => k.toLowerCase()),
  );
  assert.ok(declared.has("grandparentguid") && declared.has("part"), "the schemas were read");
  for (const name of [...LISTING_EXCLUDED_FIELDS, ...LISTING_EXCLUDED_ELEMENTS]) {
    assert.ok(!declared.has(name.toLowerCase()), `${name} is read, it must not be excluded`);
  }
});

Deno.test("listing excludes: one query of plain comma lists", () => {
  const q = new URLSearchParams(LISTING_EXCLUDES.slice(1));
  assert.deepEqual([...q.keys()], ["excludeFields", "excludeElements"]);
  assert.deepEqual(q.get("excludeFields")?.split(","), [...LISTING_EXCLUDED_FIELDS]);
  assert.deepEqual(q.get("excludeElements")?.split(","), [...LISTING_EXCLUDED_ELEMENTS]);
  const all = [...LISTING_EXCLUDED_FIELDS, ...LISTING_EXCLUDED_ELEMENTS];
  assert.equal(new Set(all).size, all.length, "no name twice");
  assert.ok(all.every((n) => /^[A-Za-z]+$/.test(n)), "nothing to escape");
});
