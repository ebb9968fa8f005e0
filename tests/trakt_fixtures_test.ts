/**
 * Conformance: every recorded Trakt collection answer in /work/shared/fixtures/trakt-real/ must
 * read the way the client reads a page (the hand reader, zod behind it) and index into the ids
 * that are really in it. Skips, saying why, where the shared folder is absent (a clone outside
 * the workspace).
 */
import assert from "node:assert/strict";
import type { HttpResponse } from "../lib/http/client.ts";
import { parseTraktJson } from "../lib/trakt/http.ts";
import { readLeanMovieRows, readLeanShowRows } from "../lib/trakt/lean_rows.ts";
import { LeanMovieRow, LeanShowRow } from "../lib/trakt/models.ts";
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

function answer(name: string): HttpResponse {
  const text = Deno.readTextFileSync(new URL(name, DIR));
  return { status: 200, headers: new Headers({ "content-type": "application/json" }), text };
}

function readMovies(name: string): LeanMovieRow[] {
  const res = answer(name);
  // Zod would still accept what the hand reader refuses, only slower: real answers must not need
  // it.
  assert.notEqual(readLeanMovieRows(JSON.parse(res.text)), undefined, `${name}: hand reader`);
  return parseTraktJson(res, LeanMovieRow.array(), name, readLeanMovieRows);
}

function readShows(name: string): LeanShowRow[] {
  const res = answer(name);
  assert.notEqual(readLeanShowRows(JSON.parse(res.text)), undefined, `${name}: hand reader`);
  return parseTraktJson(res, LeanShowRow.array(), name, readLeanShowRows);
}

Deno.test({
  name: "trakt fixtures: every recorded collection answer reads by hand and indexes its ids",
  ignore: !present,
  fn() {
    const files = [...Deno.readDirSync(DIR)].filter((f) => f.name.endsWith(".json"));
    assert.ok(files.length >= 2, "expected the movie and show captures");
    for (const f of files) {
      const json = JSON.parse(answer(f.name).text);
      assert.ok(Array.isArray(json), `${f.name} is an array`);
      const isShows = json.some((r: Record<string, unknown>) => "show" in r);
      const rows = isShows ? readShows(f.name) : readMovies(f.name);
      assert.equal(rows.length, json.length, f.name);
      const zod = (isShows ? LeanShowRow : LeanMovieRow).array().parse(json);
      assert.deepEqual(rows, zod, `${f.name}: the hand reader and zod agree`);
    }
    const index = buildTraktIndex(
      readMovies("classic_collection_movies.json"),
      readShows("classic_collection_shows.json"),
    );
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
