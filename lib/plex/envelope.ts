/**
 * Hand-written readers of the Plex answers a sync reads (identity, server root, section list,
 * listing pages), so that a sync never loads zod, whose code and schemas are about 7 MiB of the
 * process's memory: a tenth of a 16,000-item sync's peak. Each reads what the zod schema of
 * models.ts would give, for every field the schema declares (differential tests hold them to
 * it), and gives up (undefined) where that schema would fail: then `checked` loads models.ts
 * and zod decides and names the problem, as it always did.
 */
import { fix, flag, isRecord, type Json, key, num, type Read, str } from "./lenient.ts";
import { readMetadata } from "./metadata.ts";
import type {
  PlexIdentity,
  PlexListing,
  PlexMetadata,
  PlexSections,
  PlexServerRoot,
} from "./models.ts";
import { PlexShapeError } from "./shape_error.ts";

type Models = typeof import("./models.ts");

/** What a listing is called in its shape errors. */
export const LISTING = "library listing";

/** `read(json)`; where it gives up, zod's parser of models.ts, loaded only then. */
export async function checked<T>(
  read: (json: unknown) => T | undefined,
  parse: (models: Models) => (json: unknown) => T,
  json: unknown,
): Promise<T> {
  const value = read(json);
  return value !== undefined ? value : parse(await import("./models.ts"))(json);
}

/** The `MediaContainer` object, or undefined where `unwrap` of models.ts would fail. */
function container(json: unknown): Json | undefined {
  if (!isRecord(json)) return undefined;
  const c = json.MediaContainer;
  return isRecord(c) ? c : undefined;
}

const IDENTITY: [string, Read][] = [["version", str], ["claimed", flag], ["apiVersion", str]];

export function readIdentity(json: unknown): PlexIdentity | undefined {
  const c = container(json);
  if (!c || typeof c.machineIdentifier !== "string" || c.machineIdentifier === "") return;
  fix(c, IDENTITY);
  return c as PlexIdentity;
}

const SERVER_ROOT: [string, Read][] = [
  ["friendlyName", str],
  ["machineIdentifier", str],
  ["version", str],
  ["platform", str],
  ["myPlexUsername", str],
];

export function readServerRoot(json: unknown): PlexServerRoot | undefined {
  const c = container(json);
  if (!c) return;
  fix(c, SERVER_ROOT);
  return c as PlexServerRoot;
}

const SECTION: [string, Read][] = [
  ["type", str],
  ["title", str],
  ["agent", str],
  ["scanner", str],
  ["language", str],
  ["uuid", str],
  ["updatedAt", num],
  ["hidden", num],
];
const LOCATION: [string, Read][] = [["id", num], ["path", str]];

export function readSections(json: unknown): PlexSections | undefined {
  const c = container(json);
  if (!c) return;
  const list = c.Directory ?? [];
  if (!Array.isArray(list)) return;
  for (const s of list) {
    if (!isRecord(s)) return;
    const k = key(s.key);
    if (k === undefined) return;
    s.key = k;
    fix(s, SECTION);
    if (s.Location === undefined) continue;
    // `opt(z.array(…))`: one broken entry, and the whole list reads as absent.
    if (!Array.isArray(s.Location) || !s.Location.every(isRecord)) s.Location = undefined;
    else for (const l of s.Location as Json[]) fix(l, LOCATION);
  }
  fix(c, [["size", num]]);
  c.Directory = list;
  return c as PlexSections;
}

const HEAD: [string, Read][] = [
  ["size", num],
  ["totalSize", num],
  ["offset", num],
  ["librarySectionID", key],
  ["librarySectionTitle", str],
];

/** A listing page or a detail answer: its envelope's declared fields, and its items. */
export function readListing(json: unknown): PlexListing | undefined {
  const c = container(json);
  if (!c) return;
  const page: Json = {};
  for (const [k, read] of HEAD) if (k in c) page[k] = read(c[k]);
  page.Metadata = readListingItems(c.Metadata);
  return page as PlexListing;
}

/**
 * A listing's `Metadata`, each item normalised in place (metadata.ts). Absent means none
 * (plex-api.md §1); anything but a list, or an item without a usable `ratingKey`, fails the page.
 */
export function readListingItems(list: unknown): PlexMetadata[] {
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    const got = typeof list === "object" ? "object" : typeof list;
    throw new PlexShapeError(
      LISTING,
      `MediaContainer.Metadata: Invalid input: expected array, received ${got}`,
    );
  }
  const raw: unknown[] = list ?? [];
  const items: PlexMetadata[] = new Array(raw.length);
  let i = 0;
  // One closure per page, not per item.
  const fail = (path: string, problem: string): never => {
    throw new PlexShapeError(LISTING, `MediaContainer.Metadata[${i}]${path}: ${problem}`);
  };
  for (; i < raw.length; i++) items[i] = readMetadata(raw[i], fail);
  return items;
}
