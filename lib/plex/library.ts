/**
 * Reads one Plex server's movie and show libraries into domain items: per section one paged
 * movie listing, or one paged show listing plus one paged episode listing joined on
 * `grandparentRatingKey` (never one request per show or season).
 */
import type { PlexItem, PlexMediaFacts } from "../model.ts";
import type { ListingCheck, PlexClient } from "./client.ts";
import { type ShowInfo, toEpisode, toMovie, toShowIds } from "./items.ts";
import { fileHint, mediaFacts } from "./media.ts";
import type { PlexSection } from "./models.ts";

export interface LibraryCount {
  /** The section key: unique on its server, unlike the title. */
  key: string;
  title: string;
  items: number;
  /**
   * How its listing went: held still, "moved" while it was read (items added or deleted
   * meanwhile), or "unverified" (no total to check it by): see eachPage.
   */
  listing: ListingCheck;
}

export interface LibraryFilter {
  /** Library titles to read (case-insensitive); undefined = every movie and show library. */
  titles?: string[];
}

export class PlexLibraryReader {
  readonly client: PlexClient;
  #filter: LibraryFilter;
  /** Titles of the sections this server offered, and which of them were read. */
  available: string[] = [];
  read: string[] = [];
  /** Items each selected section gave in the last `readItems`, in section order. */
  #counts: LibraryCount[] = [];

  constructor(client: PlexClient, filter: LibraryFilter = {}) {
    this.client = client;
    this.#filter = filter;
  }

  get name(): string {
    return this.client.name;
  }

  #sections?: Promise<PlexSection[]>;

  /** The selected movie and show sections, read once per run. */
  #chosen(): Promise<PlexSection[]> {
    this.#sections ??= this.client.sections().then((all) => {
      const sections = all.filter((s) => s.type === "movie" || s.type === "show");
      this.available = sections.map((s) => s.title ?? s.key);
      const wanted = this.#filter.titles?.map((t) => t.toLowerCase());
      const chosen = sections.filter((s) =>
        !wanted || wanted.includes((s.title ?? s.key).toLowerCase())
      );
      this.read = chosen.map((s) => s.title ?? s.key);
      return chosen;
    });
    return this.#sections;
  }

  /** Titles of the selected libraries (for the `--library` check before a sync). */
  async librariesRead(): Promise<string[]> {
    return (await this.#chosen()).map((s) => s.title ?? s.key);
  }

  async sectionStamps(): Promise<Record<string, number | null>> {
    return Object.fromEntries((await this.#chosen()).map((s) => [s.key, s.updatedAt ?? null]));
  }

  async readItems(
    onProgress: (library: string, done: number, total: number) => void,
  ): Promise<PlexItem[]> {
    const chosen = await this.#chosen();
    const items: PlexItem[] = [];
    const counts: LibraryCount[] = [];
    for (const section of chosen) {
      const library = section.title ?? section.key;
      const progress = (done: number, total: number) => onProgress(library, done, total);
      const before = items.length;
      const listing = section.type === "movie"
        ? await this.#movies(section, items, progress)
        : await this.#episodes(section, items, progress);
      counts.push({ key: section.key, title: library, items: items.length - before, listing });
    }
    this.#counts = counts;
    return items;
  }

  /**
   * What each selected section gave in the last `readItems`, by section: two sections may share
   * a title, and an empty one must not hide behind its namesake.
   */
  itemsPerLibrary(): LibraryCount[] {
    return this.#counts;
  }

  /** Pages are converted as they arrive; the raw listing is never held whole. */
  async #movies(
    section: PlexSection,
    out: PlexItem[],
    progress: (d: number, t: number) => void,
  ): Promise<ListingCheck> {
    const ctx = this.#ctx(section);
    const pool = new MediaPool();
    return await this.client.eachPage(
      section.key,
      1,
      (page) => {
        for (const raw of page) out.push(pool.share(toMovie(raw, ctx)));
      },
      { onPage: progress, title: ctx.library },
    );
  }

  async #episodes(
    section: PlexSection,
    out: PlexItem[],
    progress: (d: number, t: number) => void,
  ): Promise<ListingCheck> {
    const ctx = this.#ctx(section);
    const shows = new Map<string, ShowInfo>();
    const showsHeld = await this.client.eachPage(
      section.key,
      2,
      (page) => {
        for (const raw of page) shows.set(raw.ratingKey, toShowIds(raw, ctx));
      },
      { title: ctx.library },
    );
    const pool = new MediaPool();
    const episodesHeld = await this.client.eachPage(
      section.key,
      4,
      (page) => {
        for (const raw of page) {
          out.push(pool.share(toEpisode(raw, shows.get(raw.grandparentRatingKey ?? ""), ctx)));
        }
      },
      { onPage: progress, title: ctx.library },
    );
    // The worse of the two listings.
    for (const check of ["moved", "unverified"] as const) {
      if (showsHeld === check || episodesHeld === check) return check;
    }
    return "held";
  }

  #ctx(section: PlexSection) {
    return {
      server: this.client.name,
      library: section.title ?? section.key,
      ...(section.agent !== undefined ? { sectionAgent: section.agent } : {}),
    };
  }

  async detailMedia(ratingKeys: string[]): Promise<Map<string, PlexMediaFacts[]>> {
    const out = new Map<string, PlexMediaFacts[]>();
    for (const raw of await this.client.details(ratingKeys)) {
      out.set(
        raw.ratingKey,
        raw.Media.map(mediaFacts).filter((m): m is PlexMediaFacts => m !== undefined),
      );
    }
    return out;
  }
}

