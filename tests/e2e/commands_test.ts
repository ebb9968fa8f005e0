/**
 * The other commands end to end — `trakt status` (human and --json), `plex servers`,
 * `--version`, `--help` — and the output conventions: no colour without a TTY (also without
 * NO_COLOR), --verbose logging every request with secrets redacted.
 */
import assert from "node:assert/strict";
import { sampleLibrary } from "../emulators/sample_library.ts";
import { PLEX_TOKEN, type World, type WorldOptions } from "../helpers/world.ts";
import { VERSION } from "../../lib/version.ts";
import { leakedPart, OutputLog, parseJson, storedTokens } from "./e2e_util.ts";

const log = new OutputLog();

function world(extra: Partial<WorldOptions> = {}): WorldOptions {
  return { ...sampleLibrary(), ...extra };
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

interface StatusJson {
  connected: boolean;
  username?: string;
  vip?: boolean;
  collection?: { movies: number; shows: number; episodes: number };
  token_expires_at?: string;
  last_syncs: {
    server: string;
    serverName: string;
    at: unknown;
    outcome: string;
    added: { movies: number; episodes: number };
    notFound: { movies: number; episodes: number };
    configured: boolean;
  }[];
}

Deno.test("e2e commands: trakt status before and after a sync (human and --json)", async () => {
  await log.withWorld(world(), async (w) => {
    const before = await log.run(w, ["trakt", "status"]);
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stdout, "");
    assert.match(before.stderr, /^Trakt: connected as plexfan \(free account\)$/m);
    assert.match(before.stderr, /^Collection: 2 movies, 4 episodes of 2 shows/m);
    assert.match(before.stderr, /^Last sync: never\. Run `complexionist trakt sync`$/m);

    const sync = await log.run(w, ["trakt", "sync"]);
    assert.equal(sync.code, 0, sync.stderr);
    const t0 = Date.now();

    const human = await log.run(w, ["trakt", "status"]);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, "");
    assert.match(
      human.stderr,
      /^Collection: 15 movies, 34 episodes of 9 shows \(951 left of the announced 1,000-item/m,
    );
    assert.match(
      human.stderr,
      /^Last sync of "Main Server": \d{4}-\d\d-\d\dT[\d:.]+Z success: added 13 movies, 30 episodes; not found 1$/m,
    );
    assert.match(human.stderr, /^Token: valid until \d{4}-/m);

    const json = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const s = parseJson("status", json.stdout) as unknown as StatusJson;
    assert.equal(s.connected, true);
    assert.equal(s.username, "plexfan");
    assert.equal(s.vip, false);
    assert.deepEqual(s.collection, { movies: 15, shows: 9, episodes: 34 });
    assert.match(s.token_expires_at!, ISO_RE);
    assert.ok(Date.parse(s.token_expires_at!) > Date.now());
    assert.equal(s.last_syncs.length, 1);
    const last = s.last_syncs[0]!;
    assert.equal(last.serverName, "Main Server");
    assert.equal(last.outcome, "success");
    assert.deepEqual(last.added, { movies: 13, episodes: 30 });
    assert.deepEqual(last.notFound, { movies: 1, episodes: 0 });
    assert.equal(typeof last.at, "string");
    assert.match(last.at as string, ISO_RE);
    assert.ok(Math.abs(Date.parse(last.at as string) - t0) < 60_000);
    assert.equal(w.trakt.writeAttempts().length, 1, "status writes nothing");
    assert.equal(last.configured, true);

    // The server renamed in the config: its record stays, marked as no longer configured.
    const ini = await Deno.readTextFile(w.configPath);
    await Deno.writeTextFile(w.configPath, ini.replace("name = Main Server", "name = Den"));
    const renamed = await log.run(w, ["trakt", "status", "--json"]);
    const old = (parseJson("renamed", renamed.stdout) as unknown as StatusJson).last_syncs[0]!;
    assert.equal(old.configured, false);
    const text = await log.run(w, ["trakt", "status"]);
    assert.match(text.stderr, /^Last sync of "Main Server" \(no longer in the config\): /m);
  });
});

