/**
 * Input types of the fake Plex Media Server and helpers that build agent guids.
 *
 * The inputs are deliberately convenient rather than Plex-shaped: a test says "this movie is
 * on the legacy imdb agent, has two versions, one of them Dolby Vision" and the fake renders
 * the raw Plex JSON (see fake_plex_render.ts). Everything here is plain JSON-able data so a
 * fake can also be built in a subprocess from `JSON.parse`d options.
 */

/** External ids of an item. Which of them show up, and how, depends on the agent. */
export interface FakeIds {
  imdb?: string;
  tmdb?: number;
  tvdb?: number;
  /** Only used by the HAMA agent (`…hama://anidb-<id>`). */
  anidb?: number;
}

/**
 * Shorthand for a video stream's dynamic range; expands to the stream fields real PMS sends.
 * `dv8` carries both `DOVIPresent` and `colorTrc: smpte2084` (profile 8.1 has an HDR10 base
 * layer), `dv5` carries no `colorTrc` at all (fact sheet §7.4).
 */
export type FakeDynamicRange = "sdr" | "hdr10" | "hlg" | "dv5" | "dv7" | "dv8";

/** Detail-only video stream fields; any field given here overrides the `hdr` preset. */
export interface FakeVideoStream {
  codec?: string;
  profile?: string;
  bitDepth?: number;
  colorPrimaries?: string;
  colorSpace?: string;
  colorTrc?: string;
  DOVIPresent?: boolean;
  DOVIProfile?: number;
  DOVILevel?: number;
  DOVIBLCompatID?: number;
  /** `progressive` or `interlaced`; absent by default like in many captures. */
  scanType?: string;
  displayTitle?: string;
  extendedDisplayTitle?: string;
}

/** Detail-only audio stream. Missing fields default from the Media's audio facts. */
export interface FakeAudioStream {
  codec?: string;
  profile?: string;
  channels?: number;
  audioChannelLayout?: string;
  /** Default "English". */
  language?: string;
  /** The tagged track title, e.g. "DTS:X 7.1" or "English DDP Atmos 5.1". */
  title?: string;
  /** e.g. "English (TrueHD 7.1 Atmos)". */
  displayTitle?: string;
  extendedDisplayTitle?: string;
}

/** One file of a version. */
export interface FakePart {
  file?: string;
  size?: number;
  duration?: number;
  container?: string;
}

/** One version (`Media` element) of a movie or episode. */
export interface FakeMedia {
  /** `"4k"`, `"1080"`, `"720"`, `"576"`, `"480"`, `"sd"`; default `"1080"`. */
  videoResolution?: string;
  width?: number;
  height?: number;
  videoCodec?: string;
  videoProfile?: string;
  videoFrameRate?: string;
  audioCodec?: string;
  audioProfile?: string;
  audioChannels?: number;
  container?: string;
  bitrate?: number;
  duration?: number;
  /** A Plex "Optimized Version" copy: rendered with `proxyType: 42`, title and target. */
  optimized?: boolean;
  /** Not analysed yet: only `id`, `duration`, `hasVoiceActivity` and `Part[]`, no streams. */
  unanalysed?: boolean;
  /** Dynamic range of the video stream (detail view and `hdr=1`/`dovi=1` filters). */
  hdr?: FakeDynamicRange;
  video?: FakeVideoStream;
  /** Audio streams, first one default/selected; default one stream from the Media facts. */
  audio?: FakeAudioStream[];
  /** Subtitle languages (SRT); default none. */
  subtitles?: string[];
  /** Files of this version (cd1/cd2…); default one file. */
  parts?: FakePart[];
}

