/**
 * A hand-written reader for listing items, equivalent to the zod `PlexMetadata` schema of
 * models.ts for every field the schema declares (a differential test holds them to the same
 * values). A 110,000-item library is 550 pages of 200 items with their Media, Part and Guid
 * lists: zod's generic walk, and then copying each item, cost more time and memory than
 * downloading them. envelope.ts reads the page around them.
 *
 * It works in place on the freshly parsed page: a declared field is rewritten only when it does
 * not read as it is (a numeric string becomes a number, a wrong type `undefined`, a broken
 * nested list `[]`); nothing is copied, and undeclared keys are simply never read. Same
 * leniency as the schema: an optional field with a wrong type reads as absent, a broken nested
 * list (`Media`, `Part`, `Stream`, `Guid`) reads as empty, and only an item that is not an
 * object or has no usable `ratingKey` fails the page.
 */
import type { PlexMetadata } from "./models.ts";
import { fix, fixList, flag, isRecord, type Json, key, num, type Read, str } from "./lenient.ts";

/** `videoResolution`: a string, or a number as a string. */
function resolution(v: unknown): string | undefined {
  return typeof v === "number" ? key(v) : str(v);
}

const STREAM: [string, Read][] = [
  ["streamType", num],
  ["codec", str],
  ["profile", str],
  ["default", flag],
  ["selected", flag],
  ["channels", num],
  ["audioChannelLayout", str],
  ["title", str],
  ["displayTitle", str],
  ["extendedDisplayTitle", str],
  ["colorTrc", str],
  ["scanType", str],
  ["DOVIPresent", flag],
  ["DOVIProfile", num],
];

const PART: [string, Read][] = [
  ["id", num],
  ["key", str],
  ["file", str],
  ["size", num],
  ["container", str],
];

const MEDIA: [string, Read][] = [
  ["id", num],
  ["videoResolution", resolution],
  ["width", num],
  ["height", num],
  ["videoCodec", str],
  ["videoProfile", str],
  ["audioCodec", str],
  ["audioProfile", str],
  ["audioChannels", num],
  ["container", str],
  ["proxyType", num],
  ["title", str],
];

const METADATA: [string, Read][] = [
  ["key", str],
  ["guid", str],
  ["type", str],
  ["title", str],
  ["year", num],
  ["editionTitle", str],
  ["addedAt", num],
  ["updatedAt", num],
  ["index", num],
  ["parentIndex", num],
  ["parentRatingKey", key],
  ["grandparentRatingKey", key],
  ["grandparentTitle", str],
  ["grandparentGuid", str],
  ["librarySectionID", key],
];

function fixStream(s: Json): boolean {
  fix(s, STREAM);
  return true;
}

function fixPart(p: Json): boolean {
  fix(p, PART);
  fixList(p, "Stream", fixStream);
  return true;
}

function fixMedia(m: Json): boolean {
  fix(m, MEDIA);
  fixList(m, "Part", fixPart);
  return true;
}

/** zod's `{ id: z.unknown() }` wants the key present, whatever its value. */
function isGuidEntry(g: Json): boolean {
  return "id" in g;
}

/**
 * One `Metadata[]` entry, normalised in place and returned. An entry that is not an object or
 * has no usable `ratingKey` goes to `fail`, with the problem worded like zod's first issue.
 */
export function readMetadata(
  raw: unknown,
  fail: (path: string, problem: string) => never,
): PlexMetadata {
  if (!isRecord(raw)) {
    const got = raw === null ? "null" : Array.isArray(raw) ? "array" : typeof raw;
    fail("", `Invalid input: expected object, received ${got}`);
  }
  const ratingKey = key(raw.ratingKey);
  if (ratingKey === undefined) {
    const v = raw.ratingKey;
    fail(
      ".ratingKey",
      v === undefined ? "missing" : `unexpected ${v === null ? "null" : typeof v}`,
    );
  }
  if (ratingKey !== raw.ratingKey) raw.ratingKey = ratingKey;
  fix(raw, METADATA);
  fixList(raw, "Media", fixMedia);
  fixList(raw, "Guid", isGuidEntry);
  return raw as unknown as PlexMetadata;
}