Deno.test("e2e commands: trakt status shows what Trakt says (a VIP user, another name)", async () => {
  await log.withWorld(world({ trakt: { vip: true, username: "cinephile" } }), async (w) => {
    const r = await log.run(w, ["trakt", "status", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const s = parseJson("vip", r.stdout) as unknown as StatusJson & {
      account_limit: { limit: number };
    };
    assert.equal(s.username, "cinephile");
    assert.equal(s.vip, true);
    assert.equal(s.account_limit.limit, 100_000);
    assert.match(r.stderr, /^Trakt: connected as cinephile \(VIP\)$/m);
  });
});

Deno.test(
  "e2e commands: trakt status --json gives last_syncs[].at as an ISO time also when logged out",
  // Regression: `at` was epoch milliseconds when logged out and an ISO string when connected.
  async () => {
    await log.withWorld(world(), async (w) => {
      assert.equal((await log.run(w, ["trakt", "sync"])).code, 0);
      assert.equal((await log.run(w, ["trakt", "logout"])).code, 0);
      const r = await log.run(w, ["trakt", "status", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /not connected/);
      const s = parseJson("status", r.stdout) as unknown as StatusJson;
      assert.equal(s.connected, false);
      assert.equal(s.last_syncs.length, 1);
      assert.equal(typeof s.last_syncs[0]!.at, "string");
      assert.match(s.last_syncs[0]!.at as string, ISO_RE);
      // The text form shows the local record too.
      const text = await log.run(w, ["trakt", "status"]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stderr, /not connected[^\n]*\nLast sync of "Main Server": \S+ success/);
    });
  },
);

Deno.test("e2e commands: plex servers lists the servers and their libraries", async () => {
  await log.withWorld(world(), async (w) => {
    const human = await log.run(w, ["plex", "servers"]);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, "");
    assert.ok(
      human.stderr.includes(`[plex:0] "Main Server" ${w.plexUrl}: reachable (Main Server, Plex `),
      human.stderr,
    );
    assert.match(human.stderr, /^ {4}Movies {2}\[movie\]$/m);
    assert.match(human.stderr, /^ {4}TV Shows {2}\[show\]$/m);

    const json = await log.run(w, ["plex", "servers", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const s = parseJson("servers", json.stdout) as {
      servers: {
        index: number;
        name: string;
        url: string;
        reachable: boolean;
        friendly_name?: string;
        libraries: { key: string; title: string; type: string }[];
      }[];
    };
    assert.equal(s.servers.length, 1);
    const server = s.servers[0]!;
    assert.equal(server.index, 0);
    assert.equal(server.name, "Main Server");
    assert.equal(server.url, w.plexUrl);
    assert.equal(server.reachable, true);
    assert.equal(server.friendly_name, "Main Server");
    assert.deepEqual(
      server.libraries.map((l) => `${l.key} ${l.title} ${l.type}`),
      [
        "1 Movies movie",
        "2 TV Shows show",
        "3 Classics movie",
        "4 Home Videos movie",
        "5 TV (TheTVDB) show",
      ],
    );
    assert.equal(w.trakt.log.length, 0, "plex servers does not talk to Trakt");
  });
});

Deno.test("e2e commands: --version, --help and trakt sync --help exit 0 with an example", async () => {
  await log.withWorld(world(), async (w) => {
    const version = await log.run(w, ["--version"]);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `${VERSION}\n`);
    assert.equal(version.stderr, "");

    const help = await log.run(w, ["--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.equal(help.stderr, "");
    assert.match(help.stdout, /^Usage: complexionist /m);
    assert.match(help.stdout, /Examples?:\n {2}complexionist trakt auth/);
    for (const flag of ["--config", "--verbose", "--quiet", "--no-color", "--version"]) {
      assert.ok(help.stdout.includes(flag), flag);
    }

    const sync = await log.run(w, ["trakt", "sync", "--help"]);
    assert.equal(sync.code, 0, sync.stderr);
    assert.equal(sync.stderr, "");
    assert.match(sync.stdout, /^Usage: complexionist trakt sync /m);
    for (const flag of ["--server", "--library", "--dry-run", "--json"]) {
      assert.ok(sync.stdout.includes(flag), flag);
    }
    assert.match(sync.stdout, /Examples?:\n {2}complexionist trakt sync --dry-run/);
    assert.equal(w.plex.log.length + w.trakt.log.length, 0);
  });
});

Deno.test("e2e commands: no ANSI colour without a TTY, NO_COLOR or not; --quiet prints nothing", async () => {
  await log.withWorld(world(), async (w) => {
    for (
      const [args, env] of [
        [["trakt", "sync", "--dry-run"], { NO_COLOR: "" }],
        [["--no-color", "trakt", "sync", "--dry-run"], { NO_COLOR: "" }],
        [["trakt", "sync", "--bogus"], { NO_COLOR: "" }],
      ] as [string[], Record<string, string>][]
    ) {
      const r = await log.run(w, args, env);
      assert.ok(r.stderr.length > 0, args.join(" "));
      assert.ok(!r.stderr.includes("\x1b"), `${args.join(" ")}: ${JSON.stringify(r.stderr)}`);
      assert.equal(r.stdout, "");
    }
    const quiet = await log.run(w, ["--quiet", "trakt", "sync"]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout, "");
    assert.equal(quiet.stderr, "");
    assert.equal(w.trakt.writes().length, 1, "--quiet still syncs");
  });
});

Deno.test("e2e commands: --verbose logs every request (method, path, status) with secrets redacted", async () => {
  await log.withWorld(world({ loggedIn: { expiresIn: 1, createdAt: 1_000_000 } }), async (w) => {
    const r = await log.run(w, ["--verbose", "trakt", "sync"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.includes(`config: ${w.configPath} (from $COMPLEXIONIST_CONFIG)`), r.stderr);
    const lines = r.stderr.split("\n");
    const requestLine = (method: string, url: string, path: string, status: number) =>
      lines.some((l) => l.startsWith(`${method} ${url}${path}`) && l.includes(` → ${status} in `));
    for (
      const [method, url, path, status] of [
        ["POST", w.traktUrl, "/oauth/token", 200],
        ["GET", w.traktUrl, "/sync/last_activities", 200],
        ["GET", w.traktUrl, "/sync/collection/movies?", 200],
        ["GET", w.traktUrl, "/sync/collection/shows?", 200],
        ["POST", w.traktUrl, "/sync/collection", 201],
        ["GET", w.plexUrl, "/library/sections", 200],
        ["GET", w.plexUrl, "/library/sections/1/all?", 200],
        ["GET", w.plexUrl, "/library/metadata/", 200],
      ] as const
    ) {
      assert.ok(requestLine(method, url, path, status), `${method} ${path} logged:\n${r.stderr}`);
    }
    const logged = lines.filter((l) => / → \d{3} in \d+ ms$/.test(l)).length;
    assert.equal(logged, w.plex.log.length + w.trakt.log.length, "every request, once");
    assert.doesNotMatch(r.stderr, /authorization|bearer\s+[0-9a-f]/i);
    assert.ok(!r.stderr.includes(PLEX_TOKEN));
    await log.harvest(w);
    assert.equal(leakedPart(r.stderr, log.secrets), undefined);
  });
});

/**
 * Makes every collection write fail with HTTP 500 and a JSON body built around the stored
 * access token (`body(token)`), and returns the stored login.
 */
async function failWritesEchoingToken(w: World, body: (token: string) => unknown) {
  const t = (await storedTokens(w))!;
  w.trakt.faults.failNext.push({
    status: 500,
    count: 1000,
    path: "/sync/collection",
    method: "POST",
    body: JSON.stringify(body(t.accessToken)),
  });
  return t;
}

Deno.test("e2e commands: error bodies echoing a secret are redacted, --verbose included", async () => {
  await log.withWorld(world(), async (w) => {
    const t = await failWritesEchoingToken(w, (token) => ({ error: "bad", token }));
    const r = await log.run(w, ["--verbose", "trakt", "sync", "--json"]);
    assert.equal(r.code, 4, r.stderr);
    const s = parseJson("echo", r.stdout) as { error?: { code: number; message: string } };
    assert.equal(s.error?.code, 4);
    assert.match(s.error!.message, /\*\*\*/, "the echoed token is replaced");
    assert.match(r.stderr, /^error: Trakt failed adding to the collection \(HTTP 500: .*\*\*\*/m);
    assert.match(r.stderr, /RemoteError/, "--verbose adds the stack");
    assert.ok(!r.stdout.includes(t.accessToken) && !r.stderr.includes(t.accessToken));
  });
  await log.withWorld(world(), async (w) => {
    w.plex.faults.failNext.push({
      status: 500,
      count: 1000,
      body: `<html><head><title>Oops ${PLEX_TOKEN}</title></head></html>`,
    });
    const r = await log.run(w, ["--verbose", "trakt", "sync"]);
    assert.equal(r.code, 4, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /an HTML page \("Oops \*\*\*"\)/);
    assert.ok(!r.stderr.includes(PLEX_TOKEN));
  });
});

Deno.test(
  "e2e commands: an error body cut off mid-token shows no part of the token",
  // Regression: the body was cut at 120 characters before redaction, so a token straddling the
  // cut was no longer recognised and its first 40 characters were printed.
  async () => {
    await log.withWorld(world(), async (w) => {
      const t = await failWritesEchoingToken(
        w,
        (token) => ({ error: "x".repeat(60), echo: token }),
      );
      const r = await log.run(w, ["trakt", "sync", "--json"]);
      assert.equal(r.code, 4, r.stderr);
      assert.equal(leakedPart(r.stderr, [t.accessToken]), undefined, r.stderr);
      assert.equal(leakedPart(r.stdout, [t.accessToken]), undefined, r.stdout);
    });
  },
);

Deno.test("e2e commands: no output of this file shows a secret", () => {
  log.assertNoSecrets();
});
