/**
 * Raw Plex JSON shapes of the fake server: sections, listing items, detail items, containers.
 * Field names, types and order follow the captures in /work/shared/fixtures/plex-real so that
 * a client tested against the fake also reads a real server (string ratingKeys, numeric
 * librarySectionID, `"1"` string flags, no `Stream[]` in listings, absent empty arrays).
 */

import type {
  NEpisode,
  NItem,
  NMedia,
  NMovie,
  NSeason,
  NSection,
  NShow,
} from "./fake_plex_model.ts";
import { mediaFacts, resolveAudio, resolveVideo } from "./fake_plex_streams.ts";

/** Any JSON value the fake emits. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const HTML_401 =
  "<html><head><script>window.location = window.location.href.match(/(^.+\\/)[^\\/]*$/)[1] + " +
  "'web/index.html';</script><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1>" +
  "</body></html>";
export const XML_503 = '<Response code="503" title="Maintenance" ' +
  'status="Plex Media Server is currently running database migrations."/>';

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** PMS's tiny HTML error page (fact sheet §10). */
export function htmlError(status: number): string {
  const reason = REASONS[status] ?? "Error";
  return `<html><head><title>${reason}</title></head><body><h1>${status} ${reason}</h1></body></html>`;
}

export const MEDIA_TAG_PREFIX = "/system/bundle/media/flags/";
export const MEDIA_TAG_VERSION = 1_724_161_316;

/** Numeric ratingKeys are numbers where real PMS uses numbers (container grandparentRatingKey). */
export function numericOrString(key: string): number | string {
  return /^\d+$/.test(key) ? Number(key) : key;
}

export function renderSection(s: NSection, index: number): JsonObject {
  const movie = s.input.type === "movie";
  return {
    allowSync: true,
    art: movie ? "/:/resources/movie-fanart.jpg" : "/:/resources/show-fanart.jpg",
    composite: `/library/sections/${s.key}/composite/${s.updatedAt}`,
    filters: true,
    refreshing: false,
    thumb: movie ? "/:/resources/movie.png" : "/:/resources/show.png",
    key: s.key,
    type: s.input.type,
    title: s.input.title,
    agent: s.input.agent,
    scanner: s.scanner,
    language: s.language,
    uuid: s.uuid,
    updatedAt: s.updatedAt,
    createdAt: s.createdAt,
    scannedAt: s.updatedAt,
    content: true,
    directory: true,
    contentChangedAt: 3600 + index,
    hidden: 0,
    Location: [{ id: 10 + index, path: `/data/${s.input.title}` }],
  };
}

function stamp(addedAt: number, updatedAt: number | undefined): number {
  return updatedAt ?? addedAt;
}

function slugify(title: string, year: number | undefined): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return year ? `${base}-${year}` : base;
}

function renderMedia(m: NMedia, detail: boolean): JsonObject {
  const partsOut: JsonObject[] = m.parts.map((p) => {
    const part: JsonObject = {
      id: p.id,
      key: `/library/parts/${p.id}/${BASE_PART_STAMP}/file.${p.container}`,
    };
    if (p.duration !== undefined) part.duration = p.duration;
    part.file = p.file;
    part.size = p.input.size ?? (m.input.unanalysed ? 389_591_971 : 4_000_000_000 + p.id);
    if (!m.input.unanalysed) {
      part.container = p.container;
      part.indexes = "sd";
      part.hasThumbnail = "1";
    }
    if (detail && !m.input.unanalysed) part.Stream = renderStreams(m);
    return part;
  });
  const duration = m.input.duration ?? m.parts[0]?.duration ?? 0;
  if (m.input.unanalysed) {
    // A real un-analysed Media: only id, duration, hasVoiceActivity and Part[] (fact sheet §5.5).
    return { id: m.id, duration, hasVoiceActivity: false, Part: partsOut };
  }
  const f = mediaFacts(m.input);
  const out: JsonObject = {
    id: m.id,
    duration,
    bitrate: f.bitrate,
    width: f.width,
    height: f.height,
    aspectRatio: Math.round((f.width / f.height) * 100) / 100,
    audioChannels: f.audioChannels,
    audioCodec: f.audioCodec,
    videoCodec: f.videoCodec,
    videoResolution: f.videoResolution,
    container: f.container,
    videoFrameRate: f.videoFrameRate,
  };
  if (f.audioProfile) out.audioProfile = f.audioProfile;
  out.videoProfile = f.videoProfile;
  out.hasVoiceActivity = false;
  if (m.input.optimized) {
    out.proxyType = 42;
    out.target = "Optimized for TV";
    out.title = "Optimized for TV";
  }
  out.Part = partsOut;
  return out;
}

