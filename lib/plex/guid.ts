/**
 * Plex guid parsing (plex-api.md §8). Pure and total: every string, however broken, yields a
 * well-formed result, because one odd guid in a 30,000-item library must never stop a sync.
 */
import type { ExternalIds, SkipReason } from "../model.ts";

/** A legacy (or short-scheme) guid that carries usable ids in the string itself. */
export interface GuidIds {
  kind: "ids";
  agent: string;
  ids: ExternalIds;
  /** From `…/<show>/<season>[/<episode>]`: the ids are then the show's, not the episode's. */
  season?: number;
  episode?: number;
}

/** What a `guid` string says about an item's external ids. */
export type GuidParse =
  | GuidIds
  /** A new-agent `plex://…` guid: the ids are only in the item's `Guid[]`. */
  | { kind: "new-agent"; agent: "plex" }
  /** No usable id in the string; `reason` says why. */
  | { kind: "skip"; agent: string; reason: SkipReason };

const AGENT_PREFIXES = ["com.plexapp.agents.", "tv.plex.agents.", "tv.plex."];

/** Upper bound of an id we accept: Trakt's ids are 32-bit ints, larger means garbage. */
const MAX_ID = 2_147_483_647;

/** `tt` + 7 to 10 digits (IMDb went from 7 to 8 digits in 2017); case-normalised, sentinels out. */
export function cleanImdb(value: string): string | undefined {
  // Already clean, as in nearly every listing item: kept as is, no copy.
  if (/^tt\d{7,10}$/.test(value)) return /^tt0+$/.test(value) ? undefined : value;
  const m = /^tt(\d{7,10})$/i.exec(value.trim());
  if (!m || /^0+$/.test(m[1] ?? "")) return undefined;
  return `tt${m[1]}`;
}

/** A positive decimal id (tmdb, tvdb). `0` is a sentinel some tools write for "no match". */
export function cleanNumericId(value: string): number | undefined {
  // Digits only, as in nearly every listing item: no trimmed copy, no pattern.
  if (isDigits(value)) return positiveId(Number(value));
  const v = value.trim();
  return v !== value && isDigits(v) ? positiveId(Number(v)) : undefined;
}

function positiveId(n: number): number | undefined {
  return n > 0 && n <= MAX_ID ? n : undefined;
}

