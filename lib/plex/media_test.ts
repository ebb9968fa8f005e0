import assert from "node:assert/strict";
import type { PlexMediaFacts, PlexStreamFacts, TraktMetadata } from "../model.ts";
import { bestMedia, has3dMarker, mediaFacts, streamFacts, traktMetadata } from "./media.ts";
import { PlexMedia, PlexStream } from "./models.ts";

/** Trakt's allowed values, copied from trakt-api.md §6.5 (independent of model.ts on purpose). */
const ALLOWED = {
  media_type: ["digital", "bluray", "hddvd", "dvd", "vcd", "vhs", "betamax", "laserdisc"],
  resolution: [
    "uhd_4k",
    "hd_1080p",
    "hd_1080i",
    "hd_720p",
    "sd_480p",
    "sd_480i",
    "sd_576p",
    "sd_576i",
  ],
  hdr: ["dolby_vision", "hdr10", "hdr10_plus", "hlg"],
  audio: [
    "dolby_digital",
    "dolby_digital_plus",
    "dolby_digital_plus_atmos",
    "dolby_truehd",
    "dolby_atmos",
    "dolby_prologic",
    "dts",
    "dts_ma",
    "dts_hr",
    "dts_x",
    "auro_3d",
    "mp3",
    "mp2",
    "aac",
    "lpcm",
    "ogg",
    "ogg_opus",
    "wma",
    "flac",
  ],
  audio_channels: "1.0 2.0 2.1 3.0 3.1 4.0 4.1 5.0 5.1 5.1.2 5.1.4 6.1 7.1 7.1.2 7.1.4 9.1 10.1"
    .split(" "),
};

function assertAllowed(meta: TraktMetadata, label = ""): void {
  for (const [key, value] of Object.entries(meta)) {
    if (key === "3d") {
      assert.equal(value, true, label);
      continue;
    }
    const allowed = (ALLOWED as Record<string, string[]>)[key];
    assert.ok(allowed, `${label}: unexpected key ${key}`);
    assert.ok(allowed.includes(value as string), `${label}: ${key}=${String(value)}`);
  }
}

function streams(s: Partial<PlexStreamFacts>): PlexStreamFacts {
  return { dovi: false, audioTitles: [], ...s };
}

function facts(m: Partial<PlexMediaFacts>): PlexMediaFacts {
  return { files: [], ...m };
}

const UHD = { videoResolution: "4k", width: 3840, height: 2160 };

