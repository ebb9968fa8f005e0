/**
 * Zod schemas of the Plex Media Server answers we read (plex-api.md §1, §3–§5, §7).
 *
 * Lenient on purpose: PMS types numbers and flags loosely (`"1"` strings, `0/1` ints, numeric
 * strings), every item field can be missing, and unknown keys pass. Only what the sync cannot do
 * without is required (the `MediaContainer` wrapper, an item's `ratingKey`, a section's `key`);
 * an optional field with a wrong type reads as absent rather than failing a whole page.
 * Items, media, parts and streams keep only the fields declared here (unknown keys are dropped,
 * not copied): a big library's cast lists and summaries would otherwise double its memory.
 */
import { z } from "zod";
import { LISTING, readListingItems } from "./envelope.ts";
import { PlexShapeError } from "./shape_error.ts";

export { PlexShapeError };

/** JSON number or numeric string, as a number. */
const Num = z.union([
  z.number().refine(Number.isFinite),
  z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number),
]);
/** `true/false`, `0/1`, `"0"/"1"`, `"true"/"false"` as a boolean. */
const Flag = z.union([
  z.boolean(),
  z.literal(0).transform(() => false),
  z.literal(1).transform(() => true),
  z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true"),
]);
/** An opaque id that PMS sends as a string or a number (`ratingKey`, section `key`). */
const Key = z.union([z.string().min(1), z.number().transform(String)]);

/** Optional and forgiving: missing, null or ill-typed all read as `undefined`. */
function opt<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}
/** A top-level list: absent means empty (plex-api.md §1), a broken entry fails the answer. */
function list<T extends z.ZodType>(schema: T) {
  return z.array(schema).nullish().transform((v) => v ?? []);
}
/** A nested list (`Media`, `Part`, `Stream`, `Guid`): a broken one reads as empty instead of failing the page. */
function softList<T extends z.ZodType>(schema: T) {
  return list(schema).catch([]);
}

export const PlexStream = z.object({
  /** 1 video, 2 audio, 3 subtitle. */
  streamType: opt(Num),
  codec: opt(z.string()),
  profile: opt(z.string()),
  default: opt(Flag),
  selected: opt(Flag),
  channels: opt(Num),
  audioChannelLayout: opt(z.string()),
  title: opt(z.string()),
  displayTitle: opt(z.string()),
  extendedDisplayTitle: opt(z.string()),
  colorTrc: opt(z.string()),
  scanType: opt(z.string()),
  DOVIPresent: opt(Flag),
  DOVIProfile: opt(Num),
});
export type PlexStream = z.infer<typeof PlexStream>;

export const PlexPart = z.object({
  id: opt(Num),
  key: opt(z.string()),
  file: opt(z.string()),
  size: opt(Num),
  container: opt(z.string()),
  Stream: softList(PlexStream),
});
export type PlexPart = z.infer<typeof PlexPart>;

export const PlexMedia = z.object({
  id: opt(Num),
  /** `"1080"`, `"720p"`, `"4k"`, `"sd"`… sometimes a bare number. */
  videoResolution: opt(z.union([z.string(), z.number().transform(String)])),
  width: opt(Num),
  height: opt(Num),
  videoCodec: opt(z.string()),
  videoProfile: opt(z.string()),
  audioCodec: opt(z.string()),
  audioProfile: opt(z.string()),
  audioChannels: opt(Num),
  container: opt(z.string()),
  /** 42 = a Plex "Optimized Version" copy, not a version of its own. */
  proxyType: opt(Num),
  title: opt(z.string()),
  Part: softList(PlexPart),
});
export type PlexMedia = z.infer<typeof PlexMedia>;

export const PlexGuidEntry = z.object({ id: z.unknown() });
export type PlexGuidEntry = z.infer<typeof PlexGuidEntry>;

/** One `Metadata[]` entry: movie, show, season or episode, from a listing or a detail call. */
export const PlexMetadata = z.object({
  ratingKey: Key,
  key: opt(z.string()),
  guid: opt(z.string()),
  type: opt(z.string()),
  title: opt(z.string()),
  year: opt(Num),
  editionTitle: opt(z.string()),
  addedAt: opt(Num),
  updatedAt: opt(Num),
  /** Episode number (episodes), season number (seasons). */
  index: opt(Num),
  /** Season number (episodes). */
  parentIndex: opt(Num),
  parentRatingKey: opt(Key),
  grandparentRatingKey: opt(Key),
  grandparentTitle: opt(z.string()),
  grandparentGuid: opt(z.string()),
  librarySectionID: opt(Key),
  Media: softList(PlexMedia),
  Guid: softList(PlexGuidEntry),
});
export type PlexMetadata = z.infer<typeof PlexMetadata>;

