/**
 * Fuzzes the Plex JSON boundary (issue 3 item 5): the parse functions of `models.ts` and the
 * item conversion of `items.ts` either return a value or throw `PlexShapeError`, never anything
 * else, over a few thousand seeded inputs: random JSON values and mutated real shapes (keys
 * dropped, types changed, nulls, huge numbers, strings for numbers). The hand-written readers
 * the sync uses instead (envelope.ts) must give zod's answer wherever they answer at all.
 */
import assert from "node:assert/strict";
import {
  parseIdentity,
  parseListing,
  parseSections,
  parseServerRoot,
  PlexShapeError,
} from "./models.ts";
import { readIdentity, readListing, readSections, readServerRoot } from "./envelope.ts";
import { toEpisode, toMovie, toShowIds } from "./items.ts";
import { mulberry32 } from "../../tests/helpers/prng.ts";
import { jsonFuzzer } from "../../tests/helpers/json_fuzz.ts";

const ODD_VALUES: unknown[] = [
  null,
  undefined,
  0,
  -1,
  1,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  1.5,
  "",
  " ",
  "1",
  "-0",
  "1e400",
  "99999999999999999999999",
  "NaN",
  "abc",
  "tmdb://",
  "imdb://tt",
  "com.plexapp.agents.thetvdb://1/2/3",
  "plex://movie/5d776b",
  "local://12",
  "\u0000",
  "\ud800",
  true,
  false,
  [],
  {},
  [null],
  { id: null },
  { id: 42 },
  "__proto__",
];

const { randomJson, mutate } = jsonFuzzer(ODD_VALUES, [
  "MediaContainer",
  "Metadata",
  "Directory",
  "key",
  "ratingKey",
  "x",
]);

/** Real shapes (plex-api.md §3–§5), as PMS sends them. */
function realListing(): Record<string, unknown> {
  return {
    MediaContainer: {
      size: 2,
      totalSize: 2,
      offset: 0,
      librarySectionID: 1,
      librarySectionTitle: "Movies",
      Metadata: [
        {
          ratingKey: "101",
          key: "/library/metadata/101",
          guid: "plex://movie/5d7768",
          type: "movie",
          title: "Heat",
          year: 1995,
          addedAt: 1600000000,
          updatedAt: 1600000100,
          Media: [{
            id: 1,
            videoResolution: "1080",
            Part: [{ id: 2, file: "/m/heat.mkv", Stream: [{ streamType: 1, codec: "h264" }] }],
          }],
          Guid: [{ id: "imdb://tt0113277" }, { id: "tmdb://949" }],
        },
        {
          ratingKey: 202,
          type: "episode",
          title: "Pilot",
          guid: "com.plexapp.agents.thetvdb://73739/1/1?lang=en",
          grandparentGuid: "com.plexapp.agents.thetvdb://73739?lang=en",
          grandparentRatingKey: "200",
          grandparentTitle: "Lost",
          parentIndex: "1",
          index: 1,
          addedAt: "1600000000",
          Guid: [{ id: "tvdb://127131" }],
        },
      ],
    },
  };
}

function realSections(): Record<string, unknown> {
  return {
    MediaContainer: {
      size: 1,
      Directory: [{
        key: "1",
        type: "movie",
        title: "Movies",
        agent: "tv.plex.agents.movie",
        updatedAt: 1600000000,
        hidden: 0,
        Location: [{ id: 1, path: "/data/movies" }],
      }],
    },
  };
}

function realIdentity(): Record<string, unknown> {
  return { MediaContainer: { machineIdentifier: "abc123", version: "1.40.0", claimed: "1" } };
}

/** Changes one random spot of a JSON tree in place: drops a key, retypes or nulls a value. */

function inputs(seed: number, n: number, real: () => unknown): unknown[] {
  const r = mulberry32(seed);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) out.push(randomJson(r));
    else if (i % 4 === 1) out.push({ MediaContainer: randomJson(r) });
    else {
      let v = real();
      const rounds = 1 + Math.floor(r() * 4);
      for (let j = 0; j < rounds; j++) v = mutate(r, v);
      out.push(v);
    }
  }
  return out;
}

/** Runs `fn`; anything but a value or a PlexShapeError fails, naming the input. */
function valueOrShapeError<T>(fn: () => T, input: unknown): T | undefined {
  try {
    return fn();
  } catch (err) {
    assert.ok(
      err instanceof PlexShapeError,
      `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} for ${
        safeJson(input)
      }`,
    );
    assert.equal(err.exitCode, 4);
    return undefined;
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 500) ?? String(v);
  } catch {
    return String(v);
  }
}

const CTX = { server: "Main", library: "Movies", sectionAgent: "tv.plex.agents.movie" };

Deno.test("fuzz plex: parseListing + item conversion return a value or throw PlexShapeError", () => {
  let parsed = 0;
  let items = 0;
  for (const input of inputs(11, 2500, realListing)) {
    const listing = valueOrShapeError(() => parseListing(input), input);
    if (!listing) continue;
    parsed++;
    for (const raw of listing.Metadata) {
      items++;
      const movie = valueOrShapeError(() => toMovie(raw, CTX), raw);
      if (movie) assert.equal(typeof movie.ratingKey, "string");
      const show = valueOrShapeError(() => toShowIds(raw, CTX), raw);
      valueOrShapeError(() => toEpisode(raw, show, CTX), raw);
      valueOrShapeError(() => toEpisode(raw, undefined, { ...CTX, sectionAgent: undefined }), raw);
      const episode = valueOrShapeError(() => toEpisode(raw, show, CTX), raw);
      if (episode?.skip === undefined && episode?.season !== undefined) {
        assert.ok(Number.isInteger(episode.season) && episode.season >= 0, "plausible season");
      }
    }
  }
  // The mutations must leave enough valid inputs to reach the conversion.
  assert.ok(parsed > 200, `only ${parsed} listings parsed`);
  assert.ok(items > 200, `only ${items} items converted`);
});

