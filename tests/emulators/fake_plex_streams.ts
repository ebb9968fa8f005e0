/**
 * Media defaults and `Stream` fields of the fake Plex server, shaped after real captures
 * (fixtures/plex-real: metadata_159637 HDR10, lh_metadata_movie_dolby_vision_p8 DV P8.1,
 * metadata_108 SDR). Kept apart from rendering so the model can compute HDR/DV flags once.
 */

import type { FakeAudioStream, FakeDynamicRange, FakeMedia } from "./fake_plex_types.ts";

/** A JSON object of scalar fields, as found on `Media`, `Part` and `Stream`. */
export type StreamFields = Record<string, string | number | boolean>;

/** Listing-level `Media` facts after defaults. */
export interface MediaFacts {
  videoResolution: string;
  width: number;
  height: number;
  videoCodec: string;
  videoProfile: string;
  videoFrameRate: string;
  audioCodec: string;
  audioProfile: string | undefined;
  audioChannels: number;
  container: string;
  bitrate: number;
}

const SIZES: Record<string, [number, number, number]> = {
  "4k": [3840, 2160, 40_000],
  "1080": [1920, 1080, 12_000],
  "720": [1280, 720, 5_000],
  "576": [720, 576, 2_500],
  "480": [720, 480, 2_000],
  "sd": [640, 360, 1_500],
};

export function mediaFacts(m: FakeMedia): MediaFacts {
  const res = m.videoResolution ?? "1080";
  const size = SIZES[res] ?? [1920, 1080, 10_000];
  const codec = m.videoCodec ?? (res === "4k" || (m.hdr && m.hdr !== "sdr") ? "hevc" : "h264");
  const audioCodec = m.audioCodec ?? "eac3";
  return {
    videoResolution: res,
    width: m.width ?? size[0],
    height: m.height ?? size[1],
    videoCodec: codec,
    videoProfile: m.videoProfile ?? (codec === "hevc" ? "main 10" : "high"),
    videoFrameRate: m.videoFrameRate ?? "24p",
    audioCodec,
    audioProfile: m.audioProfile ?? AUDIO_PROFILES[audioCodec],
    audioChannels: m.audioChannels ?? 6,
    container: m.container ?? "mkv",
    bitrate: m.bitrate ?? size[2],
  };
}

const AUDIO_PROFILES: Record<string, string> = { dca: "dts", "dca-ma": "ma", aac: "lc" };

const PRESETS: Record<FakeDynamicRange, StreamFields> = {
  sdr: { bitDepth: 8, colorPrimaries: "bt709", colorSpace: "bt709", colorTrc: "bt709" },
  hdr10: {
    bitDepth: 10,
    colorPrimaries: "bt2020",
    colorSpace: "bt2020nc",
    colorTrc: "smpte2084",
  },
  hlg: {
    bitDepth: 10,
    colorPrimaries: "bt2020",
    colorSpace: "bt2020nc",
    colorTrc: "arib-std-b67",
  },
  // Profile 5 has no HDR10 base layer: PMS sends no colorTrc at all.
  dv5: {
    DOVIBLCompatID: 0,
    DOVIBLPresent: true,
    DOVIELPresent: false,
    DOVILevel: 6,
    DOVIPresent: true,
    DOVIProfile: 5,
    DOVIRPUPresent: true,
    DOVIVersion: "1.0",
    bitDepth: 10,
  },
  dv7: {
    DOVIBLCompatID: 6,
    DOVIBLPresent: true,
    DOVIELPresent: true,
    DOVILevel: 6,
    DOVIPresent: true,
    DOVIProfile: 7,
    DOVIRPUPresent: true,
    DOVIVersion: "1.0",
    bitDepth: 10,
    colorPrimaries: "bt2020",
    colorSpace: "bt2020nc",
    colorTrc: "smpte2084",
  },
  // As captured (Wicked): DOVI keys and colorTrc smpte2084 together.
  dv8: {
    DOVIBLCompatID: 1,
    DOVIBLPresent: true,
    DOVIELPresent: false,
    DOVILevel: 6,
    DOVIPresent: true,
    DOVIProfile: 8,
    DOVIRPUPresent: true,
    DOVIVersion: "1.0",
    bitDepth: 10,
    colorPrimaries: "bt2020",
    colorSpace: "bt2020nc",
    colorTrc: "smpte2084",
  },
};

/** HDR and Dolby Vision flags of a Media's video stream, as the `hdr=1`/`dovi=1` filters see them. */
export function dynamicRangeFlags(m: FakeMedia): { hdr: boolean; dovi: boolean } {
  const preset = PRESETS[m.hdr ?? "sdr"];
  const trc = m.video?.colorTrc ?? preset.colorTrc;
  const dovi = (m.video?.DOVIPresent ?? preset.DOVIPresent) === true;
  return { hdr: dovi || trc === "smpte2084" || trc === "arib-std-b67", dovi };
}