const TABLE: [string, PlexMediaFacts, Partial<TraktMetadata>][] = [
  [
    "DV profile 8 (DOVIPresent + smpte2084) is Dolby Vision, not HDR10",
    facts({ ...UHD, streams: streams({ dovi: true, colorTrc: "smpte2084" }) }),
    { resolution: "uhd_4k", hdr: "dolby_vision" },
  ],
  [
    "DV profile 5 (no colorTrc)",
    facts({ ...UHD, streams: streams({ dovi: true }) }),
    { resolution: "uhd_4k", hdr: "dolby_vision" },
  ],
  [
    "HDR10",
    facts({ ...UHD, streams: streams({ colorTrc: "smpte2084" }) }),
    { resolution: "uhd_4k", hdr: "hdr10" },
  ],
  [
    "HDR10+ only from a file name",
    facts({
      ...UHD,
      files: ["/m/Film (2020)/Film.2020.2160p.HDR10Plus.mkv"],
      streams: streams({ colorTrc: "smpte2084" }),
    }),
    { resolution: "uhd_4k", hdr: "hdr10_plus" },
  ],
  [
    "HLG",
    facts({ ...UHD, streams: streams({ colorTrc: "arib-std-b67" }) }),
    { resolution: "uhd_4k", hdr: "hlg" },
  ],
  [
    "SDR bt709 has no hdr",
    facts({ videoResolution: "1080", streams: streams({ colorTrc: "bt709" }) }),
    { resolution: "hd_1080p" },
  ],
  [
    "no streams (listing) has no hdr even on a 4K HEVC file",
    facts({ ...UHD, videoCodec: "hevc" }),
    { resolution: "uhd_4k" },
  ],
  [
    "display title fallback without colorTrc",
    facts({ ...UHD, streams: streams({ videoDisplayTitle: "4K DoVi (HEVC Main 10)" }) }),
    { resolution: "uhd_4k", hdr: "dolby_vision" },
  ],
  [
    "DoVi in the display title without DOVI keys (older PMS) is still Dolby Vision",
    facts({
      ...UHD,
      streams: streams({
        colorTrc: "smpte2084",
        videoDisplayTitle: "4K DoVi/HDR10 (HEVC Main 10)",
      }),
    }),
    { resolution: "uhd_4k", hdr: "dolby_vision" },
  ],
  [
    "HDR10 from the display title when colorTrc is missing",
    facts({ ...UHD, streams: streams({ videoDisplayTitle: "4K HDR10 (HEVC Main 10)" }) }),
    { resolution: "uhd_4k", hdr: "hdr10" },
  ],
  [
    "TrueHD Atmos",
    facts({
      audioCodec: "truehd",
      audioChannels: 8,
      streams: streams({ audioCodec: "truehd", audioTitles: ["English TrueHD Atmos 7.1"] }),
    }),
    { audio: "dolby_atmos", audio_channels: "7.1" },
  ],
  ["TrueHD", facts({ audioCodec: "truehd", audioChannels: 8 }), {
    audio: "dolby_truehd",
    audio_channels: "7.1",
  }],
  [
    "DD+ Atmos",
    facts({
      audioCodec: "eac3",
      audioChannels: 6,
      streams: streams({ audioTitles: ["English DDP Atmos 5.1", "English (EAC3 5.1)"] }),
    }),
    { audio: "dolby_digital_plus_atmos", audio_channels: "5.1" },
  ],
  ["DD+", facts({ audioCodec: "eac3", audioChannels: 6 }), {
    audio: "dolby_digital_plus",
    audio_channels: "5.1",
  }],
  ["DD", facts({ audioCodec: "ac3", audioChannels: 2 }), {
    audio: "dolby_digital",
    audio_channels: "2.0",
  }],
  [
    "DTS:X from the stream title",
    facts({
      audioCodec: "dca-ma",
      audioProfile: "ma",
      audioChannels: 8,
      streams: streams({ audioCodec: "dca", audioProfile: "ma", audioTitles: ["DTS:X 7.1"] }),
    }),
    { audio: "dts_x", audio_channels: "7.1" },
  ],
  ["DTS-HD MA from dca-ma (not plain dts)", facts({ audioCodec: "dca-ma", audioChannels: 6 }), {
    audio: "dts_ma",
    audio_channels: "5.1",
  }],
  ["DTS-HD MA from the ma profile", facts({ audioCodec: "dca", audioProfile: "ma" }), {
    audio: "dts_ma",
  }],
  ["DTS-HD HRA", facts({ audioCodec: "dca", audioProfile: "hra" }), { audio: "dts_hr" }],
  ["DTS", facts({ audioCodec: "dca", audioProfile: "dts", audioChannels: 6 }), {
    audio: "dts",
    audio_channels: "5.1",
  }],
  ["DTS-ES 6.1", facts({ audioCodec: "dca", audioProfile: "es", audioChannels: 7 }), {
    audio: "dts",
    audio_channels: "6.1",
  }],
  ["FLAC", facts({ audioCodec: "flac", audioChannels: 2 }), {
    audio: "flac",
    audio_channels: "2.0",
  }],
  ["Opus", facts({ audioCodec: "opus", audioChannels: 2 }), {
    audio: "ogg_opus",
    audio_channels: "2.0",
  }],
  ["Vorbis", facts({ audioCodec: "vorbis" }), { audio: "ogg" }],
  ["AAC mono", facts({ audioCodec: "aac", audioChannels: 1 }), {
    audio: "aac",
    audio_channels: "1.0",
  }],
  ["MP3", facts({ audioCodec: "mp3" }), { audio: "mp3" }],
  ["MP2", facts({ audioCodec: "mp2" }), { audio: "mp2" }],
  ["PCM", facts({ audioCodec: "pcm_s24le" }), { audio: "lpcm" }],
  ["WMA Pro", facts({ audioCodec: "wmapro", audioChannels: 6 }), {
    audio: "wma",
    audio_channels: "5.1",
  }],
  ["unknown codec is omitted", facts({ audioCodec: "alac" }), {}],
  [
    "5.1.2 from the channel layout",
    facts({ audioCodec: "truehd", streams: streams({ audioChannelLayout: "5.1.2" }) }),
    { audio: "dolby_truehd", audio_channels: "5.1.2" },
  ],
  [
    "7.1.4 from the stream title wins over the channel count",
    facts({
      audioCodec: "truehd",
      audioChannels: 8,
      streams: streams({ audioChannels: 8, audioTitles: ["TrueHD Atmos 7.1.4"] }),
    }),
    { audio: "dolby_atmos", audio_channels: "7.1.4" },
  ],
  ["3 channels read as 2.1", facts({ audioChannels: 3 }), { audio_channels: "2.1" }],
  ["9 channels have no Trakt value", facts({ audioChannels: 9 }), {}],
  [
    "1080i from the scan type",
    facts({ videoResolution: "1080", streams: streams({ scanType: "interlaced" }) }),
    { resolution: "hd_1080i" },
  ],
  ["720p string", facts({ videoResolution: "720p" }), { resolution: "hd_720p" }],
  ["576 PAL", facts({ videoResolution: "576" }), { resolution: "sd_576p" }],
  [
    "576i",
    facts({ videoResolution: "576", streams: streams({ scanType: "interlaced" }) }),
    { resolution: "sd_576i" },
  ],
  ["sd", facts({ videoResolution: "sd", width: 320, height: 240 }), { resolution: "sd_480p" }],
  ["480 interlaced", facts({ videoResolution: "480i" }), { resolution: "sd_480i" }],
  ["8k is still uhd_4k", facts({ videoResolution: "8k" }), { resolution: "uhd_4k" }],
  ["width only: 3840", facts({ width: 3840, height: 1600 }), { resolution: "uhd_4k" }],
  ["width only: 1920", facts({ width: 1920, height: 800 }), { resolution: "hd_1080p" }],
  ["width only: 1280", facts({ width: 1280 }), { resolution: "hd_720p" }],
  ["width only: 720", facts({ width: 720 }), { resolution: "sd_480p" }],
  ["unanalysed media: only media_type", facts({ files: ["/m/a.part1.mkv"] }), {}],
  [
    "3D from a Half-SBS file name",
    facts({ files: ["/m/The Avengers (2012)/The.Avengers.2012.1080p.3D.BluRay.Half-SBS.mkv"] }),
    { "3d": true },
  ],
];

