/**
 * Conformance: every real PMS capture in /work/shared/fixtures/plex-real/ must parse, convert to
 * domain items, and yield the ids that are really in it. Decides the schema by content, so a new
 * capture dropped in the folder is checked too (generic checks) without editing this file.
 */
import assert from "node:assert/strict";
import type { PlexEpisode, PlexItem, PlexMovie, TraktMetadata } from "../lib/model.ts";
import { type ShowInfo, toEpisode, toMovie, toShowIds } from "../lib/plex/items.ts";
import { bestMedia, traktMetadata } from "../lib/plex/media.ts";
import { EXCLUDED_ELEMENTS, EXCLUDED_FIELDS } from "../lib/plex/query.ts";
import { readListing, readSections } from "../lib/plex/envelope.ts";
import {
  parseIdentity,
  parseListing,
  parseSections,
  type PlexListing,
  type PlexSections,
  PlexShapeError,
} from "../lib/plex/models.ts";

const DIR = new URL("../../shared/fixtures/plex-real/", import.meta.url);

type Parsed =
  | { kind: "listing"; listing: PlexListing }
  | { kind: "sections"; sections: PlexSections }
  | { kind: "skipped"; reason: string };

interface Loaded {
  name: string;
  parsed: Parsed;
  items: PlexItem[];
  shows: ShowInfo[];
}

/** Picks the schema from the content: plex.tv bodies are not PMS `MediaContainer`s. */
function parseByContent(json: unknown): Parsed {
  if (Array.isArray(json)) return { kind: "skipped", reason: "plex.tv resources (bare array)" };
  const mc = (json as { MediaContainer?: Record<string, unknown> }).MediaContainer;
  if (mc === undefined) return { kind: "skipped", reason: "plex.tv body (no MediaContainer)" };
  // tv_seasons.json has both: a Metadata list and an "All episodes" Directory.
  if ("Directory" in mc && !("Metadata" in mc)) {
    return { kind: "sections", sections: parseSections(json) };
  }
  return { kind: "listing", listing: parseListing(json) };
}

const ALLOWED: Record<string, string[]> = {
  media_type: ["digital"],
  resolution: "uhd_4k hd_1080p hd_1080i hd_720p sd_480p sd_480i sd_576p sd_576i".split(" "),
  hdr: ["dolby_vision", "hdr10", "hdr10_plus", "hlg"],
  audio: ("dolby_digital dolby_digital_plus dolby_digital_plus_atmos dolby_truehd dolby_atmos " +
    "dolby_prologic dts dts_ma dts_hr dts_x auro_3d mp3 mp2 aac lpcm ogg ogg_opus wma flac")
    .split(" "),
  audio_channels: "1.0 2.0 2.1 3.0 3.1 4.0 4.1 5.0 5.1 5.1.2 5.1.4 6.1 7.1 7.1.2 7.1.4 9.1 10.1"
    .split(" "),
};

function assertAllowed(meta: TraktMetadata, label: string): void {
  for (const [k, v] of Object.entries(meta)) {
    if (k === "3d") assert.equal(v, true, label);
    else assert.ok(ALLOWED[k]?.includes(v as string), `${label}: ${k}=${String(v)}`);
  }
}

function meta(item: PlexItem): TraktMetadata | undefined {
  const best = bestMedia(item.media);
  const ed = item.kind === "movie" && item.editionTitle ? { editionTitle: item.editionTitle } : {};
  return best ? traktMetadata(best, ed) : undefined;
}

/**
 * A listing or detail answer as a server that honours the client's `excludeFields` and
 * `excludeElements` sends it.
 */
function withoutExcluded(json: unknown): unknown {
  const list = (json as { MediaContainer?: { Metadata?: unknown } })?.MediaContainer?.Metadata;
  if (!Array.isArray(list)) return json;
  for (const item of list) {
    if (typeof item !== "object" || item === null) continue;
    for (const k of [...EXCLUDED_FIELDS, ...EXCLUDED_ELEMENTS]) {
      delete (item as Record<string, unknown>)[k];
    }
  }
  return json;
}

