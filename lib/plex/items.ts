/**
 * Parsed Plex listing items → domain items (`PlexMovie`, `PlexEpisode`). Pure: the caller
 * lists shows first, builds a `ratingKey → ShowInfo` map with `toShowIds`, and passes each
 * episode its show's entry (plex-api.md §7.3: episodes carry no show ids of their own).
 */
import {
  type ExternalIds,
  mergeIds,
  type PlexEpisode,
  type PlexMediaFacts,
  type PlexMovie,
  type SkipReason,
} from "../model.ts";
import { type GuidParse, hasNoIds, idsFromGuidList, parseGuid } from "./guid.ts";
import { mediaFacts } from "./media.ts";
import type { PlexMetadata } from "./models.ts";

/** Where an item was read from. `sectionAgent` is the section's `agent` (plex-api.md §4). */
export interface ItemContext {
  server: string;
  library: string;
  sectionAgent?: string;
}

/** A show reduced to what its episodes need. */
export interface ShowInfo {
  ratingKey: string;
  title: string;
  year?: number;
  ids: ExternalIds;
  /** Set when `ids` is empty: why (every episode of the show inherits it). */
  skip?: SkipReason;
}

/** Bounds past which a season or episode number is a data error, not a real episode. */
const MAX_SEASON = 3000;
const MAX_EPISODE = 50000;

/** `com.plexapp.agents.none` and `tv.plex.agents.none`: home videos, never on Trakt. */
function isNoneAgent(agent: string | undefined): boolean {
  if (agent === undefined) return false;
  // Asked for every item of a section, always with that section's agent.
  if (agent !== lastAgent.agent) {
    lastAgent = { agent, none: /(^|\.)agents\.none$/i.test(agent.trim()) };
  }
  return lastAgent.none;
}

let lastAgent = { agent: "", none: false };

/**
 * Ids of an item from its `Guid[]` (new agents) and its `guid` string (legacy agents), the
 * list winning per key. Without any id, the reason comes from the guid (e.g. `local://`).
 */
function resolveIds(
  raw: Pick<PlexMetadata, "guid" | "Guid">,
): { ids: ExternalIds; parse: GuidParse; skip?: SkipReason } {
  const parse = parseGuid(raw.guid ?? "");
  const fromList = idsFromGuidList(raw.Guid);
  const ids = parse.kind === "ids" ? mergeIds(fromList, parse.ids) : fromList;
  if (!hasNoIds(ids)) return { ids, parse };
  return { ids, parse, skip: parse.kind === "skip" ? parse.reason : "no external id" };
}

/** Versions without optimized copies. */
function mediaOf(raw: PlexMetadata): PlexMediaFacts[] {
  return raw.Media.map(mediaFacts).filter((m): m is PlexMediaFacts => m !== undefined);
}

/**
 * `addedAt` is the collected_at candidate; when a server omits it, `updatedAt` is the next
 * best; 0 means "unknown" and tells the Trakt writer to leave `collected_at` out.
 */
function addedAtOf(raw: PlexMetadata): number {
  return raw.addedAt ?? raw.updatedAt ?? 0;
}

export function toMovie(raw: PlexMetadata, ctx: ItemContext): PlexMovie {
  const movie: PlexMovie = {
    kind: "movie",
    server: ctx.server,
    library: ctx.library,
    ratingKey: raw.ratingKey,
    addedAt: addedAtOf(raw),
    media: mediaOf(raw),
    title: raw.title ?? "",
    ids: {},
  };
  if (raw.year !== undefined) movie.year = raw.year;
  if (raw.editionTitle !== undefined && raw.editionTitle !== "") {
    movie.editionTitle = raw.editionTitle;
  }
  if (isNoneAgent(ctx.sectionAgent)) {
    movie.skip = "personal media (no agent)";
    return movie;
  }
  const { ids, skip } = resolveIds(raw);
  movie.ids = ids;
  if (skip !== undefined) movie.skip = skip;
  return movie;
}

/** A show of a `type=2` listing, for the episode join. */
export function toShowIds(raw: PlexMetadata, ctx?: { sectionAgent?: string }): ShowInfo {
  const show: ShowInfo = { ratingKey: raw.ratingKey, title: raw.title ?? "", ids: {} };
  if (raw.year !== undefined) show.year = raw.year;
  if (isNoneAgent(ctx?.sectionAgent)) {
    show.skip = "personal media (no agent)";
    return show;
  }
  const { ids, skip } = resolveIds(raw);
  show.ids = ids;
  if (skip !== undefined) show.skip = skip;
  return show;
}

function isPlausible(n: number, max: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= max;
}

/**
 * An episode of a `type=4` listing. Show ids come from `show` (the caller's join on
 * `grandparentRatingKey`); legacy servers also put the show id and the numbers in the episode
 * guid (`thetvdb://<show>/<s>/<e>`) and the show guid in `grandparentGuid`, used as fallbacks.
 * The skip reason, when there is one, names the root cause first: a show without ids, then
 * missing or implausible numbers.
 */
export function toEpisode(
  raw: PlexMetadata,
  show: ShowInfo | undefined,
  ctx: ItemContext,
): PlexEpisode {
  const episodeGuid = parseGuid(raw.guid ?? "");
  const showGuid = raw.grandparentGuid === undefined ? undefined : parseGuid(raw.grandparentGuid);
  const episode: PlexEpisode = {
    kind: "episode",
    server: ctx.server,
    library: ctx.library,
    ratingKey: raw.ratingKey,
    addedAt: addedAtOf(raw),
    media: mediaOf(raw),
    showTitle: show?.title ?? raw.grandparentTitle ?? "",
    showRatingKey: raw.grandparentRatingKey ?? show?.ratingKey ?? "",
    showIds: {},
    // A legacy episode guid names the show, not the episode: only Guid[] holds episode ids.
    ids: idsFromGuidList(raw.Guid),
  };
  if (show?.year !== undefined) episode.showYear = show.year;
  const season = raw.parentIndex ?? (episodeGuid.kind === "ids" ? episodeGuid.season : undefined);
  const number = raw.index ?? (episodeGuid.kind === "ids" ? episodeGuid.episode : undefined);
  if (season !== undefined) episode.season = season;
  if (number !== undefined) episode.number = number;

  if (isNoneAgent(ctx.sectionAgent)) {
    episode.skip = "personal media (no agent)";
    return episode;
  }
  const fromEpisodeGuid = episodeGuid.kind === "ids" ? episodeGuid.ids : {};
  const fromShowGuid = showGuid?.kind === "ids" ? showGuid.ids : {};
  // Usually the show's own ids: share its object rather than copy it into every episode.
  episode.showIds = show && episodeGuid.kind !== "ids" && showGuid?.kind !== "ids"
    ? show.ids
    : mergeIds(mergeIds(show?.ids ?? {}, fromEpisodeGuid), fromShowGuid);

  if (hasNoIds(episode.showIds)) {
    episode.skip = show?.skip ?? reasonOf(showGuid) ?? reasonOf(episodeGuid) ?? "no external id";
  } else if (season === undefined || number === undefined) {
    episode.skip = "no season or episode number";
  } else if (!isPlausible(season, MAX_SEASON) || !isPlausible(number, MAX_EPISODE)) {
    episode.skip = "implausible season or episode number";
  }
  return episode;
}

function reasonOf(parse: GuidParse | undefined): SkipReason | undefined {
  return parse?.kind === "skip" ? parse.reason : undefined;
}