Deno.test("traktMetadata() maps the table of real-world cases", () => {
  for (const [label, m, expected] of TABLE) {
    const meta = traktMetadata(m);
    assert.deepEqual(meta, { media_type: "digital", ...expected }, label);
    assertAllowed(meta, label);
  }
});

Deno.test("has3dMarker() reads release tags, not titles in folder names", () => {
  const yes = [
    "Film.2012.1080p.3D.BluRay.mkv",
    "Film.2017.1080p.BluRay.Half-OU.x264.mkv",
    "Film 2010 H-SBS.mkv",
    "Film.2010.HSBS.mkv",
    "Film [TAB].mkv",
    "Film.HOU.mkv",
    "Film.2010.SBS.mkv",
    "Film.MVC.mkv",
    "Titanic.1997.BluRay.Part.1.1080p.AVC.3D-Left-Eye.REMUX.mkv",
  ];
  for (const f of yes) assert.equal(has3dMarker(undefined, [`/m/${f}`]), true, f);
  const no = [
    "/Movies/Jackass 3D (2010)/Jackass.3-D.2010.1080p.BluRay.H264.AAC-RARBG.mp4",
    "/Movies/Film (2010)/Film.2010.1080p.mkv",
    "/Movies/Table (2010)/Tabletop.2010.mkv",
    // Words, names and release groups that happen to spell a tag, not in capitals.
    "/Movies/Tab Hunter Confidential (2015)/Tab Hunter Confidential (2015).mkv",
    "/Movies/Film (2010)/Film.2010.1080p.BluRay.x264-HoU.mkv",
  ];
  for (const f of no) assert.equal(has3dMarker(undefined, [f]), false, f);
  // The title where the file name repeats it is not a tag; a tag after it still is.
  const jackass = "/Movies/Jackass 3D (2010)/Jackass 3D (2010) Bluray-1080p.mkv";
  assert.equal(has3dMarker(undefined, [jackass]), true, "without the title, 3D reads as a tag");
  assert.equal(has3dMarker(undefined, [jackass], "Jackass 3D"), false);
  assert.equal(has3dMarker(undefined, ["/m/Piranha.3D.2010.1080p.mkv"], "Piranha 3D"), false);
  assert.equal(
    has3dMarker(undefined, ["/m/Jackass 3D (2010) 3D HSBS 1080p.mkv"], "Jackass 3D"),
    true,
  );
  assert.equal(has3dMarker("3D", [jackass], "Jackass 3D"), true, "the edition is not the title");
  assert.equal(has3dMarker("3D", []), true);
  assert.equal(has3dMarker("Director's Cut", []), false);
  assert.deepEqual(traktMetadata(facts({}), { editionTitle: "3D" }), {
    media_type: "digital",
    "3d": true,
  });
});