/** Fields shared by movies, shows and episodes. */
interface FakeItemBase {
  ratingKey: string;
  /** Epoch seconds. */
  addedAt: number;
  updatedAt?: number;
  /**
   * Explicit `guid` string. Default: built from the agent (item `agent`, else the section's)
   * and `ids`: `plex://…/<24hex>` for new agents, `com.plexapp.agents.imdb://tt…?lang=en`,
   * `…themoviedb://<id>?lang=en`, `…thetvdb://<id>?lang=en`, `…hama://anidb-<id>?lang=en`,
   * `…none://<sha1>?lang=xn`, and `local://<ratingKey>` when the agent has no usable id.
   */
  guid?: string;
  /** Agent that matched this item when it differs from the section's (agent switch leftovers). */
  agent?: string;
  ids?: FakeIds;
  /** New-agent item without `Guid[]` (poor match): the ids only seed the `plex://` hex. */
  noGuids?: boolean;
  /** Render some flags as `"1"` strings like real PMS does (`hasPremiumPrimaryExtra`…). */
  stringFlags?: boolean;
}

export interface FakeMovie extends FakeItemBase {
  title: string;
  year?: number;
  titleSort?: string;
  originalTitle?: string;
  /** Edition items ("Director's Cut") share the guid of the main item when ids are equal. */
  editionTitle?: string;
  duration?: number;
  /** Default: one 1080p H.264 version. */
  media?: FakeMedia[];
}

export interface FakeEpisode extends Omit<FakeItemBase, "agent"> {
  /** Season number (`parentIndex`); 0 = specials. */
  season: number;
  /** Episode number; absent for episodes Plex could not number (date-based). */
  index?: number;
  title?: string;
  originallyAvailableAt?: string;
  duration?: number;
  media?: FakeMedia[];
}

export interface FakeShow extends FakeItemBase {
  title: string;
  year?: number;
  titleSort?: string;
  /** Seasons hidden in Plex: episodes come without `parentRatingKey`/`parentKey`. */
  hiddenSeasons?: boolean;
  /** Fixed season ratingKeys by season number; others are allocated by the fake. */
  seasonRatingKeys?: Record<string, string>;
  episodes: FakeEpisode[];
}

export interface FakeSection {
  key: string;
  title: string;
  type: "movie" | "show";
  agent: string;
  /** Default from the agent (`Plex Movie`, `Plex TV Series`, `Plex Movie Scanner`…). */
  scanner?: string;
  /** Default `en-US`, `xn` for the none agents. */
  language?: string;
  updatedAt?: number;
  movies?: FakeMovie[];
  shows?: FakeShow[];
}

export interface FakePlexOptions {
  /** Default `plex-test-token`. */
  token?: string;
  friendlyName?: string;
  /** Default a fixed 40-hex id. */
  machineIdentifier?: string;
  version?: string;
  sections: FakeSection[];
  /** Server-side page cap: never more than this many items per page. Default none. */
  pageMax?: number;
  /** 400 HTML when `X-Plex-Container-Size` is missing on `/library/sections/{k}/all`. */
  strictPaging?: boolean;
  /**
   * Answer listings and details in full whatever `excludeFields`/`excludeElements` ask
   * (plex-api.md §5.1: "requests, not guarantees"). Default false: the named keys are left out of each item.
   */
  ignoreExcludes?: boolean;
}

/** New Plex agents; their items get `plex://` guids and `Guid[]`. */
export const NEW_MOVIE_AGENT = "tv.plex.agents.movie";
export const NEW_TV_AGENT = "tv.plex.agents.series";
export const LEGACY_IMDB_AGENT = "com.plexapp.agents.imdb";
export const LEGACY_TMDB_AGENT = "com.plexapp.agents.themoviedb";
export const LEGACY_TVDB_AGENT = "com.plexapp.agents.thetvdb";
export const HAMA_AGENT = "com.plexapp.agents.hama";
export const NONE_AGENT = "com.plexapp.agents.none";

/**
 * Deterministic hex of any length from a seed (FNV-1a rounds). Not cryptographic: it only has
 * to look like Plex's 24-hex metadata ids and 40-hex sha1s, and be stable across runs.
 */
