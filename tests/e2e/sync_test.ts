/**
 * `trakt sync` end to end: the real CLI as a subprocess against the fake Plex and fake Trakt.
 * The first sync of the sample library, the second one (no writes), the not-found memory and
 * --full, --dry-run, Plex detail batching, write batching, and dedupe across servers.
 */
import assert from "node:assert/strict";
import { sampleLibrary } from "../emulators/sample_library.ts";
import { syntheticLibrary } from "../emulators/synthetic.ts";
import { INITIAL_COLLECTED_AT } from "../emulators/fake_trakt_collection.ts";
import { PLEX_TOKEN } from "../helpers/world.ts";
import { VERSION } from "../../lib/version.ts";
import {
  assertCollectionPost,
  closedPort,
  detailRequestKeys,
  episodeId,
  expectedAfterFirstSync,
  iniText,
  OutputLog,
  parseJson,
  type PostedBody,
} from "./e2e_util.ts";

const log = new OutputLog();
/** `trakt sync` of every server, leaving out one that cannot be read. */
const SKIPPING = ["trakt", "sync", "--server", "all", "--skip-unreachable"];

/** §8 keys; a dry run and a real run print the same document. */
const SUMMARY_KEYS = [
  "servers",
  "dry_run",
  "plex",
  "skipped",
  "planned",
  "added",
  "existing",
  "not_found",
  "requests",
  "duration_ms",
];

interface Summary {
  servers: string[];
  dry_run: boolean;
  plex: { movies: number; shows: number; episodes: number };
  skipped: { type: string; title: string; year?: number; reason: string }[];
  planned: { movies: number; episodes: number };
  added: { movies: number; episodes: number };
  existing: { movies: number; episodes: number };
  not_found: {
    movies: { title: string; year?: number; ids: Record<string, unknown> }[];
    episodes: unknown[];
  };
  requests: { plex: number; trakt_get: number; trakt_post: number; retries: number };
  duration_ms: number;
  error?: { code: number; message: string };
  servers_failed?: { server: string; code: number; message: string }[];
  incremental?: boolean;
  removal?: {
    refused?: string;
    planned: { movies: number; episodes: number };
    removed: { movies: number; episodes: number };
    movies: unknown[];
  };
}

/** One entry of `trakt status --json`'s `last_syncs`, as these tests read it. */
interface LastSyncJson {
  serverName: string;
  outcome: string;
  added: { movies: number; episodes: number };
  notFound: { movies: number; episodes: number };
  skipped: number;
  error?: string;
  servers?: string[];
}

function summaryOf(label: string, stdout: string): Summary {
  const s = parseJson(label, stdout);
  for (const key of SUMMARY_KEYS) assert.ok(key in s, `${label}: §8 key ${key} missing`);
  return s as unknown as Summary;
}

const lib = sampleLibrary();
const SAMPLE_TRAKT = {
  movie: (title: string) => lib.catalog.movies.find((m) => m.title === title)!.trakt,
  show: (title: string) => lib.catalog.shows.find((s) => s.title === title)!.trakt,
};

