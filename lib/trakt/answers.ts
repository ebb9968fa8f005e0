/**
 * The small Trakt answers a sync reads (last activities, account settings, write results, a
 * renewed login),
 * checked by hand against the rules of their zod schemas in models.ts, so that a sync never
 * loads zod (about 7 MiB of memory). Each gives the answer itself when every field its schema
 * declares is absent or already of its declared type (the schemas are loose objects that keep
 * unknown keys, so zod's answer is then equal to it), and undefined otherwise: zod then
 * decides and names the problem. A differential test holds them to zod's answers.
 */
import type { LastActivities, Settings, SyncResponse, TokenResponse } from "./models.ts";

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function nullish(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

/** `z.string().nullish()` */
function nullishStr(v: unknown): boolean {
  return nullish(v) || typeof v === "string";
}

/** `z.looseObject({ collected_at: z.string().nullish() }).nullish()` */
function stamps(v: unknown): boolean {
  return nullish(v) || (isRecord(v) && nullishStr(v.collected_at));
}

export function readLastActivities(data: unknown): LastActivities | undefined {
  if (!isRecord(data) || !nullishStr(data.all)) return;
  if (!stamps(data.movies) || !stamps(data.episodes)) return;
  return data as LastActivities;
}

export function readSettings(data: unknown): Settings | undefined {
  if (!isRecord(data)) return;
  const user = data.user;
  if (!isRecord(user) || typeof user.username !== "string") return;
  if (!nullish(user.vip) && typeof user.vip !== "boolean") return;
  if (!nullish(user.ids) && !(isRecord(user.ids) && nullishStr(user.ids.slug))) return;
  return data as Settings;
}

/** `Counts`: `z.looseObject({ movies: z.number().optional(), … }).nullish()` */
function counts(v: unknown): boolean {
  if (nullish(v)) return true;
  if (!isRecord(v)) return false;
  return (v.movies === undefined || typeof v.movies === "number") &&
    (v.episodes === undefined || typeof v.episodes === "number");
}

const NOT_FOUND_KINDS = ["movies", "shows", "seasons", "episodes"] as const;

export function readSyncResponse(data: unknown): SyncResponse | undefined {
  if (!isRecord(data)) return;
  if (![data.added, data.updated, data.existing, data.deleted].every(counts)) return;
  const nf = data.not_found;
  if (!nullish(nf)) {
    if (!isRecord(nf)) return;
    for (const k of NOT_FOUND_KINDS) if (!nullish(nf[k]) && !Array.isArray(nf[k])) return;
  }
  return data as SyncResponse;
}

function nonEmpty(v: unknown): boolean {
  return typeof v === "string" && v.length > 0;
}

/** A token answer; its `scope`, when absent, defaults to `public` as the schema's does. */
export function readTokenResponse(data: unknown): TokenResponse | undefined {
  if (!isRecord(data) || !nonEmpty(data.access_token) || !nonEmpty(data.refresh_token)) return;
  if (typeof data.expires_in !== "number" || typeof data.created_at !== "number") return;
  if (data.token_type !== undefined && typeof data.token_type !== "string") return;
  if (data.scope === undefined) return { ...data, scope: "public" } as TokenResponse;
  return typeof data.scope === "string" ? data as TokenResponse : undefined;
}
