/**
 * Zod schemas of the Trakt answers we read. Lenient on purpose: extra keys pass, ids may be
 * null, and both the classic and the 2026 collection shapes parse (trakt-api.md §6).
 */
import { z } from "zod";
import { isPhysical } from "./media_type.ts";

const nullableInt = z.number().int().nullish();
const nullableStr = z.string().nullish();

export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number(),
  created_at: z.number(),
  scope: z.string().optional().default("public"),
  token_type: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

export const DeviceCode = z.looseObject({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_url: z.string().min(1),
  expires_in: z.number().positive(),
  interval: z.number().nonnegative(),
});
export type DeviceCode = z.infer<typeof DeviceCode>;

export const Settings = z.looseObject({
  user: z.looseObject({
    username: z.string(),
    vip: z.boolean().nullish(),
    ids: z.looseObject({ slug: nullableStr }).nullish(),
  }),
});
export type Settings = z.infer<typeof Settings>;

export const LastActivities = z.looseObject({
  all: nullableStr,
  movies: z.looseObject({ collected_at: nullableStr }).nullish(),
  episodes: z.looseObject({ collected_at: nullableStr }).nullish(),
});
export type LastActivities = z.infer<typeof LastActivities>;

/**
 * Collection rows keep only the fields the diff needs, and drop the rest (timestamps, slugs,
 * metadata but for a physical medium's mark): a 100,000-episode collection otherwise holds every
 * episode's metadata while it is read. lean_rows.ts writes these rules out by hand for speed: a
 * change here belongs there too (lean_rows_test.ts catches a mismatch).
 */
const LeanIds = z.object({
  trakt: nullableInt,
  imdb: nullableStr,
  tmdb: nullableInt,
  tvdb: nullableInt,
});
export type LeanIds = z.infer<typeof LeanIds>;
const LeanMedia = z.object({ title: nullableStr, year: nullableInt, ids: LeanIds.nullish() });
type LeanMedia = z.infer<typeof LeanMedia>;

/** Of a row's metadata only this mark is kept (set only when true): never the strings. */
const marked = <T extends { metadata?: unknown }>(
  { metadata, ...rest }: T,
): Omit<T, "metadata"> & { physical?: true } =>
  isPhysical(metadata) ? { ...rest, physical: true as const } : rest;

export const LeanMovieRow = z.object({
  movie: LeanMedia.nullish(),
  metadata: z.unknown().optional(),
})
  .transform((row): { movie?: LeanMedia | null; physical?: true } => marked(row));
export type LeanMovieRow = z.infer<typeof LeanMovieRow>;
const LeanEpisode = z.object({ number: z.number().int(), metadata: z.unknown().optional() })
  .transform((ep): { number: number; physical?: true } => marked(ep));
export const LeanShowRow = z.object({
  show: LeanMedia.nullish(),
  seasons: z.array(
    z.object({
      number: z.number().int(),
      episodes: z.array(LeanEpisode).nullish(),
    }),
  ).nullish(),
});
export type LeanShowRow = z.infer<typeof LeanShowRow>;

const Counts = z.looseObject({ movies: z.number().optional(), episodes: z.number().optional() });

export const SyncResponse = z.looseObject({
  added: Counts.nullish(),
  updated: Counts.nullish(),
  existing: Counts.nullish(),
  deleted: Counts.nullish(),
  not_found: z.looseObject({
    movies: z.array(z.unknown()).nullish(),
    shows: z.array(z.unknown()).nullish(),
    seasons: z.array(z.unknown()).nullish(),
    episodes: z.array(z.unknown()).nullish(),
  }).nullish(),
});
export type SyncResponse = z.infer<typeof SyncResponse>;
