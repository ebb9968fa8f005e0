/**
 * Plex `Media` → Trakt collection metadata (plex-api.md §7.4, trakt-api.md §6.5). Pure.
 * Every value written is one of Trakt's allowed strings; anything we cannot tell is omitted,
 * because a wrong "dts_ma" on Trakt is worse than no audio value at all.
 */
import type {
  PlexMediaFacts,
  PlexStreamFacts,
  TraktAudio,
  TraktAudioChannels,
  TraktHdr,
  TraktMetadata,
  TraktResolution,
} from "../model.ts";
import type { PlexMedia, PlexStream } from "./models.ts";

/** A Plex "Optimized Version" (a transcoded copy), never a version of its own. */
const OPTIMIZED_PROXY_TYPE = 42;

/** Reduces one parsed `Media` element; `undefined` for optimized copies. */
export function mediaFacts(raw: PlexMedia): PlexMediaFacts | undefined {
  if (raw.proxyType === OPTIMIZED_PROXY_TYPE) return undefined;
  const facts: PlexMediaFacts = { files: [] };
  if (raw.videoResolution !== undefined) facts.videoResolution = raw.videoResolution;
  if (raw.width !== undefined) facts.width = raw.width;
  if (raw.height !== undefined) facts.height = raw.height;
  if (raw.videoCodec !== undefined) facts.videoCodec = raw.videoCodec;
  if (raw.audioCodec !== undefined) facts.audioCodec = raw.audioCodec;
  if (raw.audioProfile !== undefined) facts.audioProfile = raw.audioProfile;
  if (raw.audioChannels !== undefined) facts.audioChannels = raw.audioChannels;
  const streams: PlexStream[] = [];
  for (const part of raw.Part) {
    if (part.file !== undefined && part.file !== "") facts.files.push(part.file);
    streams.push(...part.Stream);
  }
  // Listings carry no Stream[] (plex-api.md §5.5): leave `streams` unset rather than "no HDR".
  if (streams.length > 0) facts.streams = streamFacts(streams);
  return facts;
}

/**
 * Stream-level facts from a detail answer. Dolby Vision counts on any video stream; the other
 * video facts come from the first video stream, the audio facts from the default (or selected,
 * or first) audio stream, which is what a player would pick and what Plex summarises in `Media`.
 */
export function streamFacts(streams: readonly PlexStream[]): PlexStreamFacts {
  const video = streams.filter((s) => s.streamType === 1);
  const audio = streams.filter((s) => s.streamType === 2);
  const firstVideo = video[0];
  const mainAudio = audio.find((s) => s.default === true) ??
    audio.find((s) => s.selected === true) ??
    audio[0];
  const facts: PlexStreamFacts = {
    dovi: video.some((s) => s.DOVIPresent === true),
    audioTitles: [],
  };
  if (firstVideo?.colorTrc !== undefined) facts.colorTrc = firstVideo.colorTrc;
  const videoTitle = firstVideo?.extendedDisplayTitle ?? firstVideo?.displayTitle;
  if (videoTitle !== undefined) facts.videoDisplayTitle = videoTitle;
  if (firstVideo?.scanType !== undefined) facts.scanType = firstVideo.scanType;
  if (mainAudio) {
    for (const t of [mainAudio.title, mainAudio.displayTitle, mainAudio.extendedDisplayTitle]) {
      if (t !== undefined && t !== "") facts.audioTitles.push(t);
    }
    if (mainAudio.codec !== undefined) facts.audioCodec = mainAudio.codec;
    if (mainAudio.profile !== undefined) facts.audioProfile = mainAudio.profile;
    if (mainAudio.channels !== undefined) facts.audioChannels = mainAudio.channels;
    if (mainAudio.audioChannelLayout !== undefined) {
      facts.audioChannelLayout = mainAudio.audioChannelLayout;
    }
  }
  return facts;
}

/**
 * Resolution from Plex's `videoResolution` ("4k", "1080", "720p", "sd"…), else from the frame
 * size (PlexTraktSync's width thresholds). Interlacing is only known from a detail stream.
 */