Deno.test("e2e sync: the first sync of the sample library leaves exactly the expected collection", async () => {
  const expected = expectedAfterFirstSync(sampleLibrary());
  await log.withWorld(sampleLibrary(), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Sent batch 1 of 1: 43 added, 1 not found$/m);
    assert.doesNotMatch(r.stderr, /error|warning/i);
    const s = summaryOf("first sync", r.stdout);

    // The collection: movies by Trakt id, episodes by (show, season, number), dates included.
    const movies = new Map(w.trakt.collectedMovies().map((m) => [m.trakt, m.collected_at]));
    const episodes = new Map(
      w.trakt.collectedEpisodes().map((
        e,
      ) => [episodeId(e.show, e.season, e.number), e.collected_at]),
    );
    assert.deepEqual(
      [...movies].sort(([a], [b]) => a - b),
      [...expected.movies].sort(([a], [b]) => a - b),
    );
    assert.deepEqual([...episodes].sort(), [...expected.episodes].sort());
    // Spelled out as well: every catalogue movie (the sample owns them all), 34 episodes.
    assert.deepEqual([...movies.keys()].sort(), lib.catalog.movies.map((m) => m.trakt).sort());
    assert.equal(episodes.size, 34);

    // Trakt knows 62 Breaking Bad episodes; Plex has S01E01–07 and S02E01–03: only those.
    const bb = SAMPLE_TRAKT.show("Breaking Bad");
    assert.deepEqual(
      w.trakt.collectedEpisodes().filter((e) => e.show === bb).map((e) =>
        `${e.season}x${e.number}`
      ),
      ["1x1", "1x2", "1x3", "1x4", "1x5", "1x6", "1x7", "2x1", "2x2", "2x3"],
    );
    // What was there before is left alone (the sync only adds).
    assert.equal(movies.get(SAMPLE_TRAKT.movie("The Shawshank Redemption")), INITIAL_COLLECTED_AT);
    // Blade Runner (two editions) and The Godfather (two sections) are one item each, dated
    // by their earliest Plex addedAt: 2024-01-04 (main edition), 2024-01-09 (Movies section).
    assert.equal(movies.get(SAMPLE_TRAKT.movie("Blade Runner")), "2024-01-04T00:00:00.000Z");
    assert.equal(movies.get(SAMPLE_TRAKT.movie("The Godfather")), "2024-01-09T00:00:00.000Z");

    // Media: the 4K Dolby Vision + Atmos version wins for The Matrix, HDR10 for Dune.
    const meta = (title: string) =>
      w.trakt.collectedMovies().find((m) => m.trakt === SAMPLE_TRAKT.movie(title))!.metadata;
    assert.equal(meta("The Matrix").hdr, "dolby_vision");
    assert.equal(meta("The Matrix").resolution, "uhd_4k");
    assert.equal(meta("The Matrix").audio, "dolby_atmos");
    assert.equal(meta("Dune").hdr, "hdr10");
    assert.equal(meta("Blade Runner").resolution, "uhd_4k", "the best edition's media");

    // Writes: one POST to /sync/collection, nested episodes, each movie once.
    assert.equal(w.trakt.writeAttempts().length, 1);
    const post = w.trakt.writes()[0]!;
    assert.equal(assertCollectionPost(post), 44);
    const body = post.body as PostedBody;
    const titles = body.movies!.map((m) => m.title);
    assert.equal(titles.filter((t) => t === "Blade Runner").length, 1);
    assert.equal(titles.filter((t) => t === "The Godfather").length, 1);
    assert.ok(titles.includes("Sintel"), "the unknown title is sent once");
    assert.ok(!titles.includes("VTS_01_1") && !titles.includes("Summer Holiday 2019"));
    assert.ok(post.headers["user-agent"]?.startsWith(`complexionist/${VERSION}`));
    for (const e of w.trakt.log) {
      assert.ok(e.headers["user-agent"]?.startsWith("complexionist/"), `${e.method} ${e.path}`);
      assert.match(e.headers["content-type"] ?? "", /application\/json/, `${e.method} ${e.path}`);
    }
    assert.equal(w.trakt.unknownRequests().length, 0);

    // The report.
    assert.equal(s.dry_run, false);
    assert.deepEqual(s.servers, ["Main Server"]);
    assert.equal(s.plex.movies, 18);
    assert.equal(s.plex.episodes, 35);
    assert.deepEqual(s.planned, { movies: 14, episodes: 30 });
    assert.deepEqual(s.added, { movies: 13, episodes: 30 });
    assert.deepEqual(s.existing, { movies: 2, episodes: 4 });
    assert.deepEqual(s.not_found.movies, [{
      title: "Sintel",
      year: 2010,
      ids: { imdb: "tt1727587" },
    }]);
    assert.deepEqual(expected.unknownMovies, ["Sintel"]);
    assert.deepEqual(s.not_found.episodes, []);
    const skipped = s.skipped.map((x) => `${x.type} ${x.title}`).sort();
    assert.deepEqual(skipped, ["movie Summer Holiday 2019", "movie VTS_01_1", "show Friends"]);
    assert.equal(s.requests.trakt_post, 1);
    assert.equal(s.requests.retries, 0);
    assert.equal(s.error, undefined);
  });
});