/**
 * Listing media repeat a few combinations (resolution, codecs, channels) across a library, yet
 * were half of a big library's memory: one object per item and version plus its file path. Items
 * whose media match an earlier item's share its (frozen) list. A file name matters only for the
 * 3D and HDR10+ hints, so media whose names carry no hint are shared without them, and media
 * with stream facts or a hint keep their own.
 */
export class MediaPool {
  #shared = new Map<string, PlexMediaFacts[]>();
  /** The list shared last: neighbours (a show's episodes) mostly have the same media. */
  #last: PlexMediaFacts[] | undefined;

  share<T extends PlexItem>(item: T): T {
    for (const m of item.media) {
      if (m.streams !== undefined || fileHint(m.files)) return item;
    }
    if (this.#last !== undefined && sameListingFacts(this.#last, item.media)) {
      item.media = this.#last;
      return item;
    }
    let key = "";
    for (const m of item.media) {
      key += `${m.videoResolution}|${m.width}|${m.height}|${m.videoCodec}|${m.audioCodec}|` +
        `${m.audioProfile}|${m.audioChannels};`;
    }
    let media = this.#shared.get(key);
    if (media === undefined) {
      media = item.media.map((m) => Object.freeze({ ...m, files: NO_FILES }));
      // Frozen: an accidental write to one item's media would change every item sharing it.
      Object.freeze(media);
      this.#shared.set(key, media);
    }
    // The key is cheap but not exact (an absent value and the text "undefined" look alike).
    if (!sameListingFacts(media, item.media)) return item;
    item.media = media;
    this.#last = media;
    return item;
  }
}

function sameListingFacts(a: PlexMediaFacts[], b: PlexMediaFacts[]): boolean {
  return a.length === b.length && a.every((x, i) => {
    const y = b[i]!;
    return x.videoResolution === y.videoResolution && x.width === y.width &&
      x.height === y.height && x.videoCodec === y.videoCodec && x.audioCodec === y.audioCodec &&
      x.audioProfile === y.audioProfile && x.audioChannels === y.audioChannels;
  });
}

const NO_FILES: string[] = Object.freeze([]) as unknown as string[];