export function resolutionOf(m: PlexMediaFacts): TraktResolution | undefined {
  const res = (m.videoResolution ?? "").trim().toLowerCase();
  const interlaced = m.streams?.scanType?.toLowerCase() === "interlaced" || /^\d+i$/.test(res);
  const tier = tierOf(res, m.width, m.height);
  switch (tier) {
    case "4k":
      return "uhd_4k";
    case "1080":
      return interlaced ? "hd_1080i" : "hd_1080p";
    case "720":
      return "hd_720p";
    case "576":
      return interlaced ? "sd_576i" : "sd_576p";
    case "480":
      return interlaced ? "sd_480i" : "sd_480p";
    default:
      return undefined;
  }
}

type Tier = "4k" | "1080" | "720" | "576" | "480";

function tierOf(res: string, width?: number, height?: number): Tier | undefined {
  const n = /^(\d+)[pi]?$/.exec(res)?.[1];
  if (res === "4k" || res === "8k" || res === "uhd" || (n !== undefined && Number(n) >= 2160)) {
    return "4k";
  }
  if (res === "2k" || n === "1080") return "1080";
  if (n === "720") return "720";
  if (n === "576" || res === "pal") return "576";
  if (n === "480" || res === "ntsc") return "480";
  if (res === "sd") return height !== undefined && height > 480 ? "576" : "480";
  if (width !== undefined && width > 0) {
    if (width >= 3840) return "4k";
    if (width >= 1920) return "1080";
    if (width >= 1280) return "720";
    if (width >= 768) return "576";
    return "480";
  }
  if (height !== undefined && height > 0) {
    if (height >= 2160) return "4k";
    if (height >= 1080) return "1080";
    if (height >= 720) return "720";
    if (height >= 576) return "576";
    return "480";
  }
  return undefined;
}

/**
 * HDR format. Dolby Vision is tested first: a DV profile 8 stream also says `smpte2084`. PMS
 * writes "DoVi" into the display title only when it detected DV, so that counts as DV too.
 */
export function hdrOf(m: PlexMediaFacts): TraktHdr | undefined {
  const s = m.streams;
  if (!s) return undefined;
  const title = s.videoDisplayTitle ?? "";
  if (s.dovi || /\b(dovi|dolby ?vision)\b/i.test(title)) return "dolby_vision";
  const plus = hdr10PlusHint(m.files) || /\bhdr10(\+|plus)/i.test(title);
  const trc = s.colorTrc?.toLowerCase();
  if (trc === "smpte2084") return plus ? "hdr10_plus" : "hdr10";
  if (trc === "arib-std-b67") return "hlg";
  if (trc !== undefined) return undefined;
  // No colorTrc at all (old PMS, or a stream PMS did not fully analyse): trust the title.
  if (plus && /\bhdr/i.test(title)) return "hdr10_plus";
  if (/\bhdr(10)?\b/i.test(title)) return "hdr10";
  if (/\bhlg\b/i.test(title)) return "hlg";
  return undefined;
}

/** Plex has no HDR10+ field: besides the display title, a file's own name (not its folders'). */
function hdr10PlusHint(files: readonly string[]): boolean {
  // Tested in place, no name cut out: a first sync asks once per item sent.
  return files.some((f) => HDR10_PLUS_IN_NAME.test(f));
}

/** "HDR10+" (or "HDR10 Plus") with no path separator after it: in the file's own name. */
const HDR10_PLUS_IN_NAME = /hdr10(\+|[ ._-]?plus)[^\\/]*$/i;

/** The last part of a path, cut once (no array of its parts). */
function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}

/** True when a file name says anything (3D or HDR10+) that the metadata mapping reads. */
export function fileHint(files: readonly string[]): boolean {
  return files.some((f) =>
    MAYBE_HINT.test(f) && (hdr10PlusHint([f]) || has3dMarker(undefined, [f]))
  );
}

/** Every hint contains one of these: one test rules out most paths of a big library. */
const MAYBE_HINT = /3d|sbs|tab|hou|mvc|-ou|hdr10/i;