/** 1 to 10 ASCII digits. */
function isDigits(value: string): boolean {
  if (value.length === 0 || value.length > 10) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A season or episode number from a guid path part: small non-negative integers only. */
function pathNumber(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}

function isEmpty(ids: ExternalIds): boolean {
  return ids.imdb === undefined && ids.tmdb === undefined && ids.tvdb === undefined;
}

function skip(agent: string, reason: SkipReason): GuidParse {
  return { kind: "skip", agent, reason };
}

/** Builds the result for `<id>[/<season>[/<episode>]]` once the id has been read. */
function withPath(agent: string, ids: ExternalIds, parts: string[]): GuidParse {
  if (isEmpty(ids)) return skip(agent, "no external id");
  const result: GuidIds = { kind: "ids", agent, ids };
  const season = pathNumber(parts[1]);
  if (season !== undefined) {
    result.season = season;
    const episode = pathNumber(parts[2]);
    if (episode !== undefined) result.episode = episode;
  }
  return result;
}

/** One id of the given kind, or an empty object when the value does not qualify. */
function idOf(kind: "imdb" | "tmdb" | "tvdb", value: string): ExternalIds {
  if (kind === "imdb") {
    const imdb = cleanImdb(value);
    return imdb === undefined ? {} : { imdb };
  }
  const n = cleanNumericId(value);
  return n === undefined ? {} : { [kind]: n };
}

/**
 * HAMA ids: `anidb-[a]<n>`, `tvdb-<n>` / `tvdb<N>-<n>` (alternative TVDB orderings), `tmdb-<n>`,
 * `imdb-tt<n>`. An AniDB id alone cannot be sent to Trakt, and neither can the numbers of an
 * alternative order; each has its own skip reason.
 */
function parseHama(agent: string, parts: string[]): GuidParse {
  const m = /^([a-z]+)(\d*)-(.*)$/i.exec(parts[0] ?? "");
  if (!m) return skip(agent, "no external id");
  const source = (m[1] ?? "").toLowerCase();
  const ordering = m[2] ?? "";
  const value = m[3] ?? "";
  switch (source) {
    case "anidb":
      return /^a?\d+$/i.test(value)
        ? skip(agent, "anidb id only (HAMA)")
        : skip(agent, "no external id");
    case "tvdb":
      // `tvdb-` and `tvdb2-` (absolute files placed in TVDB's seasons) number episodes as TVDB
      // does. tvdb3- to tvdb5- keep absolute episode numbers or story-arc seasons, and any other
      // order is unknown: sent to Trakt, such numbers would collect other episodes.
      if (ordering !== "" && ordering !== "2") {
        return skip(agent, "alternative episode order (HAMA)");
      }
      return withPath(agent, idOf(source, value), parts);
    case "tmdb":
    case "imdb":
      return withPath(agent, idOf(source, value), parts);
    default:
      return skip(agent, "unsupported guid scheme");
  }
}

/** Agent name with the Plex prefixes removed and spelling variants unified. */
function agentName(scheme: string): string {
  let agent = scheme.toLowerCase();
  for (const prefix of AGENT_PREFIXES) {
    if (agent.startsWith(prefix)) {
      agent = agent.slice(prefix.length);
      break;
    }
  }
  if (agent === "themoviedb") return "tmdb";
  if (agent === "thetvdb") return "tvdb";
  return agent;
}

const NEW_AGENT: GuidParse = Object.freeze({ kind: "new-agent", agent: "plex" });

/** Reads one `guid` attribute. Never throws. */
export function parseGuid(guid: string): GuidParse {
  if (typeof guid !== "string") return skip("", "no external id");
  // The common case of a modern library, once per item: no need to take it apart.
  if (guid.startsWith("plex://")) return NEW_AGENT;
  const trimmed = guid.trim();
  const sep = trimmed.indexOf("://");
  if (sep < 0) {
    // Very old servers stored a bare IMDb id as the guid.
    const imdb = cleanImdb(trimmed.split(/[?#]/)[0] ?? "");
    if (imdb !== undefined) return { kind: "ids", agent: "imdb", ids: { imdb } };
    return skip("", trimmed === "" ? "no external id" : "unsupported guid scheme");
  }
  const agent = agentName(trimmed.slice(0, sep));
  const rest = trimmed.slice(sep + 3).split(/[?#]/)[0] ?? "";
  const parts = rest.split("/");
  const first = parts[0] ?? "";

  switch (agent) {
    case "plex":
      return { kind: "new-agent", agent: "plex" };
    case "imdb":
      return withPath(agent, idOf("imdb", first), parts);
    case "tmdb":
      return withPath(agent, idOf("tmdb", first), parts);
    case "tvdb":
      return withPath(agent, idOf("tvdb", first), parts);
    case "hama":
      return parseHama(agent, parts);
    case "xbmcnfo":
    case "xbmcnfotv": {
      // The NFO agents store whatever id the .nfo had; only an IMDb id is unambiguous.
      const imdb = cleanImdb(first);
      return imdb === undefined
        ? skip(agent, "unsupported guid scheme")
        : withPath(agent, { imdb }, parts);
    }
    case "none":
      return skip(agent, "personal media (no agent)");
    case "local":
      return skip(agent, "unmatched in Plex");
    default:
      // collection://, tv.plex.xmltv://, youtube, mbid://, lastfm, plexmusic, and anything new.
      return skip(agent, "unsupported guid scheme");
  }
}

type GuidKind = "imdb" | "tmdb" | "tvdb";
const GUID_KINDS: readonly GuidKind[] = ["imdb", "tmdb", "tvdb"];

/** `imdb`, `tmdb` or `tvdb` when `guid` starts with it and `://`. */
function lowerCaseKind(guid: string): GuidKind | undefined {
  if (!guid.startsWith("://", 4)) return undefined;
  for (const k of GUID_KINDS) if (guid.startsWith(k)) return k;
  return undefined;
}

/** Ids from a new-agent `Guid[]` (`imdb://tt…`, `tmdb://…`, `tvdb://…`); the first valid one of each kind wins. */
export function idsFromGuidList(list: { id: unknown }[] | undefined): ExternalIds {
  const ids: ExternalIds = {};
  if (!Array.isArray(list)) return ids;
  for (const entry of list) {
    const raw: unknown = entry?.id;
    if (typeof raw !== "string") continue;
    const guid = raw.trim();
    // The usual lower-case form is cut, not matched: this runs for every item of a listing.
    // A multi-line value is refused here as the pattern below refuses it (`.` stops at a line
    // break); an empty one fails the id checks.
    let kind = lowerCaseKind(guid);
    let value = kind === undefined ? undefined : guid.slice(7);
    if (value !== undefined && /[\r\n]/.test(value)) continue;
    if (kind === undefined) {
      const m = /^(imdb|tmdb|tvdb):\/\/(.+)$/i.exec(guid);
      if (!m) continue;
      kind = (m[1] ?? "").toLowerCase() as GuidKind;
      value = m[2];
    }
    if (ids[kind] !== undefined) continue;
    // Set directly (no object per entry).
    if (kind === "imdb") {
      const imdb = cleanImdb(value ?? "");
      if (imdb !== undefined) ids.imdb = imdb;
    } else {
      const n = cleanNumericId(value ?? "");
      if (n !== undefined) ids[kind] = n;
    }
  }
  return ids;
}

/** True when no id is known. */
export function hasNoIds(ids: ExternalIds): boolean {
  return isEmpty(ids);
}
