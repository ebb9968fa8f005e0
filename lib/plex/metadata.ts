/**
 * A hand-written reader for listing items, equivalent to the zod `PlexMetadata` schema of
 * models.ts (a differential test holds them to the same output). A 110,000-item library is
 * 220 pages of 500 items with their Media, Part and Guid lists: zod's generic object walk cost
 * more than downloading them. The page envelope is still checked by zod.
 *
 * Same leniency as the schema: an optional field with a wrong type reads as absent, a broken
 * nested list (`Media`, `Part`, `Stream`, `Guid`) reads as empty, and only an item that is not
 * an object or has no usable `ratingKey` fails the page. Unknown keys are not copied.
 */
import type { PlexGuidEntry, PlexMedia, PlexMetadata, PlexPart, PlexStream } from "./models.ts";

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

/** Sets `out[k]` only when the value is defined: absent fields stay absent, as with zod. */
function put<T, K extends keyof T>(out: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) out[k] = v;
}

/**
 * A nested list: absent, null or ill-typed reads as empty, and so does the whole list when one
 * entry is broken (not an object, or `read` says undefined).
 */
function softList<T>(v: unknown, read: (entry: Json) => T | undefined): T[] {
  if (!Array.isArray(v)) return [];
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const entry: unknown = v[i];
    const got = isRecord(entry) ? read(entry) : undefined;
    if (got === undefined) return [];
    out[i] = got;
  }
  return out;
}

function readStream(s: Json): PlexStream {
  const out: PlexStream = {};
  put(out, "streamType", num(s.streamType));
  put(out, "codec", str(s.codec));
  put(out, "profile", str(s.profile));
  put(out, "default", flag(s.default));
  put(out, "selected", flag(s.selected));
  put(out, "channels", num(s.channels));
  put(out, "audioChannelLayout", str(s.audioChannelLayout));
  put(out, "title", str(s.title));
  put(out, "displayTitle", str(s.displayTitle));
  put(out, "extendedDisplayTitle", str(s.extendedDisplayTitle));
  put(out, "colorTrc", str(s.colorTrc));
  put(out, "scanType", str(s.scanType));
  put(out, "DOVIPresent", flag(s.DOVIPresent));
  put(out, "DOVIProfile", num(s.DOVIProfile));
  return out;
}

function readPart(p: Json): PlexPart {
  const out: PlexPart = { Stream: softList(p.Stream, readStream) };
  put(out, "id", num(p.id));
  put(out, "key", str(p.key));
  put(out, "file", str(p.file));
  put(out, "size", num(p.size));
  put(out, "container", str(p.container));
  return out;
}

function readMedia(m: Json): PlexMedia {
  const out: PlexMedia = { Part: softList(m.Part, readPart) };
  put(out, "id", num(m.id));
  const res = m.videoResolution;
  put(out, "videoResolution", typeof res === "number" ? key(res) : str(res));
  put(out, "width", num(m.width));
  put(out, "height", num(m.height));
  put(out, "videoCodec", str(m.videoCodec));
  put(out, "videoProfile", str(m.videoProfile));
  put(out, "audioCodec", str(m.audioCodec));
  put(out, "audioProfile", str(m.audioProfile));
  put(out, "audioChannels", num(m.audioChannels));
  put(out, "container", str(m.container));
  put(out, "proxyType", num(m.proxyType));
  put(out, "title", str(m.title));
  return out;
}

/** zod's `{ id: z.unknown() }` wants the key present, whatever its value. */
function readGuid(g: Json): PlexGuidEntry | undefined {
  return "id" in g ? { id: g.id } : undefined;
}

/**
 * One `Metadata[]` entry. An entry that is not an object or has no usable `ratingKey` goes to
 * `fail`, with the problem worded like zod's first issue.
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
  const out: PlexMetadata = {
    ratingKey,
    Media: softList(raw.Media, readMedia),
    Guid: softList(raw.Guid, readGuid),
  };
  put(out, "key", str(raw.key));
  put(out, "guid", str(raw.guid));
  put(out, "type", str(raw.type));
  put(out, "title", str(raw.title));
  put(out, "year", num(raw.year));
  put(out, "editionTitle", str(raw.editionTitle));
  put(out, "addedAt", num(raw.addedAt));
  put(out, "updatedAt", num(raw.updatedAt));
  put(out, "index", num(raw.index));
  put(out, "parentIndex", num(raw.parentIndex));
  put(out, "parentRatingKey", key(raw.parentRatingKey));
  put(out, "grandparentRatingKey", key(raw.grandparentRatingKey));
  put(out, "grandparentTitle", str(raw.grandparentTitle));
  put(out, "grandparentGuid", str(raw.grandparentGuid));
  put(out, "librarySectionID", key(raw.librarySectionID));
  return out;
}
