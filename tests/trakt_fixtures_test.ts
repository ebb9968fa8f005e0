/**
 * Conformance: every recorded Trakt collection answer in /work/shared/fixtures/trakt-real/ must
 * parse with the client's schemas and index into the ids that are really in it. Skips, saying
 * why, where the shared folder is absent (a clone outside the workspace).
 */
import assert from "node:assert/strict";
import { CollectedMovieRow, CollectedShowRow } from "../lib/trakt/models.ts";
import { buildTraktIndex, episodeCode } from "../lib/sync/trakt_index.ts";

const DIR = new URL("../../shared/fixtures/trakt-real/", import.meta.url);

function exists(url: URL): boolean {
  try {
    return Deno.statSync(url).isDirectory;
  } catch {
    return false;
  }
}

const present = exists(DIR);
if (!present) console.log(`trakt fixtures: ${DIR.pathname} is absent; conformance test skipped`);

Deno.test({
  name: "trakt fixtures: every recorded collection answer parses and indexes its ids",
  ignore: !present,
  fn() {
    const files = [...Deno.readDirSync(DIR)].filter((f) => f.name.endsWith(".json"));
    assert.ok(files.length >= 2, "expected the movie and show captures");
    for (const f of files) {
      const json = JSON.parse(Deno.readTextFileSync(new URL(f.name, DIR)));
      assert.ok(Array.isArray(json), `${f.name} is an array`);
      const isShows = json.some((r: Record<string, unknown>) => "show" in r);
      const schema = isShows ? CollectedShowRow : CollectedMovieRow;
      const rows = schema.array().parse(json);
      assert.equal(rows.length, json.length, f.name);
    }
    const movies = CollectedMovieRow.array().parse(
      JSON.parse(Deno.readTextFileSync(new URL("classic_collection_movies.json", DIR))),
    );
    const shows = CollectedShowRow.array().parse(
      JSON.parse(Deno.readTextFileSync(new URL("classic_collection_shows.json", DIR))),
    );
    const index = buildTraktIndex(movies, shows);
    assert.deepEqual(index.counts, { movies: 2, shows: 4, episodes: 12 });
    assert.ok(index.movies.has("imdb:tt1104001") && index.movies.has("tmdb:20526")); // TRON: Legacy
    // Parks and Recreation by any of its ids, season 6 episodes 1–3.
    const parks = index.shows.get("tvdb:84912");
    assert.notEqual(parks, undefined);
    assert.equal(index.shows.get("imdb:tt1266020"), parks);
    assert.equal(index.shows.get("tmdb:8592"), parks);
    assert.ok(index.episodes[parks!]!.has(episodeCode(6, 1)));
    assert.ok(!index.episodes[parks!]!.has(episodeCode(6, 4)));
    assert.deepEqual(index.warnings, []);
  },
});