Deno.test(
  "e2e sync: plex.shows counts the shows Plex has (9), not 10",
  // Regression: a show with some skipped episodes (Friends has one unnumbered episode) was
  // counted twice.
  async () => {
    await log.withWorld(sampleLibrary(), async (w) => {
      const r = await log.run(w, ["trakt", "sync", "--dry-run", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const shows = lib.sections.reduce((n, s) => n + (s.shows?.length ?? 0), 0);
      assert.equal(shows, 9);
      assert.equal(summaryOf("dry run", r.stdout).plex.shows, shows);
      const human = await log.run(w, ["trakt", "sync", "--dry-run"]);
      assert.match(human.stderr, /35 episodes of 9 shows/);
    });
  },
);

Deno.test("e2e sync: a second sync writes nothing; the not-found title waits; --full resends it", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    const first = await log.run(w, ["trakt", "sync"]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "");
    assert.match(first.stderr, /^Added 13 movies and 30 episodes to Trakt/m);
    assert.equal(w.trakt.writes().length, 1);

    w.plex.clearLog();
    const attempts = w.trakt.writeAttempts().length;
    const second = await log.run(w, ["trakt", "sync"]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, "");
    assert.match(
      second.stderr,
      /^Nothing to add: Trakt already has all 15 movies and 34 episodes$/m,
    );
    assert.match(second.stderr, /^ {2}movie {4}Sintel \(2010\) {2}imdb:tt1727587$/m);
    assert.doesNotMatch(second.stderr, /error|warning/i);
    assert.equal(w.trakt.writeAttempts().length, attempts, "no write of any kind");
    assert.equal(w.trakt.writes().length, 1);
    assert.equal(detailRequestKeys(w).length, 0, "nothing to send: no Plex detail request");

    // Plex changes (so the full comparison runs again): one new title, unknown to Trakt, and
    // a copy of a collected one. Only the new title is sent; Sintel stays in the memory.
    w.plex.addMovie("1", {
      ratingKey: "990",
      title: "Fresh Title",
      year: 2024,
      addedAt: 1_710_000_000,
      ids: { imdb: "tt9990001" },
    });
    w.plex.addMovie("1", {
      ratingKey: "991",
      title: "Star Wars",
      year: 1977,
      addedAt: 1_700_000_000,
      ids: { imdb: "tt0076759", tmdb: 11 },
    });
    w.plex.clearLog();
    const third = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(third.code, 0, third.stderr);
    const s3 = summaryOf("third sync", third.stdout);
    assert.equal(w.trakt.writes().length, 2);
    const sent = w.trakt.writes()[1]!;
    assertCollectionPost(sent);
    assert.deepEqual((sent.body as PostedBody).movies!.map((m) => m.title), ["Fresh Title"]);
    assert.equal((sent.body as PostedBody).shows, undefined);
    assert.deepEqual(s3.planned, { movies: 1, episodes: 0 });
    assert.deepEqual(s3.not_found.movies.map((m) => m.title).sort(), ["Fresh Title", "Sintel"]);
    assert.deepEqual(detailRequestKeys(w), [["990"]], "details only for what is sent");
    assert.equal(s3.plex.movies, 19, "the second Star Wars copy is the same movie");

    // --full forgets the memory: both unknown titles are sent again, nothing else.
    const full = await log.run(w, ["trakt", "sync", "--full", "--json"]);
    assert.equal(full.code, 0, full.stderr);
    const sf = summaryOf("--full", full.stdout);
    assert.equal(w.trakt.writes().length, 3);
    const resent = w.trakt.writes()[2]!;
    assertCollectionPost(resent);
    assert.deepEqual(
      (resent.body as PostedBody).movies!.map((m) => m.title).sort(),
      ["Fresh Title", "Sintel"],
    );
    assert.deepEqual(sf.planned, { movies: 2, episodes: 0 });
    assert.deepEqual(sf.added, { movies: 0, episodes: 0 });
    assert.equal(w.trakt.collectedMovies().length, 15);
  });
});