async function loadAll(slim = false): Promise<Loaded[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(DIR)) {
    if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  }
  names.sort();
  const loaded: Loaded[] = names.map((name) => {
    const json: unknown = JSON.parse(Deno.readTextFileSync(new URL(name, DIR)));
    return {
      name,
      parsed: parseByContent(slim ? withoutExcluded(json) : json),
      items: [],
      shows: [],
    };
  });
  // Shows first, from every file, so episodes can be joined like the real sync does.
  const showMap = new Map<string, ShowInfo>();
  for (const f of loaded) {
    if (f.parsed.kind !== "listing") continue;
    for (const raw of f.parsed.listing.Metadata) {
      if (raw.type !== "show") continue;
      const show = toShowIds(raw);
      f.shows.push(show);
      showMap.set(show.ratingKey, show);
    }
  }
  for (const f of loaded) {
    if (f.parsed.kind !== "listing") continue;
    const ctx = { server: "fixture", library: f.parsed.listing.librarySectionTitle ?? f.name };
    for (const raw of f.parsed.listing.Metadata) {
      if (raw.type === "movie") f.items.push(toMovie(raw, ctx));
      if (raw.type === "episode") {
        const show = showMap.get(raw.grandparentRatingKey ?? "");
        f.items.push(toEpisode(raw, show, ctx));
      }
    }
  }
  return loaded;
}

function movies(f: Loaded): PlexMovie[] {
  return f.items.filter((i): i is PlexMovie => i.kind === "movie");
}
function episodes(f: Loaded): PlexEpisode[] {
  return f.items.filter((i): i is PlexEpisode => i.kind === "episode");
}
function byKey<T extends { ratingKey: string }>(xs: T[], key: string): T {
  const found = xs.find((x) => x.ratingKey === key);
  assert.ok(found, `ratingKey ${key} not found`);
  return found;
}

