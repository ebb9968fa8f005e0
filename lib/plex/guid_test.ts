import assert from "node:assert/strict";
import type { ExternalIds, SkipReason } from "../model.ts";
import { type GuidParse, idsFromGuidList, parseGuid } from "./guid.ts";
import { mulberry32 as rng } from "../../tests/helpers/prng.ts";

type Expect =
  | { ids: ExternalIds; season?: number; episode?: number }
  | { newAgent: true }
  | { skip: SkipReason };

const CASES: [string, Expect][] = [
  // New agents: the string holds no id.
  ["plex://movie/5d776831a091de001f2e7756", { newAgent: true }],
  ["plex://show/5e16253691c20300412003a8", { newAgent: true }],
  ["plex://episode/5f68d2a93109960041ef8aed", { newAgent: true }],
  // Legacy IMDb.
  ["com.plexapp.agents.imdb://tt0111161?lang=en", { ids: { imdb: "tt0111161" } }],
  ["com.plexapp.agents.imdb://tt10059518?lang=en", { ids: { imdb: "tt10059518" } }],
  ["com.plexapp.agents.imdb://TT0111161", { ids: { imdb: "tt0111161" } }],
  ["com.plexapp.agents.imdb://tt0000000?lang=en", { skip: "no external id" }],
  ["com.plexapp.agents.imdb://tt0", { skip: "no external id" }],
  ["com.plexapp.agents.imdb://tt12?lang=en", { skip: "no external id" }],
  ["com.plexapp.agents.imdb://0111161", { skip: "no external id" }],
  ["com.plexapp.agents.imdb://", { skip: "no external id" }],
  // Legacy TMDB, movie and TV, and the third-party spelling.
  ["com.plexapp.agents.themoviedb://278?lang=en", { ids: { tmdb: 278 } }],
  ["com.plexapp.agents.themoviedb://1396?lang=en", { ids: { tmdb: 1396 } }],
  ["com.plexapp.agents.themoviedb://1396/1?lang=en", { ids: { tmdb: 1396 }, season: 1 }],
  [
    "com.plexapp.agents.themoviedb://1396/1/1?lang=en",
    { ids: { tmdb: 1396 }, season: 1, episode: 1 },
  ],
  ["com.plexapp.agents.tmdb://603", { ids: { tmdb: 603 } }],
  ["com.plexapp.agents.themoviedb://0?lang=en", { skip: "no external id" }],
  ["com.plexapp.agents.themoviedb://abc?lang=en", { skip: "no external id" }],
  ["com.plexapp.agents.themoviedb://12a", { skip: "no external id" }],
  ["com.plexapp.agents.themoviedb://-5", { skip: "no external id" }],
  ["com.plexapp.agents.themoviedb://99999999999", { skip: "no external id" }],
  // Legacy TheTVDB: show, season, show/season/episode (the id is the show's).
  ["com.plexapp.agents.thetvdb://81189?lang=en", { ids: { tvdb: 81189 } }],
  ["com.plexapp.agents.thetvdb://268592/1?lang=en", { ids: { tvdb: 268592 }, season: 1 }],
  [
    "com.plexapp.agents.thetvdb://268592/1/1?lang=en",
    { ids: { tvdb: 268592 }, season: 1, episode: 1 },
  ],
  ["com.plexapp.agents.thetvdb://268592/0/3", { ids: { tvdb: 268592 }, season: 0, episode: 3 }],
  ["com.plexapp.agents.thetvdb://268592/x/3", { ids: { tvdb: 268592 } }],
  ["com.plexapp.agents.thetvdb://0/1/1", { skip: "no external id" }],
  // HAMA.
  ["com.plexapp.agents.hama://anidb-1234?lang=en", { skip: "anidb id only (HAMA)" }],
  ["com.plexapp.agents.hama://anidb-a1234", { skip: "anidb id only (HAMA)" }],
  ["com.plexapp.agents.hama://anidb-17494/1/7?lang=en", { skip: "anidb id only (HAMA)" }],
  ["com.plexapp.agents.hama://anidb-", { skip: "no external id" }],
  ["com.plexapp.agents.hama://tvdb-81189?lang=en", { ids: { tvdb: 81189 } }],
  ["com.plexapp.agents.hama://tvdb2-81189", { ids: { tvdb: 81189 } }],
  [
    "com.plexapp.agents.hama://tvdb2-371310/2/5?lang=en",
    { ids: { tvdb: 371310 }, season: 2, episode: 5 },
  ],
  // Absolute episode numbers or story-arc seasons: not TVDB's numbers, so never sent.
  ["com.plexapp.agents.hama://tvdb3-371310/2/5?lang=en", {
    skip: "alternative episode order (HAMA)",
  }],
  ["com.plexapp.agents.hama://tvdb4-81797?lang=en", { skip: "alternative episode order (HAMA)" }],
  ["com.plexapp.agents.hama://tvdb5-81797", { skip: "alternative episode order (HAMA)" }],
  ["com.plexapp.agents.hama://tvdb9-81797", { skip: "alternative episode order (HAMA)" }],
  ["com.plexapp.agents.hama://tmdb-1396", { ids: { tmdb: 1396 } }],
  ["com.plexapp.agents.hama://imdb-tt0111161", { ids: { imdb: "tt0111161" } }],
  ["com.plexapp.agents.hama://tvdb-0", { skip: "no external id" }],
  ["com.plexapp.agents.hama://mal-5114", { skip: "unsupported guid scheme" }],
  ["com.plexapp.agents.hama://garbage", { skip: "no external id" }],
  // NFO agents: only an IMDb id is unambiguous.
  ["com.plexapp.agents.xbmcnfo://tt0111161?lang=en", { ids: { imdb: "tt0111161" } }],
  ["com.plexapp.agents.xbmcnfo://278?lang=en", { skip: "unsupported guid scheme" }],
  ["com.plexapp.agents.xbmcnfotv://81189/1/2?lang=en", { skip: "unsupported guid scheme" }],
  // No agent, unmatched, and everything that is not for Trakt.
  ["com.plexapp.agents.none://66e3055097fd3dc8003b147345523588db2d0a7b?lang=xn", {
    skip: "personal media (no agent)",
  }],
  ["com.plexapp.agents.none://40081?lang=xn", { skip: "personal media (no agent)" }],
  ["tv.plex.agents.none://68178", { skip: "personal media (no agent)" }],
  ["local://1881", { skip: "unmatched in Plex" }],
  ["local://60293", { skip: "unmatched in Plex" }],
  ["collection://0e71027d-88bc-4413-9927-5aad992d3d19", { skip: "unsupported guid scheme" }],
  ["tv.plex.xmltv://abc123", { skip: "unsupported guid scheme" }],
  ["com.plexapp.agents.youtube://dQw4w9WgXcQ", { skip: "unsupported guid scheme" }],
  ["mbid://5b11f4ce-a62d-471e-81fc-a69a8278c7da", { skip: "unsupported guid scheme" }],
  ["com.plexapp.agents.lastfm://Artist", { skip: "unsupported guid scheme" }],
  ["something://else", { skip: "unsupported guid scheme" }],
  // Bare and short forms.
  ["tt0112253", { ids: { imdb: "tt0112253" } }],
  ["tt0112253?lang=en", { ids: { imdb: "tt0112253" } }],
  ["imdb://tt0443649", { ids: { imdb: "tt0443649" } }],
  ["tmdb://7840", { ids: { tmdb: 7840 } }],
  ["tvdb://1913", { ids: { tvdb: 1913 } }],
  ["tmdb://0", { skip: "no external id" }],
  ["", { skip: "no external id" }],
  ["   ", { skip: "no external id" }],
  ["garbage", { skip: "unsupported guid scheme" }],
  ["://", { skip: "unsupported guid scheme" }],
];

