/**
 * `deno run -R scripts/bench/excludes.ts [DIR]`: how much of each captured real Plex listing and
 * detail answer (../shared/fixtures/plex-real by default) the excludes of lib/plex/query.ts take
 * off, as a server that honours them would send it. Prints one line per capture and the totals.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { EXCLUDED_ELEMENTS, EXCLUDED_FIELDS } from "../../lib/plex/query.ts";

const DIR = Deno.args[0] ??
  fileURLToPath(new URL("../../../shared/fixtures/plex-real/", import.meta.url));
const EXCLUDED = [...EXCLUDED_FIELDS, ...EXCLUDED_ELEMENTS];
const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

const totals = { listings: { before: 0, after: 0 }, details: { before: 0, after: 0 } };
const names = [...Deno.readDirSync(DIR)].filter((e) => e.isFile && e.name.endsWith(".json"))
  .map((e) => e.name).sort();
for (const name of names) {
  const json = JSON.parse(Deno.readTextFileSync(join(DIR, name)));
  const items: unknown = json?.MediaContainer?.Metadata;
  if (!Array.isArray(items) || items.length === 0) continue;
  // The captures of `/library/metadata/N` are named so; other bodies with items are listings.
  const kind = /^metadata_|_metadata_/.test(name) ? "details" : "listings";
  // The sync asks for the details of movies and episodes only, never of a show.
  if (kind === "details" && !items.every((i) => i?.type === "movie" || i?.type === "episode")) {
    console.log(`${name.padEnd(40)} skipped: the sync never asks for these details`);
    continue;
  }
  const full = bytes(json);
  for (const item of items) for (const k of EXCLUDED) delete item[k];
  const slim = bytes(json);
  totals[kind].before += full;
  totals[kind].after += slim;
  const less = Math.round(100 * (1 - slim / full));
  console.log(
    `${name.padEnd(40)} ${kind.padEnd(8)} ${String(items.length).padStart(4)} items  ${less}% less`,
  );
}
for (const [kind, t] of Object.entries(totals)) {
  console.log(
    t.before === 0
      ? `no ${kind} in ${DIR}`
      : `all ${kind}: ${t.before} → ${t.after} bytes, ${
        Math.round(100 * (1 - t.after / t.before))
      }% less`,
  );
}