const RANGE_LABEL: Record<FakeDynamicRange, string> = {
  sdr: "",
  hdr10: " HDR10",
  hlg: " HLG",
  dv5: " DoVi",
  dv7: " DoVi/HDR10",
  dv8: " DoVi/HDR10",
};

const VIDEO_CODEC_LABEL: Record<string, string> = {
  h264: "H.264",
  hevc: "HEVC",
  mpeg4: "MPEG4",
  vc1: "VC1",
  av1: "AV1",
  vp9: "VP9",
  mpeg2video: "MPEG2VIDEO",
};

function titleCase(s: string): string {
  return s.replace(/\b\w/g, (c) => c.toUpperCase());
}

function resolutionLabel(res: string, scanType: string | undefined): string {
  if (res === "4k") return "4K";
  if (/^\d+$/.test(res) && Number(res) >= 720) {
    return `${res}${scanType === "interlaced" ? "i" : "p"}`;
  }
  return "SD";
}

/** The video `Stream` fields (without id/index) for an analysed Media. */
export function resolveVideo(m: FakeMedia): StreamFields {
  const f = mediaFacts(m);
  const range = m.hdr ?? "sdr";
  const v = m.video ?? {};
  const codec = v.codec ?? f.videoCodec;
  const profile = v.profile ?? f.videoProfile;
  const scanType = v.scanType;
  // Plex names HEVC streams with their profile ("HEVC Main 10") but H.264 without it.
  const codecLabel = (VIDEO_CODEC_LABEL[codec] ?? codec.toUpperCase()) +
    (codec === "hevc" ? ` ${titleCase(profile)}` : "");
  const display = `${resolutionLabel(f.videoResolution, scanType)}${
    RANGE_LABEL[range]
  } (${codecLabel})`;
  const out: StreamFields = {
    streamType: 1,
    default: true,
    codec,
    bitrate: f.bitrate - 800,
    ...PRESETS[range],
    chromaSubsampling: "4:2:0",
    codedHeight: f.height,
    codedWidth: f.width,
    colorRange: "tv",
    frameRate: 23.976,
    height: f.height,
    profile,
    refFrames: 4,
    width: f.width,
  };
  for (const [k, val] of Object.entries(v)) {
    if (val !== undefined && k !== "displayTitle" && k !== "extendedDisplayTitle") out[k] = val;
  }
  if (scanType) out.scanType = scanType;
  out.displayTitle = v.displayTitle ?? display;
  out.extendedDisplayTitle = v.extendedDisplayTitle ?? v.displayTitle ?? display;
  return out;
}

const AUDIO_CODEC_LABEL: Record<string, string> = {
  truehd: "TRUEHD",
  eac3: "EAC3",
  ac3: "AC3",
  aac: "AAC",
  dca: "DTS",
  "dca-ma": "DTS-HD MA",
  flac: "FLAC",
  mp3: "MP3",
  opus: "OPUS",
};

const CHANNEL_LABEL: Record<number, string> = {
  1: "Mono",
  2: "Stereo",
  6: "5.1",
  7: "6.1",
  8: "7.1",
};
const CHANNEL_LAYOUT: Record<number, string> = {
  1: "mono",
  2: "stereo",
  6: "5.1(side)",
  7: "6.1",
  8: "7.1",
};
const LANGUAGE_CODES: Record<string, [string, string]> = {
  English: ["en", "eng"],
  Japanese: ["ja", "jpn"],
  French: ["fr", "fra"],
  German: ["de", "deu"],
  Spanish: ["es", "spa"],
  Dutch: ["nl", "nld"],
};

/** An audio `Stream` (without id/index/default flags) from the Media facts and overrides. */
export function resolveAudio(m: FakeMedia, a: FakeAudioStream): StreamFields {
  const f = mediaFacts(m);
  const codec = a.codec ?? f.audioCodec;
  const channels = a.channels ?? f.audioChannels;
  const language = a.language ?? "English";
  const profile = a.profile ?? (a.codec === undefined ? f.audioProfile : AUDIO_PROFILES[codec]);
  const display = `${language} (${AUDIO_CODEC_LABEL[codec] ?? codec.toUpperCase()} ${
    CHANNEL_LABEL[channels] ?? `${channels}ch`
  })`;
  const codes = LANGUAGE_CODES[language] ?? ["en", "eng"];
  const out: StreamFields = {
    streamType: 2,
    codec,
    channels,
    bitrate: channels >= 6 ? 768 : 192,
    language,
    languageTag: codes[0],
    languageCode: codes[1],
  };
  if (profile) out.profile = profile;
  out.audioChannelLayout = a.audioChannelLayout ?? CHANNEL_LAYOUT[channels] ?? `${channels}ch`;
  out.samplingRate = 48000;
  if (a.title) out.title = a.title;
  out.displayTitle = a.displayTitle ?? display;
  out.extendedDisplayTitle = a.extendedDisplayTitle ??
    (a.title ? `${a.title} (${AUDIO_CODEC_LABEL[codec] ?? codec})` : a.displayTitle ?? display);
  return out;
}