Deno.test("traktMetadata() reads HDR10+ from a file's own name, not from its folders", () => {
  const hdr10 = (file: string) =>
    traktMetadata(facts({ files: [file], streams: streams({ colorTrc: "smpte2084" }) })).hdr;
  assert.equal(hdr10("/media/UHD HDR10+ Movies/Film (2020)/Film.2020.2160p.mkv"), "hdr10");
  assert.equal(hdr10("/media/Movies/Film (2020)/Film.2020.2160p.HDR10+.mkv"), "hdr10_plus");
});

Deno.test("mediaFacts() ignores optimized versions (proxyType 42)", () => {
  const optimized = PlexMedia.parse({ id: 1, proxyType: 42, videoResolution: "1080", Part: [] });
  assert.equal(mediaFacts(optimized), undefined);
  const real = PlexMedia.parse({ id: 2, proxyType: "0", videoResolution: "1080", Part: [] });
  assert.deepEqual(mediaFacts(real), { videoResolution: "1080", files: [] });
});

Deno.test("mediaFacts() collects part files and leaves streams unset on listings", () => {
  const raw = PlexMedia.parse({
    videoResolution: "sd",
    audioCodec: "ac3",
    audioChannels: "6",
    Part: [{ file: "/m/a cd1.avi" }, { file: "/m/a cd2.avi" }],
  });
  assert.deepEqual(mediaFacts(raw), {
    videoResolution: "sd",
    audioCodec: "ac3",
    audioChannels: 6,
    files: ["/m/a cd1.avi", "/m/a cd2.avi"],
  });
});

Deno.test("streamFacts() takes DV from any video stream and audio from the default stream", () => {
  const s = [
    { streamType: 1, codec: "hevc", colorTrc: "smpte2084", displayTitle: "4K HDR10" },
    { streamType: 1, codec: "hevc", DOVIPresent: "1" },
    { streamType: 2, codec: "ac3", channels: 6, title: "Commentary" },
    {
      streamType: 2,
      codec: "truehd",
      channels: 8,
      default: 1,
      title: "English",
      extendedDisplayTitle: "English TrueHD Atmos 7.1",
      audioChannelLayout: "7.1",
    },
    { streamType: 3, codec: "srt" },
  ].map((x) => PlexStream.parse(x));
  assert.deepEqual(streamFacts(s), {
    dovi: true,
    colorTrc: "smpte2084",
    videoDisplayTitle: "4K HDR10",
    audioTitles: ["English", "English TrueHD Atmos 7.1"],
    audioCodec: "truehd",
    audioChannels: 8,
    audioChannelLayout: "7.1",
  });
  assert.deepEqual(streamFacts([]), { dovi: false, audioTitles: [] });
});