/** Plex uses a file timestamp in part keys; a constant keeps the output stable. */
const BASE_PART_STAMP = 1_600_000_000;

function renderStreams(m: NMedia): JsonObject[] {
  const out: JsonObject[] = [];
  let id = m.firstStreamId;
  let index = 0;
  out.push({ id: id++, ...resolveVideo(m.input), index: index++ });
  (m.input.audio ?? [{}]).forEach((a, i) => {
    const sel: JsonObject = i === 0 ? { selected: true, default: true } : {};
    out.push({ id: id++, ...sel, ...resolveAudio(m.input, a), index: index++ });
  });
  for (const language of m.input.subtitles ?? []) {
    out.push({
      id: id++,
      streamType: 3,
      codec: "srt",
      index: index++,
      bitrate: 0,
      language,
      displayTitle: `${language} (SRT)`,
      extendedDisplayTitle: `${language} (SRT)`,
    });
  }
  return out;
}

function sectionFields(item: NItem): JsonObject {
  return {
    librarySectionTitle: item.section.input.title,
    librarySectionID: item.section.id,
    librarySectionKey: `/library/sections/${item.section.key}`,
  };
}

function guidField(item: NItem, includeGuids: boolean): JsonObject {
  return includeGuids && item.guids ? { Guid: item.guids.map((id) => ({ id })) } : {};
}

function renderMovie(m: NMovie, detail: boolean, includeGuids: boolean): JsonObject {
  const i = m.input;
  const t = stamp(i.addedAt, i.updatedAt);
  const out: JsonObject = { ratingKey: m.rk, key: `/library/metadata/${m.rk}`, guid: m.guid };
  if (m.guid.startsWith("plex://")) out.slug = slugify(i.title, i.year);
  out.type = "movie";
  out.title = i.title;
  if (i.titleSort) out.titleSort = i.titleSort;
  if (i.editionTitle) out.editionTitle = i.editionTitle;
  if (detail) Object.assign(out, sectionFields(m));
  if (i.originalTitle) out.originalTitle = i.originalTitle;
  out.summary = "";
  if (i.year !== undefined) out.year = i.year;
  out.thumb = `/library/metadata/${m.rk}/thumb/${t}`;
  out.art = `/library/metadata/${m.rk}/art/${t}`;
  out.duration = i.duration ?? 6_000_000;
  if (i.year !== undefined) out.originallyAvailableAt = `${i.year}-06-01`;
  out.addedAt = i.addedAt;
  if (i.updatedAt !== undefined) out.updatedAt = i.updatedAt;
  if (i.stringFlags) out.hasPremiumPrimaryExtra = "1";
  out.Media = m.media.map((x) => renderMedia(x, detail));
  Object.assign(out, guidField(m, includeGuids));
  return out;
}

