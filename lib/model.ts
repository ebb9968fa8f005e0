/**
 * Domain types shared by the Plex reader, the sync planner and the Trakt writer.
 * Nothing here does I/O.
 */

/** External ids as Trakt understands them. A missing key means "unknown". */
export interface ExternalIds {
  imdb?: string;
  tmdb?: number;
  tvdb?: number;
}

/**
 * Per kind, `primary` wins and `fallback` fills the gaps: a new copy, with no undefined keys.
 * Used for a new-agent `Guid[]` over a legacy guid, and for copies of one title merged.
 */
export function mergeIds(primary: ExternalIds, fallback: ExternalIds): ExternalIds {
  const out: ExternalIds = {};
  const imdb = primary.imdb ?? fallback.imdb;
  const tmdb = primary.tmdb ?? fallback.tmdb;
  const tvdb = primary.tvdb ?? fallback.tvdb;
  if (imdb !== undefined) out.imdb = imdb;
  if (tmdb !== undefined) out.tmdb = tmdb;
  if (tvdb !== undefined) out.tvdb = tvdb;
  return out;
}

export type TraktResolution =
  | "uhd_4k"
  | "hd_1080p"
  | "hd_1080i"
  | "hd_720p"
  | "sd_480p"
  | "sd_480i"
  | "sd_576p"
  | "sd_576i";
export type TraktHdr = "dolby_vision" | "hdr10" | "hdr10_plus" | "hlg";
export type TraktAudio =
  | "dolby_digital"
  | "dolby_digital_plus"
  | "dolby_digital_plus_atmos"
  | "dolby_truehd"
  | "dolby_atmos"
  | "dolby_prologic"
  | "dts"
  | "dts_ma"
  | "dts_hr"
  | "dts_x"
  | "auro_3d"
  | "mp3"
  | "mp2"
  | "aac"
  | "lpcm"
  | "ogg"
  | "ogg_opus"
  | "wma"
  | "flac";
export type TraktAudioChannels =
  | "1.0"
  | "2.0"
  | "2.1"
  | "3.0"
  | "3.1"
  | "4.0"
  | "4.1"
  | "5.0"
  | "5.1"
  | "5.1.2"
  | "5.1.4"
  | "6.1"
  | "7.1"
  | "7.1.2"
  | "7.1.4"
  | "9.1"
  | "10.1";

/** Media metadata in Trakt's vocabulary, as sent on a movie or episode object. */
export interface TraktMetadata {
  media_type: "digital";
  resolution?: TraktResolution;
  hdr?: TraktHdr;
  audio?: TraktAudio;
  audio_channels?: TraktAudioChannels;
  "3d"?: boolean;
}

/**
 * One Plex version (`Media` element) reduced to what the metadata mapping needs.
 * Listing-level fields are always filled when Plex has them; stream-level fields
 * (`dovi`, `colorTrc`, `audioTitle`, …) only after a detail request.
 */
export interface PlexMediaFacts {
  videoResolution?: string;
  width?: number;
  height?: number;
  videoCodec?: string;
  audioCodec?: string;
  audioProfile?: string;
  audioChannels?: number;
  /**
   * File names of the parts, for 3D and HDR10+ hints. The library reader keeps them only when
   * one carries such a hint (see `MediaPool`): a path per item was a tenth of a big library's memory.
   */
  files: string[];
  /** Filled from detail (Stream[]) only. */
  streams?: PlexStreamFacts;
}

export interface PlexStreamFacts {
  dovi: boolean;
  /** `smpte2084`, `arib-std-b67`, `bt709`, … of the first video stream. */
  colorTrc?: string;
  videoDisplayTitle?: string;
  scanType?: string;
  /** Titles of the first (default) audio stream: `title`, `displayTitle`, `extendedDisplayTitle`. */
  audioTitles: string[];
  audioCodec?: string;
  audioProfile?: string;
  audioChannels?: number;
  audioChannelLayout?: string;
}

/** Why an item could not be sent to Trakt. Stable strings: they appear in `--json`. */
export type SkipReason =
  | "no external id"
  | "personal media (no agent)"
  | "unmatched in Plex"
  | "anidb id only (HAMA)"
  | "alternative episode order (HAMA)"
  | "unsupported guid scheme"
  | "no season or episode number"
  | "implausible season or episode number";

interface PlexItemBase {
  /** Name of the configured server it came from. */
  server: string;
  /** Library section title. */
  library: string;
  ratingKey: string;
  /** Plex `addedAt`, epoch seconds. */
  addedAt: number;
  /** Versions, optimized copies (proxyType 42) already removed. */
  media: PlexMediaFacts[];
}

export interface PlexMovie extends PlexItemBase {
  kind: "movie";
  title: string;
  year?: number;
  editionTitle?: string;
  ids: ExternalIds;
  /** Set when `ids` is empty: why. */
  skip?: SkipReason;
}

export interface PlexEpisode extends PlexItemBase {
  kind: "episode";
  showTitle: string;
  showYear?: number;
  showRatingKey: string;
  /** The show's ids (joined from the type=2 listing, or parsed from a legacy guid). */
  showIds: ExternalIds;
  /** The episode's own ids, when Plex has them (new agents). */
  ids: ExternalIds;
  season?: number;
  number?: number;
  skip?: SkipReason;
}

export type PlexItem = PlexMovie | PlexEpisode;
