import assert from "node:assert/strict";
import { EXCLUDED_ELEMENTS, EXCLUDED_FIELDS, EXCLUDES_QUERY } from "./query.ts";
import {
  PlexGuidEntry,
  PlexListing,
  PlexMedia,
  PlexMetadata,
  PlexPart,
  PlexStream,
} from "./models.ts";

Deno.test("plex excludes: no name a schema declares, at any level, in any case", () => {
  // Everything the reader reads is declared by these schemas (it reads through their types), and
  // whether Plex applies the excludes below the item level is not known.
  const declared = new Set(
    [PlexListing, PlexMetadata, PlexMedia, PlexPart, PlexStream, PlexGuidEntry]
      .flatMap((schema) => Object.keys(schema.shape))
      .map((k) => k.toLowerCase()),
  );
  assert.ok(declared.has("grandparentguid") && declared.has("part"), "the schemas were read");
  for (const name of [...EXCLUDED_FIELDS, ...EXCLUDED_ELEMENTS]) {
    assert.ok(!declared.has(name.toLowerCase()), `${name} is read, it must not be excluded`);
  }
});

Deno.test("plex excludes: one query of plain comma lists", () => {
  const q = new URLSearchParams(EXCLUDES_QUERY.slice(1));
  assert.deepEqual([...q.keys()], ["excludeFields", "excludeElements"]);
  assert.deepEqual(q.get("excludeFields")?.split(","), [...EXCLUDED_FIELDS]);
  assert.deepEqual(q.get("excludeElements")?.split(","), [...EXCLUDED_ELEMENTS]);
  const all = [...EXCLUDED_FIELDS, ...EXCLUDED_ELEMENTS];
  assert.equal(new Set(all).size, all.length, "no name twice");
  assert.ok(all.every((n) => /^[A-Za-z]+$/.test(n)), "nothing to escape");
});
