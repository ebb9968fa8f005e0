/**
 * PMS's loose value types read the way models.ts's zod schemas read them (`Num`, `Flag`, `Key`,
 * `opt`, `softList`), for the hand-written readers of the hot path (metadata.ts, envelope.ts):
 * a numeric string becomes a number, an ill-typed optional field `undefined`, a broken nested
 * list `[]`. They work in place on freshly parsed JSON.
 */
export type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** JSON number or numeric string (`Num` of models.ts). */
export function num(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return NUMERIC.test(t) ? Number(t) : undefined;
}

/** `true/false`, `0/1`, `"0"/"1"`, `"true"/"false"` (`Flag` of models.ts). */
export function flag(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === 1 || v === "1" || v === "true") return true;
  if (v === 0 || v === "0" || v === "false") return false;
  return undefined;
}

/** A non-empty string or a number, as a string (`Key` of models.ts). */
export function key(v: unknown): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  return typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export type Read = (v: unknown) => unknown;

/** Rewrites the fields of `o` that do not read as they are; absent ones stay absent. */
export function fix(o: Json, fields: [string, Read][]): void {
  // Indexed, without destructuring: this runs for every field of every item of a listing.
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const v = o[field[0]];
    if (v === undefined) continue;
    const r = field[1](v);
    if (r !== v) o[field[0]] = r;
  }
}

/**
 * A nested list, fixed entry by entry: absent, null or ill-typed reads as empty, and so does
 * the whole list when one entry is broken (not an object, or `fixEntry` says false).
 */
export function fixList(o: Json, k: string, fixEntry: (entry: Json) => boolean): void {
  const v = o[k];
  if (!Array.isArray(v)) {
    o[k] = [];
    return;
  }
  for (let i = 0; i < v.length; i++) {
    const entry: unknown = v[i];
    if (!isRecord(entry) || !fixEntry(entry)) {
      o[k] = [];
      return;
    }
  }
}