/** A listing page (`/library/sections/{k}/all`) or a detail answer (`/library/metadata/{rk}`). */
export const PlexListing = z.object({
  size: opt(Num),
  totalSize: opt(Num),
  offset: opt(Num),
  librarySectionID: opt(Key),
  librarySectionTitle: opt(z.string()),
  Metadata: list(PlexMetadata),
});
export type PlexListing = z.infer<typeof PlexListing>;

/**
 * What `parseListing` checks with zod: the envelope without its list. The list is checked by
 * hand (zod walking even `z.unknown()` entries cost a 16,000-item run 20 MiB of memory), and its
 * items go through metadata.ts's `readMetadata`, the rules of `PlexMetadata` above written out.
 * The sync itself reads listings with envelope.ts and comes here only when that gives up.
 */
const PlexListingHead = PlexListing.omit({ Metadata: true });

export const PlexSection = z.looseObject({
  key: Key,
  type: opt(z.string()),
  title: opt(z.string()),
  agent: opt(z.string()),
  scanner: opt(z.string()),
  language: opt(z.string()),
  uuid: opt(z.string()),
  /** Bumped by Plex when the library changes: the near-free hourly run compares it. */
  updatedAt: opt(Num),
  hidden: opt(Num),
  Location: opt(z.array(z.looseObject({ id: opt(Num), path: opt(z.string()) }))),
});
export type PlexSection = z.infer<typeof PlexSection>;

export const PlexSections = z.looseObject({
  size: opt(Num),
  Directory: list(PlexSection),
});
export type PlexSections = z.infer<typeof PlexSections>;

/** `GET /identity` (no token needed). */
export const PlexIdentity = z.looseObject({
  machineIdentifier: z.string().min(1),
  version: opt(z.string()),
  claimed: opt(Flag),
  apiVersion: opt(z.string()),
});
export type PlexIdentity = z.infer<typeof PlexIdentity>;

/** `GET /` with a token: the "token works" probe. */
export const PlexServerRoot = z.looseObject({
  friendlyName: opt(z.string()),
  machineIdentifier: opt(z.string()),
  version: opt(z.string()),
  platform: opt(z.string()),
  myPlexUsername: opt(z.string()),
});
export type PlexServerRoot = z.infer<typeof PlexServerRoot>;

/** Short, body-free description of the first problem zod found. */
function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = "MediaContainer" +
    issue.path.map((p) => typeof p === "number" ? `[${p}]` : `.${String(p)}`).join("");
  // Unions (numbers-or-strings) only say "Invalid input"; name what was there instead, by type
  // only, so no server data ends up in the message.
  const problem = issue.code !== "invalid_union"
    ? issue.message
    : issue.input === undefined
    ? "missing"
    : `unexpected ${issue.input === null ? "null" : typeof issue.input}`;
  return `${path}: ${problem}`.slice(0, 200);
}

function unwrap<T extends z.ZodType>(json: unknown, schema: T, what: string): z.infer<T> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new PlexShapeError(
      what,
      `expected an object, got ${
        json === null ? "null" : Array.isArray(json) ? "an array" : typeof json
      }`,
    );
  }
  const container = (json as { MediaContainer?: unknown }).MediaContainer;
  if (typeof container !== "object" || container === null || Array.isArray(container)) {
    throw new PlexShapeError(what, "no MediaContainer object");
  }
  const result = schema.safeParse(container, { reportInput: true });
  if (!result.success) throw new PlexShapeError(what, describe(result.error));
  return result.data;
}

export function parseIdentity(json: unknown): PlexIdentity {
  return unwrap(json, PlexIdentity, "identity");
}

export function parseServerRoot(json: unknown): PlexServerRoot {
  return unwrap(json, PlexServerRoot, "server root");
}

export function parseSections(json: unknown): PlexSections {
  return unwrap(json, PlexSections, "section list");
}

/** A listing page or a `/library/metadata/{rk}` detail answer (same container shape). */
export function parseListing(json: unknown): PlexListing {
  const head = unwrap(json, PlexListingHead, LISTING);
  const list = (json as { MediaContainer: { Metadata?: unknown } }).MediaContainer.Metadata;
  return { ...head, Metadata: readListingItems(list) };
}
