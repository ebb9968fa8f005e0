/**
 * The hand-written listing reader (metadata.ts) against the zod schema it replaces on the hot
 * path: over thousands of mutated real shapes and odd values, both give the same items, or both
 * fail the page at the same place.
 */
import assert from "node:assert/strict";
import {
  parseListing,
  PlexGuidEntry,
  PlexListing,
  PlexMedia,
  PlexMetadata,
  PlexPart,
  PlexShapeError,
  PlexStream,
} from "./models.ts";
import { mulberry32 } from "../../tests/helpers/prng.ts";
import { jsonFuzzer, pick } from "../../tests/helpers/json_fuzz.ts";

const ODD_VALUES: unknown[] = [
  null,
  0,
  1,
  -1,
  1.5,
  1e308,
  "",
  " 12 ",
  "1",
  "0",
  "true",
  "false",
  "-3.5",
  "1e3",
  "0x10",
  "abc",
  true,
  false,
  [],
  {},
  [null],
  [{}],
  { id: 7 },
];

const KEYS = [
  "ratingKey",
  "Media",
  "Part",
  "Stream",
  "Guid",
  "id",
  "index",
  "file",
  "streamType",
  "default",
];

const { randomJson, mutate } = jsonFuzzer(ODD_VALUES, KEYS);

function item(r: () => number): Record<string, unknown> {
  return {
    ratingKey: pick(r, ["101", 202, "x"]),
    key: "/library/metadata/101",
    guid: "plex://movie/5d7768",
    type: pick(r, ["movie", "episode"]),
    title: "Heat",
    year: pick(r, [1995, "1995", " 1995 "]),
    editionTitle: "3D",
    addedAt: 1600000000,
    updatedAt: "1600000100",
    index: 3,
    parentIndex: "1",
    parentRatingKey: 7,
    grandparentRatingKey: "200",
    grandparentTitle: "Lost",
    grandparentGuid: "com.plexapp.agents.thetvdb://73739?lang=en",
    librarySectionID: 1,
    summary: "not read, not kept",
    Media: [{
      id: 1,
      videoResolution: pick(r, ["1080", 720, "4k"]),
      width: 1920,
      height: "1080",
      videoCodec: "hevc",
      videoProfile: "main 10",
      audioCodec: "eac3",
      audioProfile: "ma",
      audioChannels: 6,
      container: "mkv",
      proxyType: pick(r, [42, "42", undefined]),
      title: "Version",
      Part: [{
        id: 2,
        key: "/p/2",
        file: "/m/heat.3D.HSBS.mkv",
        size: "123456",
        container: "mkv",
        Stream: [
          {
            streamType: 1,
            codec: "hevc",
            colorTrc: "smpte2084",
            DOVIPresent: "1",
            DOVIProfile: 8,
            scanType: "progressive",
            displayTitle: "4K DoVi",
            extendedDisplayTitle: "4K DoVi (HEVC)",
          },
          {
            streamType: "2",
            codec: "truehd",
            profile: "x",
            default: 1,
            selected: "false",
            channels: "8",
            audioChannelLayout: "7.1",
            title: "Atmos",
          },
        ],
      }],
    }],
    Guid: [{ id: "imdb://tt0113277" }, { id: "tmdb://949" }],
  };
}

function input(r: () => number, i: number): unknown {
  if (i % 5 === 0) return { MediaContainer: { Metadata: randomJson(r) } };
  // Damage the items (where the hand-written code is), now and then the envelope too.
  let metadata: unknown = [item(r), item(r), item(r)];
  for (let j = 1 + Math.floor(r() * 4); j > 0; j--) metadata = mutate(r, metadata);
  const page = { MediaContainer: { size: 2, totalSize: "2", offset: 0, Metadata: metadata } };
  return i % 5 === 1 ? mutate(r, page) : page;
}

type Outcome = { ok: true; value: unknown } | { ok: false; where: string };

function viaZod(json: unknown): Outcome {
  const container = (json as { MediaContainer?: unknown } | null)?.MediaContainer;
  if (typeof container !== "object" || container === null || Array.isArray(container)) {
    return { ok: false, where: "envelope" };
  }
  const result = PlexListing.safeParse(container);
  if (result.success) return { ok: true, value: result.data };
  const path = result.error.issues[0]?.path ?? [];
  return { ok: false, where: path.length > 2 ? path.slice(0, 3).join(".") : "envelope" };
}

function viaReader(json: unknown): Outcome {
  try {
    return { ok: true, value: parseListing(json) };
  } catch (err) {
    assert.ok(err instanceof PlexShapeError, String(err));
    const m = /Metadata\[(\d+)\](\.ratingKey)?/.exec(err.where);
    return { ok: false, where: m ? `Metadata.${m[1]}${m[2] ? ".ratingKey" : ""}` : "envelope" };
  }
}

type Shape = Record<string, unknown>;

/** The declared fields only (the reader leaves undeclared keys in place, unread). */
function declared(v: unknown, shape: Shape, nested: Record<string, Shape>): unknown {
  if (typeof v !== "object" || v === null) return v;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(shape)) {
    if (!(k in o)) continue;
    const sub = nested[k];
    out[k] = sub && Array.isArray(o[k])
      ? (o[k] as unknown[]).map((x) => declared(x, sub, NESTED))
      : o[k];
  }
  return out;
}

const NESTED: Record<string, Shape> = {
  Metadata: PlexMetadata.shape,
  Media: PlexMedia.shape,
  Part: PlexPart.shape,
  Stream: PlexStream.shape,
  Guid: PlexGuidEntry.shape,
};

/** Declared fields, and no key whose value is undefined: zod sets some, the reader not. */
function normal(v: unknown): unknown {
  if (v === undefined) return v;
  return JSON.parse(JSON.stringify(declared(v, PlexListing.shape, NESTED)));
}

Deno.test("readMetadata: the same items (or the same failure) as the zod schema", () => {
  const r = mulberry32(4242);
  let parsed = 0;
  for (let i = 0; i < 4000; i++) {
    // Through text and back, as from the network (a mutation can make a tree circular).
    let text: string;
    try {
      text = JSON.stringify(input(r, i));
    } catch {
      continue;
    }
    const a = viaZod(JSON.parse(text));
    const b = viaReader(JSON.parse(text));
    const label = text.slice(0, 400);
    assert.equal(b.ok, a.ok, label);
    if (a.ok && b.ok) {
      parsed++;
      assert.deepEqual(normal(b.value), normal(a.value), label);
    } else if (!a.ok && !b.ok && a.where.startsWith("Metadata")) {
      assert.equal(b.where, a.where, label);
    }
  }
  assert.ok(parsed > 1500, `only ${parsed} pages parsed`);
});

Deno.test("readMetadata: page errors name the item and the field", () => {
  const cases: [unknown, RegExp][] = [
    [[{ ratingKey: "1" }, null], /Metadata\[1\]: Invalid input: expected object, received null/],
    [[{ ratingKey: "" }], /Metadata\[0\]\.ratingKey: unexpected string/],
    [[{ ratingKey: null }], /Metadata\[0\]\.ratingKey: unexpected null/],
    [[{ title: "x" }], /Metadata\[0\]\.ratingKey: missing/],
  ];
  for (const [metadata, where] of cases) {
    assert.throws(() => parseListing({ MediaContainer: { Metadata: metadata } }), (e: unknown) => {
      assert.ok(e instanceof PlexShapeError);
      assert.match(e.where, where);
      return true;
    });
  }
});