Deno.test("bestMedia() ranks resolution, then HDR, then audio, then channels", () => {
  const sd = facts({ videoResolution: "sd", audioCodec: "truehd", audioChannels: 8 });
  const fhd = facts({ videoResolution: "1080", audioCodec: "aac", audioChannels: 2 });
  const uhd = facts({ ...UHD, audioCodec: "aac", audioChannels: 2 });
  const uhdHdr = facts({ ...UHD, streams: streams({ colorTrc: "smpte2084" }) });
  const uhdDv = facts({ ...UHD, streams: streams({ dovi: true, colorTrc: "smpte2084" }) });
  const dts = facts({ videoResolution: "1080", audioCodec: "dca", audioChannels: 6 });
  const dtsMa = facts({ videoResolution: "1080", audioCodec: "dca-ma", audioChannels: 6 });
  const dtsMa8 = facts({ videoResolution: "1080", audioCodec: "dca-ma", audioChannels: 8 });
  assert.equal(bestMedia([]), undefined);
  assert.equal(bestMedia([sd, fhd]), fhd);
  assert.equal(bestMedia([sd, fhd, uhd]), uhd);
  assert.equal(bestMedia([uhd, uhdHdr]), uhdHdr);
  assert.equal(bestMedia([uhdHdr, uhdDv, uhd]), uhdDv);
  assert.equal(bestMedia([dts, dtsMa]), dtsMa);
  assert.equal(bestMedia([dtsMa, dtsMa8]), dtsMa8);
  // Equal rank: Plex's order (best first) is kept.
  const twin = facts({ videoResolution: "1080", audioCodec: "dca", audioChannels: 6 });
  assert.equal(bestMedia([dts, twin]), dts);
  assert.equal(bestMedia([facts({}), fhd]), fhd);
});

Deno.test("traktMetadata() only ever writes allowed values", () => {
  const resolutions = [undefined, "4k", "1080", "1080i", "720", "576", "480", "sd", "2k", "x"];
  const codecs = [undefined, "truehd", "eac3", "ac3", "dca", "dca-ma", "dts", "aac", "mp3", "mp2"]
    .concat(["flac", "opus", "vorbis", "pcm", "lpcm", "wmav2", "alac", "dolby"]);
  const titles = [[], ["Atmos"], ["DTS:X"], ["7.1.4"], ["5.1.2"], ["DTS-HD MA"], ["9.1.6"]];
  const trcs = [undefined, "smpte2084", "arib-std-b67", "bt709"];
  let n = 0;
  for (const videoResolution of resolutions) {
    for (const audioCodec of codecs) {
      for (const audioTitles of titles) {
        for (const colorTrc of trcs) {
          for (const audioChannels of [undefined, 0, 1, 2, 3, 6, 8, 9, 12, 24]) {
            const m = facts({ files: ["/x/a.3D.HDR10+.mkv"] });
            if (videoResolution !== undefined) m.videoResolution = videoResolution;
            if (audioCodec !== undefined) m.audioCodec = audioCodec;
            if (audioChannels !== undefined) m.audioChannels = audioChannels;
            const s = streams({ audioTitles, dovi: n % 7 === 0 });
            if (colorTrc !== undefined) s.colorTrc = colorTrc;
            m.streams = s;
            assertAllowed(traktMetadata(m), JSON.stringify(m));
            n++;
          }
        }
      }
    }
  }
  assert.ok(n > 10_000);
});