function renderShow(s: NShow, detail: boolean, includeGuids: boolean): JsonObject {
  const i = s.input;
  const t = stamp(i.addedAt, i.updatedAt);
  // Shows point `key` at their children, not at the detail path (captures F4, tv_library).
  const out: JsonObject = {
    ratingKey: s.rk,
    key: `/library/metadata/${s.rk}/children`,
    guid: s.guid,
  };
  if (s.guid.startsWith("plex://")) out.slug = slugify(i.title, undefined);
  out.type = "show";
  out.title = i.title;
  if (i.titleSort) out.titleSort = i.titleSort;
  if (detail) Object.assign(out, sectionFields(s));
  out.summary = "";
  out.index = 1;
  if (i.year !== undefined) out.year = i.year;
  out.thumb = `/library/metadata/${s.rk}/thumb/${t}`;
  out.art = `/library/metadata/${s.rk}/art/${t}`;
  out.duration = 2_700_000;
  if (i.year !== undefined) out.originallyAvailableAt = `${i.year}-01-15`;
  out.leafCount = s.episodes.length;
  out.viewedLeafCount = 0;
  out.childCount = s.seasons.size;
  out.addedAt = i.addedAt;
  if (i.updatedAt !== undefined) out.updatedAt = i.updatedAt;
  Object.assign(out, guidField(s, includeGuids));
  if (detail) out.Location = [{ path: `/data/${s.section.input.title}/${i.title}` }];
  return out;
}

export function seasonTitle(index: number): string {
  return index === 0 ? "Specials" : `Season ${index}`;
}

function renderSeason(s: NSeason, detail: boolean): JsonObject {
  const show = s.show;
  const t = stamp(show.input.addedAt, show.input.updatedAt);
  const out: JsonObject = {
    ratingKey: s.rk,
    key: `/library/metadata/${s.rk}/children`,
    parentRatingKey: show.rk,
    guid: s.guid,
    parentGuid: show.guid,
    type: "season",
    title: seasonTitle(s.index),
    parentKey: `/library/metadata/${show.rk}`,
    parentTitle: show.input.title,
  };
  if (detail) Object.assign(out, sectionFields(s));
  out.summary = "";
  out.index = s.index;
  out.parentIndex = 1;
  if (show.input.year !== undefined) out.parentYear = show.input.year;
  out.thumb = `/library/metadata/${s.rk}/thumb/${t}`;
  out.leafCount = show.episodes.filter((e) => e.season === s).length;
  out.viewedLeafCount = 0;
  out.addedAt = show.input.addedAt;
  out.updatedAt = t;
  return out;
}

function renderEpisode(e: NEpisode, detail: boolean, includeGuids: boolean): JsonObject {
  const i = e.input;
  const show = e.show;
  const hidden = show.input.hiddenSeasons === true;
  const t = stamp(i.addedAt, i.updatedAt);
  const out: JsonObject = { ratingKey: e.rk, key: `/library/metadata/${e.rk}` };
  // Hidden seasons: PMS leaves out the parent keys (python-plexapi works around it).
  if (!hidden) out.parentRatingKey = e.season.rk;
  out.grandparentRatingKey = show.rk;
  out.guid = e.guid;
  if (!hidden) out.parentGuid = e.season.guid;
  out.grandparentGuid = show.guid;
  if (show.guid.startsWith("plex://")) out.grandparentSlug = slugify(show.input.title, undefined);
  out.type = "episode";
  out.title = i.title ?? (i.index !== undefined ? `Episode ${i.index}` : "Episode");
  out.grandparentKey = `/library/metadata/${show.rk}`;
  if (!hidden) out.parentKey = `/library/metadata/${e.season.rk}`;
  if (detail) Object.assign(out, sectionFields(e));
  out.grandparentTitle = show.input.title;
  out.parentTitle = seasonTitle(i.season);
  out.summary = "";
  if (i.index !== undefined) out.index = i.index;
  out.parentIndex = i.season;
  if (hidden) out.skipParent = true;
  if (show.input.year !== undefined) out.year = show.input.year;
  out.thumb = `/library/metadata/${e.rk}/thumb/${t}`;
  out.art = `/library/metadata/${show.rk}/art/${t}`;
  if (!hidden) out.parentThumb = `/library/metadata/${e.season.rk}/thumb/${t}`;
  out.grandparentThumb = `/library/metadata/${show.rk}/thumb/${t}`;
  out.duration = i.duration ?? 2_700_000;
  if (i.originallyAvailableAt) out.originallyAvailableAt = i.originallyAvailableAt;
  out.addedAt = i.addedAt;
  if (i.updatedAt !== undefined) out.updatedAt = i.updatedAt;
  if (i.stringFlags) out.hasPremiumPrimaryExtra = "1";
  out.Media = e.media.map((x) => renderMedia(x, detail));
  Object.assign(out, guidField(e, includeGuids));
  return out;
}

