/** Trakt's `metadata.media_type` of a collected item, as far as the sync needs it (no zod here). */

/** The media types trakt-api.md §6.5 lists for physical media (README, for the user). */
export const PHYSICAL_MEDIA: readonly string[] = [
  "bluray",
  "hddvd",
  "dvd",
  "vcd",
  "vhs",
  "betamax",
  "laserdisc",
];

/**
 * Whether a row was collected as anything but a file: its `metadata.media_type` is a string
 * other than `digital` (what complexionist sends). A disc the user added by hand, or a medium
 * Trakt names later or spells otherwise (`Blu-ray`), is theirs, not a file Plex would have:
 * removals leave it alone. Missing, `null` or odd metadata is no reason to fail the page, and
 * marks nothing (the row stays a file, as complexionist and most tools send it).
 */
export function isPhysical(metadata: unknown): boolean {
  if (typeof metadata !== "object" || metadata === null) return false;
  const type = (metadata as { media_type?: unknown }).media_type;
  return typeof type === "string" && type !== "digital";
}