/** Expectations per capture, read off the files themselves. */
const EXPECT: Record<string, (f: Loaded) => void> = {
  "movie_library.json": (f) => {
    assert.deepEqual(movies(f).map((m) => m.ids.imdb), [
      "tt1254207",
      "tt0807840",
      "tt0165832",
      "tt1727587",
    ]);
    assert.deepEqual(meta(byKey(f.items, "55")), {
      media_type: "digital",
      resolution: "hd_720p",
      audio: "aac",
      audio_channels: "1.0",
    });
  },
  "lh_movies_341_with_guids.json": (f) => {
    const ms = movies(f);
    assert.equal(ms.length, 341);
    assert.equal(ms.filter((m) => m.ids.imdb && m.ids.tmdb && m.ids.tvdb && !m.skip).length, 341);
    const alien = byKey(ms, "41933");
    assert.deepEqual(alien.ids, { imdb: "tt2316204", tmdb: 126889, tvdb: 199 });
    assert.equal(alien.media.length, 2);
    assert.equal(meta(alien)?.resolution, "uhd_4k");
    assert.equal(meta(alien)?.audio, "dts_ma");
    assert.equal(meta(alien)?.audio_channels, "7.1");
    const indy = byKey(ms, "43904");
    assert.deepEqual(indy.media.map((m) => m.files.length), [1, 2]);
    assert.equal(meta(indy)?.resolution, "uhd_4k");
    // The unanalysed 4-part item: files known, nothing else.
    const careBears = byKey(ms, "54921");
    assert.equal(careBears.media[0]?.files.length, 4);
    assert.deepEqual(meta(careBears), { media_type: "digital" });
    assert.equal(meta(byKey(ms, "21430"))?.["3d"], true); // The Avengers …3D…Half-SBS
    assert.equal(meta(byKey(ms, "21010"))?.["3d"], true); // Beauty and the Beast …3D…Half-OU
    assert.equal(meta(byKey(ms, "5498"))?.["3d"], undefined); // "Jackass 3D" folder, 3-D title
    // No streams on a listing: no HDR claimed from listings.
    assert.equal(ms.filter((m) => meta(m)?.hdr !== undefined).length, 0);
  },
  "lh_movies_page_with_guids.json": (f) => {
    assert.equal(movies(f).length, 5);
    assert.deepEqual(byKey(f.items, "20936").ids, { imdb: "tt0443649", tmdb: 7840, tvdb: 1913 });
  },
  "lh_movies_page_without_guids.json": (f) => {
    assert.equal(movies(f).length, 10);
    assert.ok(movies(f).every((m) => m.skip === "no external id"));
  },
  "lh_concerts_none_agent.json": (f) => {
    assert.equal(movies(f).length, 7);
    assert.ok(movies(f).every((m) => m.skip === "personal media (no agent)"));
  },
  "lh_metadata_movie_dolby_vision_p8.json": (f) => {
    const m = byKey(f.items, "134703");
    assert.deepEqual(m.ids, { imdb: "tt1262426", tmdb: 402431, tvdb: 136493 });
    assert.deepEqual(meta(m), {
      media_type: "digital",
      resolution: "uhd_4k",
      hdr: "dolby_vision",
      audio: "dolby_digital_plus",
      audio_channels: "5.1",
    });
  },
  "metadata_159637.json": (f) => {
    const m = byKey(f.items, "159637");
    assert.deepEqual(m.ids, { imdb: "tt9114286", tmdb: 505642, tvdb: 31110 });
    assert.deepEqual(m.media.map((x) => x.files.length), [1, 2]);
    assert.deepEqual(meta(m), {
      media_type: "digital",
      resolution: "uhd_4k",
      hdr: "hdr10",
      audio: "dolby_digital_plus_atmos",
      audio_channels: "5.1",
    });
    const second = m.media[1];
    assert.ok(second);
    assert.deepEqual(traktMetadata(second), {
      media_type: "digital",
      resolution: "hd_720p",
      audio: "aac",
      audio_channels: "5.1",
    });
  },
  "metadata_108.json": (f) => {
    assert.deepEqual(byKey(f.items, "108").ids, { imdb: "tt0165832" });
  },
  "metadata_1036.json": (f) => {
    const m = byKey(f.items, "1036");
    assert.deepEqual(m.ids, { imdb: "tt0253556", tmdb: 6278, tvdb: 1709 });
    assert.deepEqual(meta(m), {
      media_type: "digital",
      resolution: "hd_1080p",
      audio: "aac",
      audio_channels: "2.0",
    });
  },
  "metadata_13194.json": (f) => {
    assert.deepEqual(byKey(f.items, "13194").ids, { imdb: "tt2294629", tmdb: 109445, tvdb: 89 });
  },
  "timeline_metadata_182_1.json": (f) => {
    const m = byKey(f.items, "182");
    assert.deepEqual(m.ids, { imdb: "tt0096895", tmdb: 268, tvdb: 1204 });
    assert.equal(meta(m)?.resolution, "sd_480p");
  },
  "tv_library.json": (f) => {
    assert.deepEqual(f.shows.map((s) => [s.ratingKey, s.ids]), [
      ["22", { tvdb: 268592 }],
      ["68", { tvdb: 121361 }],
    ]);
  },
  "tv_episodes.json": (f) => {
    const es = episodes(f);
    assert.deepEqual(
      es.map((e) => [e.showRatingKey, e.showIds, e.season, e.number, e.skip]),
      [1, 2, 3].map((n) => ["22", { tvdb: 268592 }, 1, n, undefined]),
    );
    assert.ok(es.every((e) => Object.keys(e.ids).length === 0));
  },
  "lh_shows_anime_legacy_tvdb.json": (f) => {
    assert.equal(f.shows.length, 26);
    assert.equal(f.shows.filter((s) => s.ids.tvdb !== undefined).length, 21);
    assert.equal(f.shows.filter((s) => s.skip === "anidb id only (HAMA)").length, 4);
    assert.deepEqual(byKey(f.shows, "54464").ids, { tvdb: 347734 }); // hama://tvdb-347734
    assert.deepEqual(byKey(f.shows, "57").ids, { tvdb: 267440 });
    assert.equal(byKey(f.shows, "40081").skip, "personal media (no agent)");
  },
  "lh_shows_266_legacy.json": (f) => {
    // plex://show items listed without includeGuids: nothing to match on.
    assert.equal(f.shows.length, 266);
    assert.ok(f.shows.every((s) => s.skip === "no external id"));
  },
  "lh_metadata_show.json": (f) => {
    assert.deepEqual(byKey(f.shows, "44288").ids, { imdb: "tt3032476", tmdb: 60059, tvdb: 273181 });
  },
  "lh_episodes_type4_with_guids.json": (f) => {
    const es = episodes(f);
    assert.equal(es.length, 10);
    const first = byKey(es, "45522");
    assert.deepEqual(first.ids, { imdb: "tt13015952", tmdb: 2434012, tvdb: 7945991 });
    assert.deepEqual([first.season, first.number, first.showRatingKey], [1, 1, "45520"]);
    // The show (45520) is in no capture, so the episodes cannot be placed: skipped, not guessed.
    assert.ok(es.every((e) => e.skip === "no external id"));
    assert.deepEqual(es.map((e) => `${e.season}x${e.number}`).slice(-2), ["2x1", "2x2"]);
  },
  "lh_episodes_type4_without_guids.json": (f) => {
    const es = episodes(f);
    assert.equal(es.length, 24);
    assert.ok(es.every((e) => Object.keys(e.ids).length === 0));
    assert.deepEqual([...new Set(es.map((e) => e.showTitle))], ["South Park", "Lost"]);
  },
  "lh_metadata_episode.json": (f) => {
    const e = byKey(episodes(f), "48049");
    assert.deepEqual(e.ids, { imdb: "tt13702212", tmdb: 3975867, tvdb: 8830735 });
    assert.deepEqual([e.season, e.number], [2, 1]);
    assert.equal(meta(e)?.audio, "dolby_digital_plus");
  },
  "lh_sections_14.json": (f) => {
    assert.equal(f.parsed.kind, "sections");
    if (f.parsed.kind !== "sections") return;
    const dirs = f.parsed.sections.Directory;
    assert.equal(dirs.length, 14);
    assert.equal(dirs.filter((d) => d.type === "movie").length, 6);
    assert.equal(dirs.filter((d) => d.type === "show").length, 7);
    const home = dirs.find((d) => d.key === "5");
    assert.equal(home?.agent, "com.plexapp.agents.none");
    assert.equal(dirs.find((d) => d.key === "3")?.agent, "com.plexapp.agents.hama");
  },
  "empty_sessions.json": (f) => {
    assert.equal(f.parsed.kind, "listing");
    if (f.parsed.kind === "listing") assert.deepEqual(f.parsed.listing.Metadata, []);
  },
  "tv_seasons.json": (f) => {
    assert.equal(f.parsed.kind, "listing");
    if (f.parsed.kind === "listing") assert.equal(f.parsed.listing.Metadata.length, 2);
  },
  "plextv_pins_new.json": (f) => assert.equal(f.parsed.kind, "skipped"),
  "plextv_pins_linked.json": (f) => assert.equal(f.parsed.kind, "skipped"),
  "plextv_resources.json": (f) => assert.equal(f.parsed.kind, "skipped"),
};