/** One item as in a listing (`detail=false`: no Stream[]) or a detail view (Stream[], Guid[]). */
export function renderItem(item: NItem, detail: boolean, includeGuids: boolean): JsonObject {
  switch (item.kind) {
    case "movie":
      return renderMovie(item, detail, detail || includeGuids);
    case "show":
      return renderShow(item, detail, detail || includeGuids);
    case "season":
      return renderSeason(item, detail);
    case "episode":
      return renderEpisode(item, detail, detail || includeGuids);
  }
}

const VIEW: Record<string, [string, string]> = {
  movie: ["All Movies", "movie"],
  show: ["All Shows", "show"],
  season: ["All Seasons", "season"],
  episode: ["All Episodes", "episode"],
};

/** Container fields of a section listing, before size/offset/Metadata. */
export function listingContainer(section: NSection, level: string): JsonObject {
  const movie = section.input.type === "movie";
  const view = VIEW[level] ?? VIEW.movie!;
  return {
    allowSync: true,
    art: movie ? "/:/resources/movie-fanart.jpg" : "/:/resources/show-fanart.jpg",
    content: "secondary",
    identifier: "com.plexapp.plugins.library",
    librarySectionID: section.id,
    librarySectionTitle: section.input.title,
    librarySectionUUID: section.uuid,
    mediaTagPrefix: MEDIA_TAG_PREFIX,
    mediaTagVersion: MEDIA_TAG_VERSION,
    nocache: true,
    thumb: movie ? "/:/resources/movie.png" : "/:/resources/show.png",
    title1: section.input.title,
    title2: view[0],
    viewGroup: view[1],
  };
}

/** Container fields of a detail answer (`/library/metadata/{rk}`), from its first item. */
export function detailContainer(first: NItem): JsonObject {
  return {
    allowSync: true,
    identifier: "com.plexapp.plugins.library",
    librarySectionID: first.section.id,
    librarySectionTitle: first.section.input.title,
    librarySectionUUID: first.section.uuid,
    mediaTagPrefix: MEDIA_TAG_PREFIX,
    mediaTagVersion: MEDIA_TAG_VERSION,
  };
}

function xmlEscape(v: string): string {
  return v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(
    />/g,
    "&gt;",
  );
}

function xmlTag(listKey: string, item: JsonObject): string {
  if (listKey !== "Metadata") return listKey;
  return item.type === "show" || item.type === "season" ? "Directory" : "Video";
}

function xmlElement(tag: string, obj: JsonObject): string {
  let attrs = "";
  let children = "";
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) {
      for (const c of v) {
        if (c && typeof c === "object" && !Array.isArray(c)) {
          children += xmlElement(xmlTag(k, c), c);
        }
      }
    } else if (v !== null && typeof v !== "object") {
      attrs += ` ${k}="${xmlEscape(String(v))}"`;
    }
  }
  return children ? `<${tag}${attrs}>${children}</${tag}>` : `<${tag}${attrs}/>`;
}

/** The XML form PMS sends without `Accept: application/json` (simplified, one line). */
export function toXml(container: JsonObject): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlElement("MediaContainer", container)}\n`;
}