function view(r: GuidParse): Expect {
  if (r.kind === "new-agent") return { newAgent: true };
  if (r.kind === "skip") return { skip: r.reason };
  const out: Expect = { ids: r.ids };
  if (r.season !== undefined) out.season = r.season;
  if (r.episode !== undefined) out.episode = r.episode;
  return out;
}

Deno.test("parseGuid() reads every guid form of the fact sheet", () => {
  for (const [guid, expected] of CASES) {
    assert.deepEqual(view(parseGuid(guid)), expected, guid);
  }
});

Deno.test("parseGuid() names the agent without Plex prefixes", () => {
  assert.equal(parseGuid("com.plexapp.agents.thetvdb://1/1/1").agent, "tvdb");
  assert.equal(parseGuid("com.plexapp.agents.themoviedb://1").agent, "tmdb");
  assert.equal(parseGuid("tv.plex.agents.none://1").agent, "none");
  assert.equal(parseGuid("tv.plex.xmltv://1").agent, "xmltv");
  assert.equal(parseGuid("plex://movie/1").agent, "plex");
});

Deno.test("idsFromGuidList() reads imdb, tmdb and tvdb and drops the rest", () => {
  assert.deepEqual(
    idsFromGuidList([{ id: "imdb://tt0443649" }, { id: "tmdb://7840" }, { id: "tvdb://1913" }]),
    { imdb: "tt0443649", tmdb: 7840, tvdb: 1913 },
  );
  assert.deepEqual(
    idsFromGuidList([
      { id: "tmdb://0" },
      { id: "imdb://tt0000000" },
      { id: "tvdb://abc" },
      { id: "mbid://5b11f4ce" },
      { id: 42 },
      { id: null },
      { id: "tmdb://15" },
    ]),
    { tmdb: 15 },
  );
  assert.deepEqual(idsFromGuidList([{ id: "tmdb://1" }, { id: "tmdb://2" }]), { tmdb: 1 });
  assert.deepEqual(idsFromGuidList(undefined), {});
  assert.deepEqual(idsFromGuidList([]), {});
});