let present = false;
try {
  present = Deno.statSync(DIR).isDirectory;
} catch {
  present = false;
}

if (!present) {
  console.log(`plex fixtures: ${DIR.pathname} not found, conformance test skipped`);
  Deno.test({ name: "plex fixtures conform (folder absent)", ignore: true, fn() {} });
} else {
  Deno.test("plex fixtures: every capture parses and yields its real ids", async (t) => {
    const loaded = await loadAll();
    for (const name of Object.keys(EXPECT)) {
      assert.ok(loaded.some((f) => f.name === name), `expected capture ${name} is missing`);
    }
    for (const f of loaded) {
      await t.step(f.name, () => {
        if (f.parsed.kind === "skipped") console.log(`  ${f.name}: skipped, ${f.parsed.reason}`);
        for (const item of f.items) {
          const label = `${f.name} ${item.ratingKey}`;
          const ids = item.kind === "movie" ? item.ids : item.showIds;
          // Every item has ids or a reason, never both missing.
          assert.ok(Object.keys(ids).length > 0 || item.skip !== undefined, label);
          const m = meta(item);
          if (m) assertAllowed(m, label);
        }
        EXPECT[f.name]?.(f);
      });
    }
  });
}

if (present) {
  Deno.test("plex fixtures: what listings and details ask Plex to leave out is nothing the sync reads", async () => {
    const full = await loadAll();
    const slim = await loadAll(true);
    let compared = 0;
    for (const [i, f] of full.entries()) {
      const s = slim[i]!;
      assert.equal(s.name, f.name);
      assert.deepEqual(s.items, f.items, f.name);
      assert.deepEqual(s.shows, f.shows, f.name);
      assert.deepEqual(s.items.map(meta), f.items.map(meta), f.name);
      compared += f.items.length + f.shows.length;
    }
    assert.ok(compared > 600, `only ${compared} items compared`);
  });

  Deno.test("plex fixtures: the sync's hand readers (envelope.ts) read every capture as zod does", async () => {
    let read = 0;
    for await (const e of Deno.readDir(DIR)) {
      if (!e.isFile || !e.name.endsWith(".json")) continue;
      const text = await Deno.readTextFile(new URL(e.name, DIR));
      const parsed = parseByContent(JSON.parse(text));
      if (parsed.kind === "skipped") continue;
      // Each from its own copy: both readers normalise in place.
      const hand = parsed.kind === "sections"
        ? readSections(JSON.parse(text))
        : readListing(JSON.parse(text));
      assert.ok(hand, `${e.name}: given up by hand, so a sync would load zod`);
      const zod = parsed.kind === "sections" ? parsed.sections : parsed.listing;
      assert.deepEqual(JSON.parse(JSON.stringify(hand)), JSON.parse(JSON.stringify(zod)), e.name);
      read++;
    }
    assert.ok(read >= 20, `only ${read} captures read`);
  });
}

