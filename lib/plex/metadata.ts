/**
 * A hand-written reader for listing items, equivalent to the zod `PlexMetadata` schema of
 * models.ts for every field the schema declares (a differential test holds them to the same
 * values). A 110,000-item library is 550 pages of 200 items with their Media, Part and Guid
 * lists: zod's generic walk, and then copying each item, cost more time and memory than
 * downloading them. The page envelope is still checked by zod.
 *
 * It works in place on the freshly parsed page: a declared field is rewritten only when it does
 * not read as it is (a numeric string becomes a number, a wrong type `undefined`, a broken
 * nested list `[]`); nothing is copied, and undeclared keys are simply never read. Same
 * leniency as the schema: an optional field with a wrong type reads as absent, a broken nested
 * list (`Media`, `Part`, `Stream`, `Guid`) reads as empty, and only an item that is not an
 * object or has no usable `ratingKey` fails the page.
 */
import type { PlexMetadata } from "./models.ts";

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** JSON number or numeric string (`Num` of models.ts). */
function num(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return NUMERIC.test(t) ? Number(t) : undefined;
}

/** `true/false`, `0/1`, `"0"/"1"`, `"true"/"false"` (`Flag` of models.ts). */
function flag(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === 1 || v === "1" || v === "true") return true;
  if (v === 0 || v === "0" || v === "false") return false;
  return undefined;
}

/** A non-empty string or a number, as a string (`Key` of models.ts). */
function key(v: unknown): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  return typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** `videoResolution`: a string, or a number as a string. */
function resolution(v: unknown): string | undefined {
  return typeof v === "number" ? key(v) : str(v);
}

type Read = (v: unknown) => unknown;

/** Rewrites the fields of `o` that do not read as they are; absent ones stay absent. */
function fix(o: Json, fields: [string, Read][]): void {
  // Indexed, without destructuring: this runs for every field of every item of a listing.
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const v = o[field[0]];
    if (v === undefined) continue;
    const r = field[1](v);
    if (r !== v) o[field[0]] = r;
  }
}

/**
 * A nested list, fixed entry by entry: absent, null or ill-typed reads as empty, and so does
 * the whole list when one entry is broken (not an object, or `fixEntry` says false).
 */
function fixList(o: Json, k: string, fixEntry: (entry: Json) => boolean): void {
  const v = o[k];
  if (!Array.isArray(v)) {
    o[k] = [];
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const entry: unknown = v[i];
    if (!isRecord(entry) || !fixEntry(entry)) {
      o[k] = [];
      return;
    }
  }
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