Deno.test("e2e sync: a title with 3D in it is not a 3D copy; a 3D tag in the file name is", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    const movie = (ratingKey: string, imdb: string, file: string) => ({
      ratingKey,
      title: "Jackass 3D",
      year: 2010,
      addedAt: 1_710_000_000,
      ids: { imdb },
      media: [{ parts: [{ file }] }],
    });
    w.plex.addMovie(
      "1",
      movie("981", "tt9990981", "/m/Jackass 3D (2010)/Jackass 3D (2010) Bluray-1080p.mkv"),
    );
    w.plex.addMovie(
      "1",
      movie("982", "tt9990982", "/m/Jackass 3D (2010)/Jackass.3D.2010.3D.HSBS.mkv"),
    );
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const sent = (w.trakt.writes()[0]!.body as PostedBody).movies!;
    const by = (imdb: string) => sent.find((m) => m.ids.imdb === imdb) as Record<string, unknown>;
    assert.equal(by("tt9990981")["3d"], undefined);
    assert.equal(by("tt9990982")["3d"], true);
  });
});

Deno.test("e2e sync: --dry-run reads both sides, writes nothing and reports what it would add", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--dry-run", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^To add: 14 movies, 30 episodes in 1 batch$/m);
    assert.doesNotMatch(r.stderr, /Sent batch/);
    const s = summaryOf("dry run", r.stdout);
    assert.equal(s.dry_run, true);
    assert.deepEqual(s.planned, { movies: 14, episodes: 30 });
    assert.deepEqual(s.added, { movies: 0, episodes: 0 });
    assert.deepEqual(s.existing, { movies: 2, episodes: 4 });
    assert.deepEqual(Object.keys(s.plex).sort(), ["episodes", "movies", "shows"]);
    assert.deepEqual(Object.keys(s.requests).sort(), [
      "plex",
      "retries",
      "trakt_get",
      "trakt_post",
    ]);
    assert.deepEqual(Object.keys(s.not_found).sort(), ["episodes", "movies"]);
    assert.equal(s.requests.trakt_post, 0);
    assert.ok(s.requests.trakt_get > 0 && s.requests.plex > 0);
    assert.equal(typeof s.duration_ms, "number");
    assert.equal(w.trakt.writeAttempts().length, 0);
    assert.equal(w.trakt.collectedMovies().length, 2);
    assert.equal(w.trakt.collectedEpisodes().length, 4);

    // Human form, then a real sync: the dry run must not have poisoned any cache.
    const human = await log.run(w, ["trakt", "sync", "--dry-run"]);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, "");
    assert.match(
      human.stderr,
      /^Dry run: would add 14 movies and 30 episodes \(2 movies and 4 episodes already on Trakt\)\. Nothing was sent$/m,
    );
    assert.equal(w.trakt.writeAttempts().length, 0);
    const real = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(summaryOf("real", real.stdout).added, { movies: 13, episodes: 30 });
    assert.equal(w.trakt.writes().length, 1);
  });
});