Deno.test("parse functions reject broken shapes with a short PlexShapeError", () => {
  const bad: [() => unknown, RegExp][] = [
    [() => parseListing([]), /expected an object/],
    [() => parseListing({ foo: 1 }), /no MediaContainer/],
    [() => parseListing({ MediaContainer: { Metadata: "nope" } }), /MediaContainer\.Metadata/],
    [
      () => parseListing({ MediaContainer: { Metadata: [{ ratingKey: "1" }, { title: "x" }] } }),
      /MediaContainer\.Metadata\[1\]\.ratingKey: missing/,
    ],
    [() => parseSections({ MediaContainer: { Directory: [{ title: "x" }] } }), /Directory\[0\]/],
    [() => parseIdentity({ MediaContainer: { version: "1" } }), /machineIdentifier/],
  ];
  for (const [fn, where] of bad) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof PlexShapeError);
      assert.match(e.where, where);
      assert.ok(e.message.length < 300, e.message);
      return true;
    });
  }
});

Deno.test("parseListing() is lenient with PMS's loose types", () => {
  const l = parseListing({
    MediaContainer: {
      size: "1",
      totalSize: 10,
      offset: "0",
      Metadata: [{
        ratingKey: 7,
        year: "2008",
        addedAt: "1558940057",
        index: null,
        grandparentRatingKey: 22,
        Guid: "not a list",
        Media: [{ audioChannels: "six", proxyType: "42", Part: [{ Stream: [{ default: "1" }] }] }],
      }],
    },
  });
  const m = l.Metadata[0];
  assert.ok(m);
  assert.deepEqual([l.size, l.totalSize, l.offset], [1, 10, 0]);
  assert.deepEqual([m.ratingKey, m.year, m.addedAt, m.index], ["7", 2008, 1558940057, undefined]);
  assert.equal(m.grandparentRatingKey, "22");
  assert.deepEqual(m.Guid, []);
  assert.equal(m.Media[0]?.audioChannels, undefined);
  assert.equal(m.Media[0]?.proxyType, 42);
  assert.equal(m.Media[0]?.Part[0]?.Stream[0]?.default, true);
});
