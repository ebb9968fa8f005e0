/**
 * What complexionist asks Plex for on every listing page and detail request: page size, detail
 * batch and the fields to leave out. A module of plain values, no imports, so that the bench's
 * I/O floor (scripts/bench/floor.ts) can ask for the same pages while staying a plain script.
 */

/**
 * Items per listing page. Plex clients use 100; bigger pages cost fewer round trips (on a distant
 * server, a round trip each), but a parsed page is what is alive when the young generation is
 * collected, so its size is what gets promoted to the old one: with the capped young generation
 * (lib/v8_flags.ts), 500 peaked 30–50 MiB higher than 200 at 110,000 items (README, Performance).
 */
export const PLEX_PAGE_SIZE = 200;
/** Rating keys per `/library/metadata/a,b,c` detail request. */
export const DETAIL_BATCH = 50;

/**
 * Item fields and child elements the sync never reads, which Plex is asked to leave out of
 * listings and detail answers alike (plex-api.md §5.1 documents them for listings; whether PMS
 * honours them on details is not known: "requests, not guarantees", and the reader ignores them
 * when they come anyway). They are two thirds of the captured real listings' bytes and three
 * fifths of the movie and episode details' (scripts/bench/excludes.ts; in a movie's details
 * mostly the cast): bytes Plex need not write and send, and we need not parse and hold. No name of any key the schemas
 * of models.ts declare, at any level (a unit test holds this), so it does not matter whether
 * Plex also applies them to Media, Part and Stream entries, where the streams are.
 */
export const EXCLUDED_FIELDS = [
  "summary",
  "tagline",
  "thumb",
  "art",
  "banner",
  "theme",
  "parentThumb",
  "parentArt",
  "parentTheme",
  "grandparentThumb",
  "grandparentArt",
  "grandparentTheme",
  "slug",
  "parentSlug",
  "grandparentSlug",
  "parentKey",
  "grandparentKey",
  "parentGuid",
  "parentTitle",
  "titleSort",
  "originalTitle",
  "studio",
  "contentRating",
  "rating",
  "audienceRating",
  "audienceRatingImage",
  "ratingImage",
  "originallyAvailableAt",
  "chapterSource",
  "primaryExtraKey",
  "viewOffset",
  "viewCount",
  "lastViewedAt",
  "skipCount",
  "lastRatedAt",
  "userRating",
] as const;
export const EXCLUDED_ELEMENTS = [
  "Image",
  "UltraBlurColors",
  "Genre",
  "Country",
  "Collection",
  "Director",
  "Writer",
  "Producer",
  "Role",
  "Label",
  "Rating",
  "Similar",
] as const;
/** The query parameters that ask for it, as sent with every listing page and detail request. */
export const EXCLUDES_QUERY = `&excludeFields=${EXCLUDED_FIELDS.join(",")}` +
  `&excludeElements=${EXCLUDED_ELEMENTS.join(",")}`;