Deno.test("fuzz plex: parseSections returns a value or throws PlexShapeError", () => {
  let parsed = 0;
  for (const input of inputs(22, 2000, realSections)) {
    const s = valueOrShapeError(() => parseSections(input), input);
    if (!s) continue;
    parsed++;
    assert.ok(Array.isArray(s.Directory));
    for (const d of s.Directory) assert.equal(typeof d.key, "string");
  }
  assert.ok(parsed > 150, `only ${parsed} section lists parsed`);
});

Deno.test("fuzz plex: parseIdentity returns a value or throws PlexShapeError", () => {
  let parsed = 0;
  for (const input of inputs(33, 2000, realIdentity)) {
    const id = valueOrShapeError(() => parseIdentity(input), input);
    if (!id) continue;
    parsed++;
    assert.ok(typeof id.machineIdentifier === "string" && id.machineIdentifier !== "");
  }
  assert.ok(parsed > 80, `only ${parsed} identities parsed`);
});

Deno.test("fuzz plex: hostile prototypes and deep nesting do not escape as other errors", () => {
  const deep: Record<string, unknown> = {};
  let cur = deep;
  for (let i = 0; i < 2000; i++) {
    const next: Record<string, unknown> = {};
    cur.MediaContainer = next;
    cur = next;
  }
  const hostile = [
    JSON.parse('{"MediaContainer":{"__proto__":{"x":1},"Metadata":[{"ratingKey":"1"}]}}'),
    JSON.parse('{"MediaContainer":{"Metadata":[{"ratingKey":"1","constructor":{"prototype":1}}]}}'),
    { MediaContainer: { Metadata: new Array(5).fill({ ratingKey: 1e308 }) } },
    { MediaContainer: { Metadata: [{ ratingKey: "1", index: 1e308, parentIndex: -5 }] } },
    deep,
  ];
  for (const input of hostile) {
    const listing = valueOrShapeError(() => parseListing(input), input);
    for (const raw of listing?.Metadata ?? []) {
      valueOrShapeError(() => toMovie(raw, CTX), raw);
      valueOrShapeError(() => toEpisode(raw, undefined, CTX), raw);
    }
    valueOrShapeError(() => parseSections(input), input);
    valueOrShapeError(() => parseIdentity(input), input);
  }
});

/**
 * `read` (envelope.ts) against zod's `parse` (models.ts) over the same inputs, each parsed
 * afresh from text (both work on what they are given): `read` answers exactly where zod
 * accepts, with the same value (undefined keys aside), and throws zod's error where it throws.
 */
function agreesWithZod<T>(
  read: (json: unknown) => T | undefined,
  parse: (json: unknown) => T,
  inputs: unknown[],
): number {
  let byHand = 0;
  for (const input of inputs) {
    let text: string | undefined;
    try {
      text = JSON.stringify(input);
    } catch {
      continue; // a mutation made it circular
    }
    if (text === undefined) continue;
    let zod: { value: T } | { error: string };
    try {
      zod = { value: parse(JSON.parse(text)) };
    } catch (err) {
      assert.ok(err instanceof PlexShapeError, String(err));
      zod = { error: err.message };
    }
    let hand: T | undefined;
    try {
      hand = read(JSON.parse(text));
    } catch (err) {
      assert.ok(err instanceof PlexShapeError, String(err));
      assert.deepEqual({ error: err.message }, zod, text.slice(0, 400));
      continue;
    }
    assert.equal(hand !== undefined, "value" in zod, `by hand or not: ${text.slice(0, 400)}`);
    if (hand === undefined || !("value" in zod)) continue;
    byHand++;
    assert.deepEqual(JSON.parse(JSON.stringify(hand)), JSON.parse(JSON.stringify(zod.value)));
  }
  return byHand;
}

Deno.test("envelope.ts reads listings, sections and identities as zod does", () => {
  // Enough of them must be well-formed for the comparison to mean something.
  const cases = [
    ["listing", agreesWithZod(readListing, parseListing, inputs(44, 2500, realListing)), 250],
    ["sections", agreesWithZod(readSections, parseSections, inputs(55, 2000, realSections)), 200],
    ["identity", agreesWithZod(readIdentity, parseIdentity, inputs(66, 2000, realIdentity)), 90],
    [
      "server root",
      agreesWithZod(readServerRoot, parseServerRoot, inputs(77, 2000, realIdentity)),
      200,
    ],
  ] as const;
  for (const [name, byHand, least] of cases) {
    assert.ok(byHand >= least, `${name}: only ${byHand} read by hand`);
  }
});

Deno.test("envelope.ts reads PMS's real shapes by hand, loose types included", () => {
  assert.ok(readListing(realListing()));
  assert.ok(readSections(realSections()));
  assert.ok(readIdentity(realIdentity()));
  assert.equal(readIdentity(realIdentity())?.claimed, true);
  const sections = readSections({
    MediaContainer: { Directory: [{ key: 3, updatedAt: "17", Location: [{ id: "4" }, 5] }] },
  });
  assert.deepEqual(sections?.Directory, [{ key: "3", updatedAt: 17, Location: undefined }]);
  // Where zod would fail, the hand reader gives up, and zod names the problem.
  assert.equal(readSections({ MediaContainer: { Directory: [{ title: "x" }] } }), undefined);
  assert.equal(readIdentity({ MediaContainer: { version: "1" } }), undefined);
  assert.equal(readListing([]), undefined);
});
