/** Trakt's `metadata.media_type` of a collected item, as far as the sync needs it (no zod here). */

/**
 * Trakt's physical media types (trakt-api.md §6.5): a row collected as one is a disc the user
 * owns, never a file on Plex. complexionist itself sends `digital`.
 */
export const PHYSICAL_MEDIA: ReadonlySet<string> = new Set([
  "bluray",
  "hddvd",
  "dvd",
  "vcd",
  "vhs",
  "betamax",
  "laserdisc",
]);

/**
 * Whether a row's `metadata` names a physical medium. Any other metadata (missing, `null`,
 * `digital`, a value Trakt may add, a shape it should not send) is not a reason to fail the
 * page: the row simply is not marked.
 */
export function isPhysical(metadata: unknown): boolean {
  if (typeof metadata !== "object" || metadata === null) return false;
  const type = (metadata as { media_type?: unknown }).media_type;
  return typeof type === "string" && type !== "digital" && PHYSICAL_MEDIA.has(type);
}