Deno.test("e2e sync: Plex details are fetched only for what is sent, ≤ 50 keys per request", async () => {
  const expected = expectedAfterFirstSync(sampleLibrary());
  await log.withWorld(sampleLibrary(), async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const batches = detailRequestKeys(w);
    const keys = batches.flat();
    assert.ok(batches.every((b) => b.length <= 50), batches.map((b) => b.length).join(","));
    assert.equal(new Set(keys).size, keys.length, "no item detailed twice");
    assert.deepEqual(new Set(keys), expected.sentRatingKeys);
    assert.equal(batches.length, Math.ceil(keys.length / 50));
  });

  // Nothing to send from the start: no detail request at all.
  const all = syntheticLibrary({
    seed: 11,
    movies: 30,
    shows: 3,
    episodesPerShow: 6,
    collectedFraction: 1,
  });
  await log.withWorld(all, async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^Nothing to add: Trakt already has all 30 movies and 18 episodes$/m);
    assert.equal(w.plex.count("/library/metadata/"), 0);
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test("e2e sync: more than 250 items go in ⌈n/250⌉ POSTs of ≤ 250 movies + episodes", async () => {
  const big = syntheticLibrary({
    seed: 42,
    movies: 320,
    shows: 12,
    episodesPerShow: 25,
    collectedFraction: 0.1,
    unknownToTraktFraction: 0,
  });
  const plexMovies = big.sections.reduce((n, s) => n + (s.movies?.length ?? 0), 0);
  const plexEpisodes = big.sections.reduce(
    (n, s) => n + (s.shows ?? []).reduce((k, sh) => k + sh.episodes.length, 0),
    0,
  );
  const toAdd = plexMovies + plexEpisodes - big.collection.movies.length -
    big.collection.episodes.length;
  assert.ok(toAdd > 500, `a library that needs three batches (${toAdd})`);
  await log.withWorld(big, async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = summaryOf("big", r.stdout);
    const posts = w.trakt.writeAttempts();
    assert.equal(posts.length, Math.ceil(toAdd / 250));
    const sizes = posts.map(assertCollectionPost);
    assert.equal(sizes.reduce((a, b) => a + b, 0), toAdd);
    assert.ok(posts.some((p) => (p.body as PostedBody).movies?.length), "movies sent");
    assert.ok(posts.some((p) => (p.body as PostedBody).shows?.length), "episodes sent");
    assert.equal(s.added.movies + s.added.episodes, toAdd);
    assert.equal(w.trakt.collectedMovies().length, plexMovies);
    assert.equal(w.trakt.collectedEpisodes().length, plexEpisodes);
    assert.match(r.stderr, new RegExp(`^Sent batch ${posts.length} of ${posts.length}:`, "m"));
    const details = detailRequestKeys(w);
    assert.ok(details.every((b) => b.length <= 50));
    assert.equal(details.flat().length, toAdd);
    assert.equal(details.length, Math.ceil(toAdd / 50));
  });
});

Deno.test("e2e sync: --server all reads two servers and sends each item once", async () => {
  const ini = iniText({
    servers: `[plex:0]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n\n` +
      `[plex:1]\nname = Second Copy\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n`,
  });
  await log.withWorld({ ...sampleLibrary(), ini }, async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--server", "all", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = summaryOf("all servers", r.stdout);
    assert.deepEqual(s.servers, ["Main Server", "Second Copy"]);
    assert.deepEqual(s.planned, { movies: 14, episodes: 30 });
    assert.deepEqual(s.added, { movies: 13, episodes: 30 });
    assert.equal(w.trakt.writes().length, 1);
    const body = w.trakt.writes()[0]!.body as PostedBody;
    assert.equal(body.movies!.length, 14);
    assert.equal(assertCollectionPost(w.trakt.writes()[0]!), 44);

    // Selection by name is case-insensitive, and by index; both find nothing left to add.
    const byName = await log.run(w, ["trakt", "sync", "--server", "second COPY"]);
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stderr, /on "Second Copy"/);
    assert.match(byName.stderr, /^Nothing to add/m);
    const byIndex = await log.run(w, ["trakt", "sync", "--server", "1", "--dry-run", "--json"]);
    assert.equal(byIndex.code, 0, byIndex.stderr);
    assert.deepEqual(summaryOf("index", byIndex.stdout).servers, ["Second Copy"]);
    assert.equal(w.trakt.writes().length, 1);
  });
});