/** Byte → two hex digits; Number#toString(16) dominated building 100,000 guids. */
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function fakeHex(seed: string, length: number): string {
  // One FNV-1a pass over the seed, then cheap avalanche rounds for each 8 hex digits.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let out = "";
  for (let round = 1; out.length < length; round++) {
    let x = h ^ Math.imul(round, 0x9e3779b9);
    x ^= x >>> 16;
    x = Math.imul(x, 0x85ebca6b);
    x ^= x >>> 13;
    x = Math.imul(x, 0xc2b2ae35);
    x ^= x >>> 16;
    out += HEX_BYTES[(x >>> 24) & 0xff]! + HEX_BYTES[(x >>> 16) & 0xff]! +
      HEX_BYTES[(x >>> 8) & 0xff]! + HEX_BYTES[x & 0xff]!;
  }
  return out.slice(0, length);
}

/** `plex://movie/<24hex>` etc. The same seed always yields the same guid. */
export function plexGuid(kind: "movie" | "show" | "season" | "episode", seed: string): string {
  return `plex://${kind}/${fakeHex(`${kind}:${seed}`, 24)}`;
}

/** Seed for a `plex://` guid: the ids when known, so editions and duplicates share one guid. */
export function guidSeed(ids: FakeIds | undefined, fallback: string): string {
  if (ids?.imdb || ids?.tmdb !== undefined || ids?.tvdb !== undefined) {
    return `${ids.imdb ?? ""}|${ids.tmdb ?? ""}|${ids.tvdb ?? ""}`;
  }
  return fallback;
}

/** True for the agents that produce `plex://` guids. */
export function isNewAgent(agent: string): boolean {
  return agent === NEW_MOVIE_AGENT || agent === NEW_TV_AGENT;
}

/**
 * The `guid` string a legacy (or none) agent gives a movie or show, or `local://<ratingKey>`
 * when the agent needs an id the item does not have (an unmatched item).
 */
export function legacyGuid(agent: string, ids: FakeIds | undefined, ratingKey: string): string {
  const lang = "?lang=en";
  switch (agent) {
    case LEGACY_IMDB_AGENT:
      return ids?.imdb ? `${agent}://${ids.imdb}${lang}` : `local://${ratingKey}`;
    case LEGACY_TMDB_AGENT:
      return ids?.tmdb !== undefined ? `${agent}://${ids.tmdb}${lang}` : `local://${ratingKey}`;
    case LEGACY_TVDB_AGENT:
      return ids?.tvdb !== undefined ? `${agent}://${ids.tvdb}${lang}` : `local://${ratingKey}`;
    case HAMA_AGENT:
      if (ids?.anidb !== undefined) return `${agent}://anidb-${ids.anidb}${lang}`;
      if (ids?.tvdb !== undefined) return `${agent}://tvdb-${ids.tvdb}${lang}`;
      return `local://${ratingKey}`;
    case NONE_AGENT:
      return `${agent}://${fakeHex(`none:${ratingKey}`, 40)}?lang=xn`;
    case "tv.plex.agents.none":
      return `${agent}://${ratingKey}`;
    default:
      return `local://${ratingKey}`;
  }
}

/**
 * Child guid of a legacy show guid: `…thetvdb://81189?lang=en` → `…thetvdb://81189/1/3?lang=en`.
 * `local://` and none-agent shows have no such scheme, so their children are `local://<rk>`.
 */
export function legacyChildGuid(
  showGuid: string,
  path: (number | undefined)[],
  ratingKey: string,
): string {
  if (showGuid.startsWith("local://") || path.some((p) => p === undefined)) {
    return `local://${ratingKey}`;
  }
  const q = showGuid.indexOf("?");
  const base = q < 0 ? showGuid : showGuid.slice(0, q);
  const query = q < 0 ? "" : showGuid.slice(q);
  return `${base}/${path.join("/")}${query}`;
}
