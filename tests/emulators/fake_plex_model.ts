/**
 * The fake Plex server's internal model: the convenient inputs of fake_plex_types.ts resolved
 * once into items with final guids, ids for Media/Part/Stream, seasons and HDR/DV flags, so that
 * listing 100,000 episodes page by page does no per-request guesswork.
 */

import {
  type FakeEpisode,
  fakeHex,
  type FakeMedia,
  type FakeMovie,
  type FakePart,
  type FakeSection,
  type FakeShow,
  guidSeed,
  isNewAgent,
  legacyChildGuid,
  legacyGuid,
  NEW_MOVIE_AGENT,
  NEW_TV_AGENT,
  NONE_AGENT,
  plexGuid,
} from "./fake_plex_types.ts";
import { dynamicRangeFlags } from "./fake_plex_streams.ts";

export interface NPart {
  id: number;
  input: FakePart;
  file: string;
  container: string;
  duration: number | undefined;
}

export interface NMedia {
  id: number;
  input: FakeMedia;
  parts: NPart[];
  /** First `Stream` id; streams themselves are built when a detail view is rendered. */
  firstStreamId: number;
  hdr: boolean;
  dovi: boolean;
}

export interface NSection {
  input: FakeSection;
  key: string;
  id: number | string;
  uuid: string;
  scanner: string;
  language: string;
  updatedAt: number;
  createdAt: number;
  movies: NMovie[];
  shows: NShow[];
  seasons: NSeason[];
  episodes: NEpisode[];
}

interface NBase {
  rk: string;
  section: NSection;
  guid: string;
  /** `Guid[]` ids (`imdb://…`), or undefined when the item has none (legacy, unmatched). */
  guids: string[] | undefined;
  /** Lower-cased sort title; articles dropped like Plex's titleSort. */
  sortKey: string;
}

export interface NMovie extends NBase {
  kind: "movie";
  input: FakeMovie;
  media: NMedia[];
  hdr: boolean;
  dovi: boolean;
}

export interface NShow extends NBase {
  kind: "show";
  input: FakeShow;
  seasons: Map<number, NSeason>;
  episodes: NEpisode[];
}

export interface NSeason extends NBase {
  kind: "season";
  show: NShow;
  index: number;
}

export interface NEpisode extends NBase {
  kind: "episode";
  input: FakeEpisode;
  show: NShow;
  season: NSeason;
  media: NMedia[];
  hdr: boolean;
  dovi: boolean;
}

export type NItem = NMovie | NShow | NSeason | NEpisode;

const SCANNERS: Record<string, string> = {
  [NEW_MOVIE_AGENT]: "Plex Movie",
  [NEW_TV_AGENT]: "Plex TV Series",
  "com.plexapp.agents.imdb": "Plex Movie Scanner",
  "com.plexapp.agents.themoviedb": "Plex Movie Scanner",
  "com.plexapp.agents.thetvdb": "Plex Series Scanner",
  "com.plexapp.agents.hama": "Plex Series Scanner",
  [NONE_AGENT]: "Plex Video Files Scanner",
};

/** Fixed base time so sections and defaults are stable across runs. */
export const BASE_TIME = 1_700_000_000;

export function sortKeyOf(title: string, titleSort?: string): string {
  return (titleSort ?? title).toLowerCase().replace(/^(the|a|an) /, "");
}

function toUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${
    hex.slice(20, 32)
  }`;
}

/** Builds and indexes the model; also the single place that allocates ids. */
export class PlexModel {
  readonly sections: NSection[] = [];
  readonly byRatingKey = new Map<string, NItem>();
  #nextMediaId = 1000;
  #nextPartId = 5000;
  #nextStreamId = 20000;
  #nextSeasonKey: number;

  constructor(sections: FakeSection[]) {
    // Seasons get ratingKeys above every numeric key in the input, so they never collide.
    let max = 0;
    for (const s of sections) {
      for (const m of s.movies ?? []) max = Math.max(max, Number(m.ratingKey) || 0);
      for (const sh of s.shows ?? []) {
        max = Math.max(max, Number(sh.ratingKey) || 0);
        for (const e of sh.episodes) max = Math.max(max, Number(e.ratingKey) || 0);
      }
    }
    this.#nextSeasonKey = max + 1_000_000;
    for (const s of sections) this.addSection(s);
  }

  section(key: string): NSection | undefined {
    return this.sections.find((s) => s.key === key);
  }

  addSection(input: FakeSection): NSection {
    const hex = fakeHex(`section:${input.key}:${input.title}`, 32);
    const none = input.agent.endsWith(".none");
    const section: NSection = {
      input,
      key: input.key,
      id: /^\d+$/.test(input.key) ? Number(input.key) : input.key,
      uuid: toUuid(hex),
      scanner: input.scanner ?? SCANNERS[input.agent] ?? "Plex Video Files Scanner",
      language: input.language ?? (none ? "xn" : "en-US"),
      updatedAt: input.updatedAt ?? BASE_TIME,
      createdAt: BASE_TIME - 86_400 * 365,
      movies: [],
      shows: [],
      seasons: [],
      episodes: [],
    };
    this.sections.push(section);
    for (const m of input.movies ?? []) this.addMovie(section, m);
    for (const sh of input.shows ?? []) this.addShow(section, sh);
    return section;
  }

  #register(item: NItem): void {
    if (this.byRatingKey.has(item.rk)) {
      throw new Error(`Duplicate ratingKey in fake Plex library: ${item.rk}`);
    }
    this.byRatingKey.set(item.rk, item);
  }

  #guidOf(
    section: NSection,
    kind: "movie" | "show",
    input: FakeMovie | FakeShow,
  ): { guid: string; guids: string[] | undefined } {
    const agent = input.agent ?? section.input.agent;
    const guid = input.guid ??
      (isNewAgent(agent)
        ? plexGuid(kind, guidSeed(input.ids, `rk:${input.ratingKey}`))
        : legacyGuid(agent, input.ids, input.ratingKey));
    return { guid, guids: guidList(guid, input.ids, input.noGuids) };
  }

  addMovie(section: NSection, input: FakeMovie): NMovie {
    const { guid, guids } = this.#guidOf(section, "movie", input);
    const media = this.#media(
      input.media,
      input.duration ?? 6_000_000,
      // Plex reads editions from `{edition-…}` in file names.
      `/data/${section.input.title}/${input.title}${input.year ? ` (${input.year})` : ""}${
        input.editionTitle ? ` {edition-${input.editionTitle}}` : ""
      }`,
    );
    const movie: NMovie = {
      kind: "movie",
      rk: input.ratingKey,
      section,
      guid,
      guids,
      sortKey: sortKeyOf(input.title, input.titleSort),
      input,
      media,
      hdr: media.some((m) => m.hdr),
      dovi: media.some((m) => m.dovi),
    };
    this.#register(movie);
    section.movies.push(movie);
    return movie;
  }

  addShow(section: NSection, input: FakeShow): NShow {
    const { guid, guids } = this.#guidOf(section, "show", input);
    const show: NShow = {
      kind: "show",
      rk: input.ratingKey,
      section,
      guid,
      guids,
      sortKey: sortKeyOf(input.title, input.titleSort),
      input,
      seasons: new Map(),
      episodes: [],
    };
    this.#register(show);
    section.shows.push(show);
    for (const e of input.episodes) this.addEpisode(show, e);
    return show;
  }

  #season(show: NShow, index: number): NSeason {
    const existing = show.seasons.get(index);
    if (existing) return existing;
    const rk = show.input.seasonRatingKeys?.[String(index)] ?? String(this.#nextSeasonKey++);
    const guid = show.guid.startsWith("plex://")
      ? plexGuid("season", `${show.guid}/${index}`)
      : legacyChildGuid(show.guid, [index], rk);
    const season: NSeason = {
      kind: "season",
      rk,
      section: show.section,
      guid,
      guids: undefined,
      sortKey: show.sortKey,
      show,
      index,
    };
    this.#register(season);
    show.seasons.set(index, season);
    show.section.seasons.push(season);
    return season;
  }

  addEpisode(show: NShow, input: FakeEpisode): NEpisode {
    const season = this.#season(show, input.season);
    let guid = input.guid;
    if (guid === undefined) {
      guid = show.guid.startsWith("plex://")
        ? plexGuid("episode", guidSeed(input.ids, `${show.guid}/${input.season}/${input.index}`))
        : legacyChildGuid(show.guid, [input.season, input.index], input.ratingKey);
    }
    const showTitle = show.input.title;
    const sxe = `S${String(input.season).padStart(2, "0")}E${
      String(input.index ?? 0).padStart(2, "0")
    }`;
    const media = this.#media(
      input.media,
      input.duration ?? 2_700_000,
      `/data/${show.section.input.title}/${showTitle}/Season ${
        String(input.season).padStart(2, "0")
      }/${showTitle} - ${sxe}`,
    );
    const episode: NEpisode = {
      kind: "episode",
      rk: input.ratingKey,
      section: show.section,
      guid,
      guids: guidList(guid, input.ids, input.noGuids),
      sortKey: show.sortKey,
      input,
      show,
      season,
      media,
      hdr: media.some((m) => m.hdr),
      dovi: media.some((m) => m.dovi),
    };
    this.#register(episode);
    show.episodes.push(episode);
    show.section.episodes.push(episode);
    return episode;
  }

  #media(inputs: FakeMedia[] | undefined, duration: number, stem: string): NMedia[] {
    const list = inputs ?? [{}];
    return list.map((input) => {
      const container = input.container ?? "mkv";
      // Versions of one item live in different files: tag them with their resolution.
      const version = list.length > 1 ? ` - ${input.videoResolution ?? "1080"}` : "";
      const partInputs = input.parts ?? [{}];
      const parts = partInputs.map((p, i): NPart => ({
        id: this.#nextPartId++,
        input: p,
        container: p.container ?? container,
        file: p.file ??
          `${stem}${version}${partInputs.length > 1 ? ` - pt${i + 1}` : ""}${
            input.optimized ? " (Optimized)" : ""
          }.${p.container ?? container}`,
        // Later parts of a real multi-part item often lack a duration.
        duration: p.duration ?? (i === 0 ? input.duration ?? duration : undefined),
      }));
      const firstStreamId = this.#nextStreamId;
      if (!input.unanalysed) {
        this.#nextStreamId += 1 + (input.audio?.length ?? 1) + (input.subtitles?.length ?? 0);
      }
      // Streams are built lazily at render time: 100,000 episodes' worth of stream objects
      // made construction slow and GC-bound. The filter flags are cheap to compute up front.
      const { hdr, dovi } = input.unanalysed
        ? { hdr: false, dovi: false }
        : dynamicRangeFlags(input);
      return { id: this.#nextMediaId++, input, parts, firstStreamId, hdr, dovi };
    });
  }
}

/** `Guid[]` exists only for `plex://` items that have ids and were not flagged `noGuids`. */
function guidList(
  guid: string,
  ids: FakeMovie["ids"],
  noGuids: boolean | undefined,
): string[] | undefined {
  if (!guid.startsWith("plex://") || noGuids || !ids) return undefined;
  const out: string[] = [];
  // Captures list imdb, tmdb, tvdb in that order.
  if (ids.imdb) out.push(`imdb://${ids.imdb}`);
  if (ids.tmdb !== undefined) out.push(`tmdb://${ids.tmdb}`);
  if (ids.tvdb !== undefined) out.push(`tvdb://${ids.tvdb}`);
  return out.length > 0 ? out : undefined;
}