/** Audio format. Stream facts (detail) win over the `Media` summary (listing). */
export function audioOf(m: PlexMediaFacts): TraktAudio | undefined {
  const codec = (m.streams?.audioCodec ?? m.audioCodec ?? "").toLowerCase();
  const profile = (m.streams?.audioProfile ?? m.audioProfile ?? "").toLowerCase();
  const titles = (m.streams?.audioTitles ?? []).join(" | ");
  const atmos = /\batmos\b/i.test(titles);
  if (codec === "truehd") return atmos ? "dolby_atmos" : "dolby_truehd";
  if (codec === "eac3") return atmos ? "dolby_digital_plus_atmos" : "dolby_digital_plus";
  if (codec === "ac3") return "dolby_digital";
  if (codec === "dca" || codec === "dts" || codec.startsWith("dca-") || codec.startsWith("dts-")) {
    // Most specific first: PlexTraktSync maps dca-ma to plain dts because its first rule wins.
    if (/\bdts[:-]?x\b/i.test(titles) || profile === "dts:x" || profile === "x") return "dts_x";
    if (codec === "dca-ma" || profile === "ma" || /\bdts-hd ma\b|master audio/i.test(titles)) {
      return "dts_ma";
    }
    if (codec === "dca-hra" || profile === "hra" || /\bdts-hd hra\b|high res/i.test(titles)) {
      return "dts_hr";
    }
    return "dts";
  }
  if (codec === "aac") return "aac";
  if (codec === "mp3") return "mp3";
  if (codec === "mp2") return "mp2";
  if (codec === "flac") return "flac";
  if (codec === "opus") return "ogg_opus";
  if (codec === "vorbis") return "ogg";
  if (codec === "lpcm" || codec.startsWith("pcm")) return "lpcm";
  if (codec.startsWith("wma")) return "wma";
  return undefined;
}

const CHANNELS_BY_COUNT: Record<number, TraktAudioChannels> = {
  1: "1.0",
  2: "2.0",
  3: "2.1",
  4: "4.0",
  5: "5.0",
  6: "5.1",
  7: "6.1",
  8: "7.1",
  10: "9.1",
  11: "10.1",
};

/** Layout names that are also Trakt values (height layouts are matched separately). */
const LAYOUTS = new Set("1.0 2.0 2.1 3.0 3.1 4.0 4.1 5.0 5.1 6.1 7.1 9.1 10.1".split(" "));

