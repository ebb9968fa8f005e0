/**
 * Failures end to end (design §6, §8): Trakt not connected (3), Trakt failing after Plex was
 * read (4, with the JSON summary and its `error` key on stdout), Plex refusing the token (3),
 * unreachable (4) or answering HTML (4).
 */
import assert from "node:assert/strict";
import { SAMPLE_SECTIONS, sampleLibrary } from "../emulators/sample_library.ts";
import { syntheticLibrary } from "../emulators/synthetic.ts";
import { PLEX_TOKEN, type WorldOptions } from "../helpers/world.ts";
import { closedPort, iniText, OutputLog, parseJson, storedTokens, until } from "./e2e_util.ts";

const log = new OutputLog();

function world(extra: Partial<WorldOptions> = {}): WorldOptions {
  return { ...sampleLibrary(), ...extra };
}

Deno.test("e2e failures: trakt sync without a login exits 3 before reading Plex", async () => {
  await log.withWorld(world({ loggedIn: false }), async (w) => {
    for (const args of [["trakt", "sync"], ["trakt", "sync", "--json"]]) {
      const r = await log.run(w, args);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, "", `${args.join(" ")}: Plex was not read, so no summary`);
      assert.equal(r.stderr, "error: Trakt is not connected. Run `complexionist trakt auth`\n");
    }
    assert.equal(w.plex.log.length, 0);
    assert.equal(w.trakt.log.length, 0);
  });
});

Deno.test("e2e failures: a Plex listing that ends early is warned about and not reused by the hourly run", async () => {
  await log.withWorld(world(), async (w) => {
    assert.equal((await log.run(w, ["trakt", "sync"])).code, 0);
    // A movie late in the listing leaves Trakt (an outside change), so the next run compares
    // everything, and Plex lists it on a page that comes back empty.
    const listing = await fetch(
      `${w.plexUrl}/library/sections/1/all?type=1&includeGuids=1&X-Plex-Container-Start=0&` +
        `X-Plex-Container-Size=200&X-Plex-Token=${PLEX_TOKEN}`,
      { headers: { accept: "application/json" } },
    ).then((r) => r.json());
    const items = listing.MediaContainer.Metadata as { Guid?: { id: string }[] }[];
    assert.ok(items.length > 10, "the listing spans several pages of 5");
    const token = w.trakt.issueTokens().access_token;
    let removed = 0;
    for (const item of items.slice(5).reverse()) {
      const imdb = item.Guid?.find((g) => g.id.startsWith("imdb://"))?.id.slice(7);
      if (!imdb) continue;
      const answer = await fetch(`${w.traktUrl}/sync/collection/remove`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "trakt-api-key": "test-client-id",
          "trakt-api-version": "2",
          authorization: `Bearer ${token}`,
          "user-agent": "e2e",
        },
        body: JSON.stringify({ movies: [{ ids: { imdb } }] }),
      }).then((r) => r.json());
      removed = answer.deleted.movies;
      if (removed) break;
    }
    assert.equal(removed, 1);

    w.plex.pageMax = 5;
    w.plex.faults.emptyPages = 1;
    const glitch = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(glitch.code, 0, glitch.stderr);
    assert.match(
      glitch.stderr,
      /warning: Plex's listing of library "Main Server \/ Movies" changed or came back incomplete/,
    );
    const g = parseJson("glitch", glitch.stdout) as { added: { movies: number } };
    assert.equal(g.added.movies, 0, "the movie was on the page that came back empty");

    // Plex is well again: the next run compares everything instead of reusing that comparison.
    const next = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(next.code, 0, next.stderr);
    const n = parseJson("next", next.stdout) as {
      added: { movies: number };
      incremental: boolean;
    };
    assert.equal(n.incremental, false);
    assert.equal(n.added.movies, 1);
    assert.doesNotMatch(next.stderr, /warning/);
  });
});