Deno.test("e2e sync: --server all with one server down fails as a whole unless --skip-unreachable", async () => {
  const ini = iniText({
    servers: `[plex:0]\nname = Bedroom\nurl = http://127.0.0.1:${closedPort()}\n` +
      `token = ${PLEX_TOKEN}\n\n[plex:1]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n`,
  });
  await log.withWorld({ ...sampleLibrary(), ini }, async (w) => {
    // By default nothing is sent: an item also on Bedroom could go out with a lesser copy.
    const r = await log.run(w, ["trakt", "sync", "--server", "all", "--json"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, "", "Plex was not read in full: no summary");
    assert.match(r.stderr, /^error: .*Bedroom.*No server was synced: with --skip-unreachable/m);
    assert.equal(w.trakt.writeAttempts().length, 0);

    // --library names cannot be judged without Bedroom: the run goes on and reports it.
    const lib = await log.run(w, [...SKIPPING, "--library", "classics", "--json"]);
    assert.equal(lib.code, 4, lib.stderr);
    const s = summaryOf("library, one down", lib.stdout);
    assert.deepEqual(s.servers_failed?.map((f) => f.server), ["Bedroom"]);
    assert.equal(s.plex.movies, 5, "Main Server's classics were read");
    assert.equal(w.trakt.writes().length, 1);
  });
});

Deno.test("e2e sync: --skip-unreachable with one server down syncs the others, exits 4 and says which", async () => {
  const down = `http://127.0.0.1:${closedPort()}`;
  const servers = (bedroom: string, token = PLEX_TOKEN) =>
    `[plex:0]\nname = Bedroom\nurl = ${bedroom}\ntoken = ${token}\n\n` +
    `[plex:1]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n`;
  await log.withWorld(
    { ...sampleLibrary(), ini: iniText({ servers: servers(down) }) },
    async (w) => {
      const r = await log.run(w, [...SKIPPING, "--json"]);
      assert.equal(r.code, 4, r.stderr);
      const s = summaryOf("one down", r.stdout);
      // Main Server's items went out as they would alone (the sample: 13 movies, 30 episodes).
      assert.deepEqual(s.added, { movies: 13, episodes: 30 });
      assert.equal(w.trakt.writes().length, 1);
      assert.deepEqual(s.servers_failed?.map((f) => [f.server, f.code]), [["Bedroom", 4]]);
      // The server named once, by the error that says what happened to it.
      assert.match(s.error!.message, /^Plex server "Bedroom" \(http:\S+\) could not be reached/);
      assert.equal(s.error!.message.split('"Bedroom"').length, 2, s.error!.message);
      assert.equal(s.error!.code, 4);
      assert.match(
        r.stderr,
        /^warning: Plex server "Bedroom" \(http:\S+\) could not be reached.*; this run synced the other servers without it$/m,
      );
      assert.match(
        r.stderr,
        /^error: Plex server "Bedroom" \(http:\S+\) could not be reached.*synced without it/m,
      );

      // A preview says "previewed", in its warning and in its error alike.
      const dry = await log.run(w, [...SKIPPING, "--dry-run", "--json"]);
      assert.equal(dry.code, 4, dry.stderr);
      const d = summaryOf("preview, one down", dry.stdout) as Summary & { warnings: string[] };
      assert.ok(d.warnings.some((m) => /this run previewed the other servers/.test(m)), dry.stdout);
      assert.match(d.error!.message, /The other servers were previewed without it/);

      // Each server's last sync is its own: the one that was read succeeded.
      const status = await log.run(w, ["trakt", "status", "--json"]);
      const last = new Map(
        (JSON.parse(status.stdout).last_syncs as LastSyncJson[]).map((x) => [x.serverName, x]),
      );
      assert.equal(last.get("Main Server")?.outcome, "success", status.stdout);
      assert.equal(last.get("Bedroom")?.outcome, "failed", status.stdout);
      // Each record counts the servers that were read: here Main Server's alone.
      assert.equal(last.get("Main Server")?.servers, undefined);
      assert.equal(last.get("Bedroom")?.servers, undefined);
      // Never read, it has nothing of the run's own: not Main Server's not-found or skipped.
      const bedroom = last.get("Bedroom")!;
      assert.deepEqual(
        [bedroom.added, bedroom.notFound, bedroom.skipped],
        [{ movies: 0, episodes: 0 }, { movies: 0, episodes: 0 }, 0],
      );
      assert.match(bedroom.error ?? "", /Bedroom/);

      // With a server missing, what only it has would look missing: nothing is removed.
      const removal = await log.run(w, [...SKIPPING, "--remove-missing", "--json"]);
      assert.equal(removal.code, 4, removal.stderr);
      const rs = summaryOf("removal with one down", removal.stdout);
      assert.match(rs.removal?.refused ?? "", /"Bedroom" could not be read.*nothing was removed/);
      // Nor is anything listed as missing: Bedroom may hold it.
      assert.deepEqual([rs.removal?.planned, rs.removal?.movies], [{ movies: 0, episodes: 0 }, []]);
      assert.equal(w.trakt.log.filter((e) => e.path.endsWith("/remove")).length, 0);

      // A refused token is exit 3, the others still synced; once both answer, exit 0.
      await Deno.writeTextFile(
        w.configPath,
        iniText({ servers: servers(w.plexUrl, "wrong-token-0000") })
          .replaceAll("{plex}", w.plexUrl).replaceAll("{trakt}", w.traktUrl),
      );
      const refused = await log.run(w, [...SKIPPING, "--json"]);
      assert.equal(refused.code, 3, refused.stderr);
      assert.deepEqual(
        summaryOf("token refused", refused.stdout).servers_failed?.map((f) => f.code),
        [3],
      );
      await Deno.writeTextFile(
        w.configPath,
        iniText({ servers: servers(w.plexUrl) })
          .replaceAll("{plex}", w.plexUrl).replaceAll("{trakt}", w.traktUrl),
      );
      const back = await log.run(w, [...SKIPPING, "--json"]);
      assert.equal(back.code, 0, back.stderr);
      const b = summaryOf("both back", back.stdout);
      assert.equal(b.servers_failed, undefined);
      assert.equal(b.error, undefined);
    },
  );
});

Deno.test("e2e sync: --skip-unreachable, a listing failing on one server: the others are still synced", async () => {
  const ini = iniText({
    servers: `[plex:0]\nname = Bedroom\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n\n` +
      `[plex:1]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n`,
  });
  await log.withWorld({ ...sampleLibrary(), ini }, async (w) => {
    // Bedroom lists first: its three tries of the first library fail, then Plex recovers.
    w.plex.faults.failNext.push({ path: "/library/sections/1/all", status: 500, count: 3 });
    const r = await log.run(w, [...SKIPPING, "--json"]);
    assert.equal(r.code, 4, r.stderr);
    const s = summaryOf("listing failed", r.stdout);
    assert.deepEqual(s.servers_failed?.map((f) => f.server), ["Bedroom"]);
    assert.deepEqual(s.added, { movies: 13, episodes: 30 });
  });
});

Deno.test("e2e sync: --skip-unreachable with every server down fails with the first one's error", async () => {
  const ini = iniText({
    servers: `[plex:0]\nname = Bedroom\nurl = http://127.0.0.1:${closedPort()}\n` +
      `token = ${PLEX_TOKEN}\n\n[plex:1]\nname = Attic\nurl = http://127.0.0.1:${closedPort()}\n` +
      `token = ${PLEX_TOKEN}\n`,
  });
  await log.withWorld({ ...sampleLibrary(), ini }, async (w) => {
    const r = await log.run(w, [...SKIPPING, "--json"]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /^error: .*Bedroom/m);
    assert.equal(w.trakt.writeAttempts().length, 0);
    const status = await log.run(w, ["trakt", "status", "--json"]);
    const outcomes = (JSON.parse(status.stdout).last_syncs as { outcome: string }[])
      .map((x) => x.outcome);
    assert.deepEqual(outcomes, ["failed", "failed"]);
  });
});

Deno.test("e2e sync: --library limits the sync to the named libraries", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--library", "classics", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = summaryOf("classics", r.stdout);
    assert.equal(s.plex.movies, 5);
    assert.equal(s.plex.episodes, 0);
    const titles = (w.trakt.writes()[0]!.body as PostedBody).movies!.map((m) => m.title).sort();
    assert.deepEqual(titles, [
      "Back to the Future",
      "Big Buck Bunny",
      "Sintel",
      "Star Wars",
      "The Godfather",
    ]);
    assert.ok(
      w.plex.requests("/library/sections/").every((e) => !/\/sections\/[1245]\//.test(e.path)),
    );
  });
});

Deno.test("e2e sync: no output of this file shows a secret", () => {
  log.assertNoSecrets();
});
