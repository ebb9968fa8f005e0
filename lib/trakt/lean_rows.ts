/**
 * The collection pages as the sync reads them, checked by hand: the rules of `LeanMovieRow` and
 * `LeanShowRow` (models.ts) written out, because zod walking 100,000 collected episodes was a
 * tenth of a no-op sync's own time and much of its garbage. Anything the hand check does not
 * accept gives `undefined`, and the caller asks zod, which then says what is wrong (or accepts
 * what this stricter reader refused). A differential test holds both to the same answers.
 */
import { isPhysical } from "./media_type.ts";
import type { LeanIds, LeanMovieRow, LeanShowRow } from "./models.ts";

type LeanMedia = NonNullable<LeanMovieRow["movie"]>;
type LeanSeason = NonNullable<LeanShowRow["seasons"]>[number];
type LeanEpisode = NonNullable<LeanSeason["episodes"]>[number];

/** Thrown inside this module only, caught at its entry points. */
const INVALID = Symbol("invalid");

function invalid(): never {
  throw INVALID;
}

function record(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) invalid();
  return v as Record<string, unknown>;
}

function int(v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) invalid();
  return v;
}

function nullishInt(v: unknown): number | null | undefined {
  return v === undefined || v === null ? v : int(v);
}

function nullishStr(v: unknown): string | null | undefined {
  if (v === undefined || v === null || typeof v === "string") return v;
  return invalid();
}

function ids(v: unknown): LeanIds | null | undefined {
  if (v === undefined || v === null) return v;
  const o = record(v);
  const out: LeanIds = {};
  const trakt = nullishInt(o.trakt);
  const imdb = nullishStr(o.imdb);
  const tmdb = nullishInt(o.tmdb);
  const tvdb = nullishInt(o.tvdb);
  if (trakt !== undefined) out.trakt = trakt;
  if (imdb !== undefined) out.imdb = imdb;
  if (tmdb !== undefined) out.tmdb = tmdb;
  if (tvdb !== undefined) out.tvdb = tvdb;
  return out;
}

function media(v: unknown): LeanMedia | null | undefined {
  if (v === undefined || v === null) return v;
  const o = record(v);
  const out: LeanMedia = {};
  const title = nullishStr(o.title);
  const year = nullishInt(o.year);
  const i = ids(o.ids);
  if (title !== undefined) out.title = title;
  if (year !== undefined) out.year = year;
  if (i !== undefined) out.ids = i;
  return out;
}

function list(v: unknown): unknown[] {
  if (!Array.isArray(v)) invalid();
  return v;
}

function episodes(v: unknown): LeanEpisode[] | null | undefined {
  if (v === undefined || v === null) return v;
  const raw = list(v);
  const out: LeanEpisode[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const o = record(raw[i]);
    const ep: LeanEpisode = { number: int(o.number) };
    if (isPhysical(o.metadata)) ep.physical = true;
    out[i] = ep;
  }
  return out;
}

function seasons(v: unknown): LeanSeason[] | null | undefined {
  if (v === undefined || v === null) return v;
  const raw = list(v);
  const out: LeanSeason[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const o = record(raw[i]);
    const season: LeanSeason = { number: int(o.number) };
    const eps = episodes(o.episodes);
    if (eps !== undefined) season.episodes = eps;
    out[i] = season;
  }
  return out;
}

function rows<T>(data: unknown, read: (row: Record<string, unknown>) => T): T[] | undefined {
  try {
    const raw = list(data);
    const out: T[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = read(record(raw[i]));
    return out;
  } catch (err) {
    if (err === INVALID) return undefined;
    throw err;
  }
}

/** A page of `/sync/collection/movies` as `LeanMovieRow[]`, or undefined: ask zod. */
export function readLeanMovieRows(data: unknown): LeanMovieRow[] | undefined {
  return rows(data, (o) => {
    const row: LeanMovieRow = {};
    const movie = media(o.movie);
    if (movie !== undefined) row.movie = movie;
    if (isPhysical(o.metadata)) row.physical = true;
    return row;
  });
}

/** A page of `/sync/collection/shows` as `LeanShowRow[]`, or undefined: ask zod. */
export function readLeanShowRows(data: unknown): LeanShowRow[] | undefined {
  return rows(data, (o) => {
    const row: LeanShowRow = {};
    const show = media(o.show);
    const s = seasons(o.seasons);
    if (show !== undefined) row.show = show;
    if (s !== undefined) row.seasons = s;
    return row;
  });
}