Deno.test("e2e failures: Trakt failing only on its last activities → the full diff still runs, with a warning", async () => {
  const trakt = {
    faults: { failNext: [{ status: 503, count: 1000, path: "/sync/last_activities" }] },
  };
  await log.withWorld(world({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = parseJson("stamps failing", r.stdout) as {
      added: { movies: number; episodes: number };
      incremental: boolean;
      warnings: string[];
    };
    assert.deepEqual(s.added, { movies: 13, episodes: 30 });
    assert.equal(s.incremental, false);
    assert.ok(
      s.warnings.some((m) => /last activities could not be read.*compared everything/.test(m)),
      s.warnings.join("\n"),
    );
  });
});

Deno.test("e2e failures: Trakt failing only on the account settings → the sync still sends, with a warning", async () => {
  const trakt = { faults: { failNext: [{ status: 503, count: 1000, path: "/users/settings" }] } };
  await log.withWorld(world({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = parseJson("settings failing", r.stdout) as {
      added: { movies: number; episodes: number };
      warnings: string[];
    };
    assert.deepEqual(s.added, { movies: 13, episodes: 30 });
    assert.ok(
      s.warnings.some((m) => /collection limit could not be checked.*sending anyway/.test(m)),
      s.warnings.join("\n"),
    );
    // In the human report a warning shown as it happened is not repeated at the end.
    const human = await log.run(w, ["trakt", "sync", "--full"]);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(
      human.stderr.match(/collection limit could not be checked/g)?.length,
      1,
      human.stderr,
    );
  });
});

Deno.test("e2e failures: a Cloudflare block on token renewal is a block (exit 4), not a lost login", async () => {
  const page = "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>" +
    "<body><h1>Sorry, you have been blocked</h1><span>Cloudflare Ray ID: <strong>" +
    "8f1a2b3c4d5e6f70</strong></span></body></html>";
  const block = {
    status: 403,
    count: 1000,
    path: "/oauth/token",
    body: page,
    headers: { server: "cloudflare", "cf-ray": "8f1a2b3c4d5e6f70-FRA" },
  };
  // The stored login is due for renewal, and Cloudflare answers the renewal.
  await log.withWorld(
    world({ loggedIn: { expiresIn: 60 }, trakt: { faults: { failNext: [block] } } }),
    async (w) => {
      const before = await storedTokens(w);
      const r = await log.run(w, ["trakt", "sync"]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(
        r.stderr,
        /^error: Trakt's Cloudflare blocked renewing the login \(HTTP 403, Ray ID 8f1a2b3c4d5e6f70/m,
      );
      assert.doesNotMatch(r.stderr, /trakt auth/);
      assert.equal((await storedTokens(w))?.refreshToken, before?.refreshToken, "login kept");
    },
  );
});

Deno.test("e2e failures: Trakt answering 500 to every write → exit 4, JSON summary with error", async () => {
  const trakt = {
    faults: { failNext: [{ status: 500, count: 1000, path: "/sync/collection", method: "POST" }] },
  };
  await log.withWorld(world({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 4, r.stderr);
    const s = parseJson("500s", r.stdout) as {
      planned: unknown;
      added: unknown;
      plex: { movies: number };
      requests: { trakt_post: number; retries: number };
      error?: { code: number; message: string };
    };
    assert.ok(s.error, "an error key");
    assert.equal(s.error.code, 4);
    assert.match(s.error.message, /HTTP 500/);
    assert.deepEqual(s.planned, { movies: 14, episodes: 30 });
    assert.deepEqual(s.added, { movies: 0, episodes: 0 });
    assert.equal(s.plex.movies, 18, "what was read is reported");
    const attempts = w.trakt.writeAttempts().length;
    assert.ok(attempts >= 2 && attempts <= 10, `retried, bounded: ${attempts} attempts`);
    assert.equal(s.requests.trakt_post, attempts);
    assert.equal(s.requests.retries, attempts - 1);
    assert.equal(w.trakt.writes().length, 0);
    assert.match(r.stderr, /^error: Trakt failed adding to the collection \(HTTP 500/m);
    assert.match(r.stderr, /status\.trakt\.tv/);

    // Human form: the same error, nothing on stdout; the failure is remembered for status.
    const human = await log.run(w, ["trakt", "sync"]);
    assert.equal(human.code, 4, human.stderr);
    assert.equal(human.stdout, "");
    assert.match(human.stderr, /^error: Trakt failed adding to the collection/m);
    const status = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const last = (parseJson("status", status.stdout).last_syncs as { outcome: string }[])[0];
    assert.equal(last?.outcome, "failed");
  });
});

Deno.test("e2e failures: Trakt failing the collection read → exit 4, and what Plex had is still reported", async () => {
  const trakt = {
    faults: { failNext: [{ status: 503, count: 1000, path: "/sync/collection", method: "GET" }] },
  };
  await log.withWorld(world({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json", "--full"]);
    assert.equal(r.code, 4, r.stderr);
    const s = parseJson("collection 503", r.stdout) as {
      plex: { movies: number; shows: number; episodes: number };
      error?: { code: number };
    };
    assert.equal(s.error?.code, 4);
    assert.equal(s.plex.movies, 18, "the movies Plex listed, though Trakt failed");
    assert.ok(s.plex.episodes > 0 && s.plex.shows > 0, JSON.stringify(s.plex));
    assert.equal(w.trakt.writes().length, 0);
  });
});

Deno.test("e2e failures: a Trakt 5xx burst is retried and the sync still succeeds", async () => {
  const trakt = {
    faults: {
      failNext: [
        { status: 502, count: 2, path: "/sync/collection", method: "POST" },
        { status: 503, count: 1, path: "/sync/last_activities" },
      ],
    },
  };
  await log.withWorld(world({ trakt }), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = parseJson("burst", r.stdout) as {
      added: unknown;
      requests: { retries: number };
      error?: unknown;
    };
    assert.equal(s.error, undefined);
    assert.deepEqual(s.added, { movies: 13, episodes: 30 });
    assert.equal(s.requests.retries, 3);
    assert.equal(w.trakt.writes().length, 1);
    assert.equal(w.trakt.writeAttempts().length, 3);
  });
});

Deno.test("e2e failures: Plex refusing the token → exit 3 naming [plex:0] token", async () => {
  await log.withWorld(world({ ini: iniText({ plexToken: "wrong-plex-token-123" }) }), async (w) => {
    log.secrets.add("wrong-plex-token-123");
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: Plex server "Main Server" refused the token/m);
    assert.match(r.stderr, /\[plex:0\] token/);
    assert.match(r.stderr, /HTTP 401/);
    assert.ok(w.plex.log.length > 0 && w.plex.log.every((e) => e.status === 401));
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test("e2e failures: Plex unreachable → exit 4 naming the server and its url", async () => {
  const url = `http://127.0.0.1:${closedPort()}`;
  await log.withWorld(world({ ini: iniText({ plexUrl: url }) }), async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: Plex server "Main Server"/m);
    assert.ok(r.stderr.includes(url), r.stderr);
    assert.match(r.stderr, /could not be reached/);
    assert.equal(w.plex.log.length, 0);
    assert.equal(w.trakt.writeAttempts().length, 0);

    const servers = await log.run(w, ["plex", "servers", "--json"]);
    assert.equal(servers.code, 4, servers.stderr);
    const report = parseJson("servers", servers.stdout) as {
      servers: { reachable: boolean; error?: { code: number } }[];
    };
    assert.equal(report.servers[0]?.reachable, false);
    assert.equal(report.servers[0]?.error?.code, 4);
    const human = await log.run(w, ["plex", "servers"]);
    assert.match(human.stderr, /"Main Server" \S+: NOT reachable$/m);
  });
});

Deno.test("e2e failures: Trakt unreachable → exit 4 naming the address and the keys; status --json still answers", async () => {
  const url = `http://127.0.0.1:${closedPort()}`;
  await log.withWorld(world(), async (w) => {
    const r = await log.run(w, ["trakt", "status"], { TRAKT_API_URL: url });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /Trakt could not be reached at http:\/\/127\.0\.0\.1:\d+ \(/);
    assert.ok(r.stderr.includes(url), r.stderr);
    assert.match(r.stderr, /\[trakt\] api_url and auth_url/);

    // A health check reading `status --json` still gets the local record, and why it failed.
    const ok = await log.run(w, ["trakt", "sync"]);
    assert.equal(ok.code, 0, ok.stderr);
    const json = await log.run(w, ["trakt", "status", "--json"], { TRAKT_API_URL: url });
    assert.equal(json.code, 4, json.stderr);
    const doc = parseJson("status", json.stdout) as {
      error: { code: number; message: string };
      last_syncs: { outcome: string }[];
    };
    assert.equal(doc.error.code, 4);
    assert.match(doc.error.message, /Trakt could not be reached/);
    assert.deepEqual(doc.last_syncs.map((x) => x.outcome), ["success"]);

    // The text form shows the local record too, then why Trakt could not be asked.
    const text = await log.run(w, ["trakt", "status"], { TRAKT_API_URL: url });
    assert.equal(text.code, 4, text.stderr);
    assert.match(text.stderr, /Last sync of "Main Server": \S+ success: added /);
    assert.match(text.stderr, /Last sync[^\n]*\n(?:.*\n)*error: Trakt could not be reached/);
  });
});

Deno.test("e2e failures: trakt sync with Trakt unreachable fails once, and claims no plan", async () => {
  const url = `http://127.0.0.1:${closedPort()}`;
  await log.withWorld(world(), async (w) => {
    const r = await log.run(w, ["trakt", "sync"], { TRAKT_API_URL: url });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /^error: Trakt could not be reached at http:\/\/127\.0\.0\.1:\d+ /m);
    // Not read: no "Nothing to add" about a collection nobody saw, no fallback to a full diff.
    assert.doesNotMatch(r.stderr, /Nothing to add|Trakt already has/);
    assert.doesNotMatch(r.stderr, /last activities could not be read/);
    assert.equal(w.plex.count("/library/sections/1/all"), 0, "Plex's libraries were not listed");
  });
});

Deno.test("e2e failures: Trakt's collection failing after Plex was read → its counts, no plan", async () => {
  await log.withWorld(world(), async (w) => {
    // A first sync leaves one title Trakt does not know (Sintel) on record.
    assert.equal((await log.run(w, ["trakt", "sync"])).code, 0);
    w.trakt.faults.failNext.push({
      status: 503,
      count: 1000,
      path: "/sync/collection",
      method: "GET",
    });
    w.plex.addMovie("1", {
      ratingKey: "990",
      title: "New",
      addedAt: 1_710_000_000,
      ids: { imdb: "tt9990001" },
    });
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /^Plex: 19 movies, 35 episodes of 9 shows/m);
    assert.doesNotMatch(r.stderr, /Nothing to add|Trakt already has|Added /);
    assert.match(r.stderr, /^error: Trakt failed reading the movie collection \(page 1\)/m);
    // Nothing was compared: the not-found record of the last run that compared stays.
    const status = await log.run(w, ["trakt", "status", "--json"]);
    const last = (parseJson("status", status.stdout).last_syncs as {
      outcome: string;
      notFound: { movies: number };
      existing: { movies: number; episodes: number };
    }[])[0]!;
    assert.equal(last.outcome, "failed");
    assert.equal(last.notFound.movies, 1, "Sintel is still on record");
    assert.deepEqual(last.existing, { movies: 2, episodes: 4 }, "not this run's zeros");
  });
});

Deno.test("e2e failures: a Plex url with a path (copied from the browser) gets a hint about the url", async () => {
  await log.withWorld(world({ ini: iniText({ plexUrl: "{plex}/web/index.html" }) }), async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /\(HTTP 404/);
    assert.match(r.stderr, /Check \[plex:0\] url: .* without a path such as \/web\/index\.html/);
  });
});

Deno.test("e2e failures: Plex answering JSON of another shape → exit 4 naming the server", async () => {
  await log.withWorld(world(), async (w) => {
    const odd = {
      status: 200,
      count: 1000,
      body: '{"hello":"world"}',
      contentType: "application/json",
    };
    w.plex.faults.failNext.push({ ...odd, path: "/library/sections" });
    const r = await log.run(w, ["trakt", "sync", "--dry-run"]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      /^error: Plex server "Main Server" \(\[plex:0\] url\) answered an unexpected section list/m,
    );

    // It answered: reachable, though not as Plex does.
    w.plex.faults.failNext.push({ ...odd, path: "/" });
    const human = await log.run(w, ["plex", "servers"]);
    assert.equal(human.code, 4, human.stderr);
    assert.match(human.stderr, /: reachable, but it did not answer as Plex Media Server does$/m);
    const json = await log.run(w, ["plex", "servers", "--json"]);
    const report = parseJson("servers", json.stdout) as { servers: Record<string, unknown>[] };
    assert.equal(report.servers[0]?.reachable, true);
    assert.ok(!("problem" in report.servers[0]!), "the human line's text is not a JSON key");
  });
});

Deno.test("e2e failures: Plex answering HTML instead of JSON → exit 4 with a clear message", async () => {
  await log.withWorld(world(), async (w) => {
    w.plex.faults.htmlInsteadOfJson = true;
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: Plex server "Main Server" .*answered an HTML page/m);
    assert.match(r.stderr, /instead of JSON/);
    assert.match(r.stderr, /\[plex:0\] url/);
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test("e2e failures: Plex failing on every request → exit 4 after bounded retries", async () => {
  await log.withWorld(world(), async (w) => {
    w.plex.faults.failNext.push({ status: 500, count: 1000 });
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^error: Plex server "Main Server" failed .*HTTP 500/m);
    assert.ok(w.plex.log.length >= 2 && w.plex.log.length <= 10, `${w.plex.log.length} tries`);
  });
});

Deno.test("e2e failures: Trakt failing after a batch went through → exit 4, status says partial", async () => {
  const lib = syntheticLibrary({
    seed: 7,
    movies: 300,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 0,
  });
  // Writes 1.5 s apart: room to make Trakt fail between the first and the second.
  const ini = iniText().replace("write_interval_ms = 0", "write_interval_ms = 1500");
  await log.withWorld({ ...lib, ini }, async (w) => {
    const run = log.spawn(w, ["trakt", "sync", "--json"]);
    await until("the first batch is sent", () => w.trakt.writes().length === 1);
    w.trakt.faults.failNext.push({
      status: 500,
      count: 1000,
      path: "/sync/collection",
      method: "POST",
    });
    const r = await run.finish();
    assert.equal(r.code, 4, r.stderr);
    const s = parseJson("5xx after a batch", r.stdout) as { added: { movies: number } };
    assert.equal(s.added.movies, 250);
    const status = await log.run(w, ["trakt", "status", "--json"]);
    const last = (parseJson("status", status.stdout).last_syncs as { outcome: string }[])[0];
    assert.equal(last?.outcome, "partial", "something was added before it failed");
  });
});

Deno.test("e2e failures: Trakt's account limit (420) stops all writes → exit 5, added reported", async () => {
  const lib = syntheticLibrary({
    seed: 5,
    movies: 300,
    shows: 4,
    episodesPerShow: 20,
    collectedFraction: 0,
  });
  await log.withWorld({ ...lib, trakt: { accountLimit: 280 } }, async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 5, r.stderr);
    const s = parseJson("420", r.stdout) as {
      planned: unknown;
      added: { movies: number; episodes: number };
      error?: { code: number; message: string };
    };
    assert.equal(s.error?.code, 5);
    assert.match(s.error!.message, /limit/);
    assert.deepEqual(s.planned, { movies: 300, episodes: 80 });
    assert.equal(s.added.movies + s.added.episodes, 250, "the first batch went through");
    assert.deepEqual(w.trakt.writeAttempts().map((e) => e.status), [201, 420], "then nothing");
    assert.match(r.stderr, /^Sent batch 1 of 2: 250 added/m);
    assert.match(r.stderr, /^error: .*limit.*\(HTTP 420\)/m);
    assert.match(r.stderr, /VIP/);
    const status = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const last = (parseJson("status", status.stdout).last_syncs as { outcome: string }[])[0];
    assert.equal(last?.outcome, "partial");
  });
});

Deno.test("e2e failures: a plan past the announced free limit warns (in the preview too), then sends anyway", async () => {
  const lib = syntheticLibrary({
    seed: 9,
    movies: 1020,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 0,
  });
  await log.withWorld({ ...lib, trakt: { accountLimit: null } }, async (w) => {
    // The preview warns as the run will, and sends nothing.
    const dry = await log.run(w, ["trakt", "sync", "--dry-run", "--json"]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /^warning: .*limit.*1000.*1020 are planned.*A real run would send/m);
    const preview = parseJson("dry", dry.stdout) as { warnings: string[] };
    assert.equal(preview.warnings.length, 1);
    assert.equal(w.trakt.writes().length, 0);

    const r = await log.run(w, ["trakt", "sync", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^warning: .*limit.*1000.*1020 are planned.*Sending anyway/m);
    const warned = r.stderr.indexOf("warning:");
    assert.ok(warned >= 0 && warned < r.stderr.indexOf("Sent batch 1 of 5"), "warned before");
    const s = parseJson("over", r.stdout) as { added: unknown; warnings: string[] };
    assert.deepEqual(s.added, { movies: 1020, episodes: 0 });
    assert.equal(s.warnings.length, 1);
    assert.equal(w.trakt.writes().length, 5);
  });
});

Deno.test({
  name: "e2e failures: SIGINT while waiting out a 429 → exit 130 at once, JSON with error",
  // Deno cannot send SIGINT to a child process on Windows.
  ignore: Deno.build.os === "windows",
}, async () => {
  const trakt = {
    faults: {
      failNext: [{
        status: 429,
        path: "/sync/collection",
        method: "POST",
        headers: { "retry-after": "60" },
      }],
    },
  };
  await log.withWorld(world({ trakt }), async (w) => {
    const sync = log.spawn(w, ["trakt", "sync", "--json"]);
    const deadline = Date.now() + 20_000;
    while (!w.trakt.log.some((e) => e.method === "POST" && e.status === 429)) {
      assert.ok(Date.now() < deadline, "the write was attempted");
      await new Promise((r) => setTimeout(r, 10));
    }
    const killedAt = Date.now();
    sync.child.kill("SIGINT");
    const r = await sync.finish();
    const elapsed = Date.now() - killedAt;
    assert.equal(r.code, 130, r.stderr);
    assert.ok(elapsed < 5_000, `stopped within ${elapsed} ms, not after Retry-After: 60`);
    const s = parseJson("sigint", r.stdout) as {
      added: unknown;
      error?: { code: number; message: string };
    };
    assert.equal(s.error?.code, 130);
    assert.deepEqual(s.added, { movies: 0, episodes: 0 });
    assert.match(r.stderr, /^error: Interrupted .*Run the command again to finish$/m);
    assert.equal(w.trakt.writeAttempts().length, 1, "no write after the interrupt");
    assert.equal(w.trakt.writes().length, 0);
  });
});

Deno.test("e2e failures: no output of this file shows a secret", () => {
  log.assertNoSecrets();
});

Deno.test("e2e failures: a run that fails before reading Plex is the last sync `status` shows", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    const ok = await log.run(w, ["trakt", "sync"]);
    assert.equal(ok.code, 0, ok.stderr);
    type Last = {
      outcome: string;
      error?: string;
      added: { movies: number };
      notFound: { movies: number; episodes: number };
    };
    const lastOf = async () => {
      const status = await log.run(w, ["trakt", "status", "--json"]);
      assert.equal(status.code, 0, status.stderr);
      return (parseJson("status", status.stdout).last_syncs as Last[])[0]!;
    };
    const before = await lastOf();
    assert.ok(before.notFound.movies + before.notFound.episodes > 0, "something was not found");
    // The next hourly run finds Plex refusing the token: status must not keep the old success.
    w.plex.faults.failNext.push({ status: 401, count: 1000 });
    const failed = await log.run(w, ["trakt", "sync"]);
    assert.equal(failed.code, 3, failed.stderr);
    const last = await lastOf();
    assert.equal(last.outcome, "failed");
    assert.match(last.error ?? "", /Plex server "Main Server" refused the token/);
    assert.equal(last.added.movies, 0);
    // It learned nothing of what Trakt lacks: the counts stay beside the list they describe.
    assert.deepEqual(last.notFound, before.notFound);
    const human = await log.run(w, ["trakt", "status"]);
    assert.match(human.stderr, /failed/);
  });
});

Deno.test("e2e failures: a library whose listing fails is named by its title", async () => {
  await log.withWorld(world(), async (w) => {
    const path = `/library/sections/${SAMPLE_SECTIONS.shows}/all`;
    w.plex.faults.failNext.push({ status: 500, count: 1000, path });
    const r = await log.run(w, ["trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`listing library "TV Shows" \\(section ${SAMPLE_SECTIONS.shows}\\)`),
    );
  });
});
