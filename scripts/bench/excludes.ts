/**
 * `deno run -R scripts/bench/excludes.ts [DIR]`: how much of each captured real Plex listing
 * (../shared/fixtures/plex-real by default) the listing excludes of lib/plex/client.ts take off,
 * as a server that honours them would send it. Prints one line per listing and the total.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { LISTING_EXCLUDED_ELEMENTS, LISTING_EXCLUDED_FIELDS } from "../../lib/plex/client.ts";

const DIR = Deno.args[0] ??
  fileURLToPath(new URL("../../../shared/fixtures/plex-real/", import.meta.url));
const EXCLUDED = [...LISTING_EXCLUDED_FIELDS, ...LISTING_EXCLUDED_ELEMENTS];
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

let before = 0;
let after = 0;
const names = [...Deno.readDirSync(DIR)].filter((e) => e.isFile && e.name.endsWith(".json"))
  .map((e) => e.name).sort();
for (const name of names) {
  const json = JSON.parse(Deno.readTextFileSync(join(DIR, name)));
  const items: unknown = json?.MediaContainer?.Metadata;
  // Listings only: detail answers are never slimmed, and other bodies have no items.
  if (!Array.isArray(items) || items.length < 2 || /^metadata_|_metadata_/.test(name)) continue;
  const full = bytes(json);
  for (const item of items) for (const k of EXCLUDED) delete item[k];
  const slim = bytes(json);
  before += full;
  after += slim;
  const less = Math.round(100 * (1 - slim / full));
  console.log(`${name.padEnd(40)} ${String(items.length).padStart(4)} items  ${less}% less`);
}
if (before === 0) {
  console.log(`no listings in ${DIR}`);
} else {
  console.log(
    `all listings: ${before} → ${after} bytes, ${Math.round(100 * (1 - after / before))}% less`,
  );
}