/** Channel layout. Height channels (x.y.z) only when Plex's layout or the titles say so. */
export function channelsOf(m: PlexMediaFacts): TraktAudioChannels | undefined {
  const layout = (m.streams?.audioChannelLayout ?? "").toLowerCase();
  const text = [layout, ...(m.streams?.audioTitles ?? [])].join(" | ");
  const height = /(?<![\d.])([57])\.1\.([24])(?![\d.])/.exec(text);
  if (height) return `${height[1]}.1.${height[2]}` as TraktAudioChannels;
  // ffmpeg layout names: "5.1(side)", "7.1(wide)", "stereo", "mono", "quad".
  const named = /^(\d+\.\d)(\(|$)/.exec(layout)?.[1];
  if (named !== undefined && LAYOUTS.has(named)) {
    return named as TraktAudioChannels;
  }
  if (layout === "mono") return "1.0";
  if (layout === "stereo") return "2.0";
  if (layout === "quad") return "4.0";
  const count = m.streams?.audioChannels ?? m.audioChannels;
  return count === undefined ? undefined : CHANNELS_BY_COUNT[count];
}

/** The Trakt metadata of one version. `editionTitle` is only used as a 3D hint. */
export function traktMetadata(
  m: PlexMediaFacts,
  hints?: { editionTitle?: string; title?: string },
): TraktMetadata {
  const out: TraktMetadata = { media_type: "digital" };
  const resolution = resolutionOf(m);
  if (resolution !== undefined) out.resolution = resolution;
  const hdr = hdrOf(m);
  if (hdr !== undefined) out.hdr = hdr;
  const audio = audioOf(m);
  if (audio !== undefined) out.audio = audio;
  const channels = channelsOf(m);
  if (channels !== undefined) out.audio_channels = channels;
  if (has3dMarker(hints?.editionTitle, m.files, hints?.title)) out["3d"] = true;
  return out;
}

/** 3D release tags, matched as whole tokens (or hyphen parts) of a file name or edition title. */
const THREE_D_TAGS = new Set(["3d", "hsbs", "htab", "mvc"]);
/**
 * Tags that are also words, names or release groups ("Tab Hunter", "-HoU"): they count only when
 * written in capitals, as release names write tags.
 */
const THREE_D_WORDS = new Set(["sbs", "tab", "hou"]);
/** Hyphenated half/full-frame tags: "H-SBS", "Half-OU", "Full-TAB". */
const THREE_D_PAIR = /^(h|half|f|full)-(sbs|ou|tab)$/;
const NAME_SEPARATORS = /[\s._()[\]{},+:!?'"]+/;

/**
 * Plex has no 3D attribute (plex-api.md §7.4); only release tags can tell. The folder part of a
 * path is ignored: a folder named after the film ("Jackass 3D (2010)") says nothing about the
 * file, and neither does the title where the file name repeats it (`title`, the movie's or the
 * show's): "Jackass 3D (2010) Bluray-1080p.mkv" is a 2D copy.
 */
export function has3dMarker(
  editionTitle: string | undefined,
  files: readonly string[],
  title?: string,
): boolean {
  const names = files.map(fileName);
  return [editionTitle ?? "", ...names].some((name, i) => {
    // Most names are ruled out here, before anything is split (a first sync asks per item).
    if (!MAYBE_3D.test(name)) return false;
    const titleWords = i > 0 && title ? words(title).map((w) => w.toLowerCase()) : [];
    const tokens = withoutRun(words(name), titleWords);
    return tokens.some((token) => {
      const lower = token.toLowerCase();
      if (THREE_D_PAIR.test(lower)) return true;
      return token.split("-").some((part) =>
        THREE_D_TAGS.has(part.toLowerCase()) ||
        (THREE_D_WORDS.has(part.toLowerCase()) && part === part.toUpperCase())
      );
    });
  });
}

function words(text: string): string[] {
  return text.split(NAME_SEPARATORS).filter((w) => w !== "");
}

/** `tokens` without the first run of `run` (compared ignoring case). */
function withoutRun(tokens: string[], run: string[]): string[] {
  if (run.length === 0) return tokens;
  for (let i = 0; i + run.length <= tokens.length; i++) {
    if (run.every((w, j) => tokens[i + j]!.toLowerCase() === w)) {
      return [...tokens.slice(0, i), ...tokens.slice(i + run.length)];
    }
  }
  return tokens;
}

/** Every tag above contains one of these: most names are ruled out without being split. */
const MAYBE_3D = /3d|sbs|tab|hou|mvc|-ou/i;

const RESOLUTION_RANK: Record<TraktResolution, number> = {
  uhd_4k: 6,
  hd_1080p: 5,
  hd_1080i: 4,
  hd_720p: 3,
  sd_576p: 2,
  sd_576i: 2,
  sd_480p: 1,
  sd_480i: 1,
};
const HDR_RANK: Record<TraktHdr, number> = { dolby_vision: 4, hdr10_plus: 3, hdr10: 2, hlg: 1 };
/** Object audio and lossless first, then lossy by bitrate class. */
const AUDIO_RANK: Record<TraktAudio, number> = {
  dolby_atmos: 10,
  dts_x: 10,
  auro_3d: 9,
  dolby_digital_plus_atmos: 9,
  dolby_truehd: 8,
  dts_ma: 8,
  lpcm: 8,
  flac: 7,
  dts_hr: 6,
  dolby_digital_plus: 5,
  dts: 4,
  dolby_digital: 3,
  ogg_opus: 3,
  aac: 2,
  ogg: 2,
  dolby_prologic: 1,
  wma: 1,
  mp3: 1,
  mp2: 1,
};

/** Total speakers of a layout ("7.1.4" → 12), to rank by channel count. */
function channelCount(c: TraktAudioChannels | undefined): number {
  return c === undefined ? 0 : c.split(".").reduce((sum, n) => sum + Number(n), 0);
}

function rank(m: PlexMediaFacts): number[] {
  const meta = traktMetadata(m);
  return [
    meta.resolution ? RESOLUTION_RANK[meta.resolution] : 0,
    meta.hdr ? HDR_RANK[meta.hdr] : 0,
    meta.audio ? AUDIO_RANK[meta.audio] : 0,
    channelCount(meta.audio_channels),
  ];
}

/**
 * The version to report: highest resolution, then HDR (DV > HDR10+ > HDR10 > HLG), then audio
 * format, then channel count. Ties keep Plex's order, which lists the best version first.
 */
export function bestMedia(facts: readonly PlexMediaFacts[]): PlexMediaFacts | undefined {
  // One version, the usual case: nothing to rank.
  if (facts.length < 2) return facts[0];
  let best: PlexMediaFacts | undefined;
  let bestRank: number[] = [];
  for (const m of facts) {
    const r = rank(m);
    if (best === undefined || compareRanks(r, bestRank) > 0) {
      best = m;
      bestRank = r;
    }
  }
  return best;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