const REASONS = new Set<string>([
  "no external id",
  "personal media (no agent)",
  "unmatched in Plex",
  "anidb id only (HAMA)",
  "alternative episode order (HAMA)",
  "unsupported guid scheme",
  "no season or episode number",
  "implausible season or episode number",
]);

function assertWellFormed(r: GuidParse, input: string): void {
  const msg = JSON.stringify(input);
  assert.equal(typeof r.agent, "string", msg);
  if (r.kind === "new-agent") {
    assert.deepEqual(Object.keys(r).sort(), ["agent", "kind"], msg);
  } else if (r.kind === "skip") {
    assert.ok(REASONS.has(r.reason), msg);
    assert.deepEqual(Object.keys(r).sort(), ["agent", "kind", "reason"], msg);
  } else {
    assert.equal(r.kind, "ids", msg);
    const keys = Object.keys(r.ids);
    assert.ok(keys.length > 0, `${msg}: ids without any id`);
    for (const k of keys) assert.ok(["imdb", "tmdb", "tvdb"].includes(k), msg);
    if (r.ids.imdb !== undefined) assert.match(r.ids.imdb, /^tt\d{7,10}$/, msg);
    for (const n of [r.ids.tmdb, r.ids.tvdb]) {
      if (n !== undefined) assert.ok(Number.isSafeInteger(n) && n > 0, msg);
    }
    for (const n of [r.season, r.episode]) {
      if (n !== undefined) assert.ok(Number.isSafeInteger(n) && n >= 0, msg);
    }
    if (r.episode !== undefined) assert.notEqual(r.season, undefined, msg);
  }
}

Deno.test("parseGuid() never throws and always answers a well-formed result (fuzz)", () => {
  const rand = rng(0xc0ffee);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const seeds = CASES.map(([g]) => g);
  const fragments = [
    "://",
    "/",
    "?",
    "#",
    "-",
    "tt",
    "0",
    "1",
    "9",
    "a",
    "anidb-",
    "tvdb2-",
    "imdb-",
    "tmdb-",
    "com.plexapp.agents.",
    "tv.plex.agents.",
    "hama",
    "plex",
    "local",
    "none",
    "%",
    "\u0000",
    "\u{1F600}",
    " ",
    "\n",
    "..",
    "tt0000000",
    "2147483648",
    "-1",
    "1e3",
    "0x1F",
    "NaN",
  ];
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789:/?#-._=&% \t\u00e9\u{1F4A9}";
  let count = 0;
  for (let i = 0; i < 5000; i++) {
    let s: string;
    const mode = i % 4;
    if (mode === 0) {
      // Random characters.
      const len = Math.floor(rand() * 40);
      s = Array.from({ length: len }, () => pick([...alphabet])).join("");
    } else if (mode === 1) {
      // Random fragments glued together.
      s = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => pick(fragments)).join("");
    } else {
      // A real guid with characters replaced, inserted or deleted.
      const chars = [...pick(seeds)];
      for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) {
        const at = Math.floor(rand() * (chars.length + 1));
        const op = rand();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, pick([...alphabet]));
        else chars.splice(at, 1, pick(fragments));
      }
      s = chars.join("");
    }
    assertWellFormed(parseGuid(s), s);
    count++;
  }
  assert.equal(count, 5000);
});

Deno.test("parseGuid() tolerates a non-string at runtime", () => {
  const r = parseGuid(undefined as unknown as string);
  assert.deepEqual(view(r), { skip: "no external id" });
});

Deno.test("idsFromGuidList() reads like the one pattern it once used, on odd entries too", () => {
  // The pattern-based reading the list had before it learnt to cut the usual form.
  const reference = (list: { id: unknown }[]): ExternalIds => {
    const ids: ExternalIds = {};
    for (const entry of list) {
      if (typeof entry.id !== "string") continue;
      const m = /^(imdb|tmdb|tvdb):\/\/(.+)$/i.exec(entry.id.trim());
      if (!m) continue;
      const kind = m[1]!.toLowerCase() as "imdb" | "tmdb" | "tvdb";
      if (ids[kind] !== undefined) continue;
      const value = m[2]!;
      const imdb = /^tt(\d{7,10})$/i.exec(value.trim());
      if (kind === "imdb") {
        if (imdb && !/^0+$/.test(imdb[1]!)) ids.imdb = `tt${imdb[1]}`;
      } else if (/^\d{1,10}$/.test(value.trim())) {
        const n = Number(value.trim());
        if (n > 0 && n <= 2_147_483_647) ids[kind] = n;
      }
    }
    return ids;
  };
  const parts = ["imdb", "IMDB", "tmdb", "Tvdb", "tvdb", "xyz", " imdb", "tmdb:/"];
  const values = ["tt0443649", "TT0443649", "tt0000000", "12", " 12 ", "0", "", "1\n2", "tt1\n"];
  const r = rng(99);
  for (let i = 0; i < 3000; i++) {
    const list = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
      const p = parts[Math.floor(r() * parts.length)]!;
      const v = values[Math.floor(r() * values.length)]!;
      return { id: `${r() < 0.2 ? " " : ""}${p}://${v}${r() < 0.2 ? "\n" : ""}` };
    });
    assert.deepEqual(idsFromGuidList(list), reference(list), JSON.stringify(list));
  }
});

Deno.test("idsFromGuidList() refuses a value broken over lines, in either spelling", () => {
  for (const kind of ["tmdb", "TMDB"]) {
    assert.deepEqual(idsFromGuidList([{ id: `${kind}://\n123` }]), {});
    // The broken entry does not take the place of a good one after it.
    assert.deepEqual(idsFromGuidList([{ id: `${kind}://\n5` }, { id: "tmdb://7" }]), { tmdb: 7 });
  }
  assert.deepEqual(idsFromGuidList([{ id: "imdb://\ntt0111161" }]), {});
});
