/**
 * Configuration and usage errors end to end: each exits 2, names the file, section and key,
 * and says how to fix it (design §4, §6); none of them touches Plex or Trakt. Commander's own
 * usage errors exit 2 too, not 1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { sampleLibrary } from "../emulators/sample_library.ts";
import { PLEX_TOKEN, type World, type WorldOptions } from "../helpers/world.ts";
import { CLIENT_SECRET, iniText, OutputLog } from "./e2e_util.ts";

const log = new OutputLog();

function world(extra: Partial<WorldOptions> = {}): WorldOptions {
  return { ...sampleLibrary(), ...extra };
}

/** A config error: exit 2, nothing on stdout, one `error:` line, no request anywhere. */
function assertConfigError(w: World, r: { code: number; stdout: string; stderr: string }): string {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: /);
  assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
  assert.equal(w.plex.log.length, 0, "Plex is not contacted");
  assert.equal(w.trakt.log.length, 0, "Trakt is not contacted");
  return r.stderr;
}

const TRAKT_SECTION = `[trakt]\nclient_id = test-client-id\nclient_secret = ${CLIENT_SECRET}\n` +
  "api_url = {trakt}\nauth_url = {trakt}\n";

Deno.test("e2e config: no config file anywhere → exit 2 naming where it looked and the fix", async () => {
  await log.withWorld(world(), async (w) => {
    await Deno.remove(w.configPath);
    const r = await log.run(w, ["trakt", "sync"], { COMPLEXIONIST_CONFIG: "" });
    const msg = assertConfigError(w, r);
    assert.match(msg, /complexionist\.ini/);
    assert.match(msg, /no configuration file found/);
    assert.match(msg, /--config/);
    assert.match(msg, /COMPLEXIONIST_CONFIG/);
    assert.match(msg, /~\/\.complexionist\/complexionist\.ini/);
    assert.match(msg, /pass --config PATH/);
  });
});

Deno.test("e2e config: --config or $COMPLEXIONIST_CONFIG naming a missing file → exit 2", async () => {
  await log.withWorld(world(), async (w) => {
    const missing = join(w.dir, "nope", "x.ini");
    const r = await log.run(w, ["--config", missing, "trakt", "sync"]);
    const msg = assertConfigError(w, r);
    assert.ok(msg.includes(missing), msg);
    assert.match(msg, /not found \(named by --config\)/);
    assert.match(msg, /Check the path/);

    const env = await log.run(w, ["trakt", "status"], { COMPLEXIONIST_CONFIG: missing });
    const envMsg = assertConfigError(w, env);
    assert.ok(envMsg.includes(missing), envMsg);
    assert.match(envMsg, /COMPLEXIONIST_CONFIG/);
  });
});

Deno.test("e2e config: a malformed line → exit 2 with file, section, line and the fix", async () => {
  await log.withWorld(world({ ini: iniText({ trakt: "this line is not ini\n" }) }), async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    const msg = assertConfigError(w, r);
    assert.ok(msg.includes(w.configPath), msg);
    assert.match(msg, /\[trakt\]/);
    assert.match(msg, /line 12/);
    assert.match(msg, /key = value/);
  });
});

Deno.test("e2e config: [trakt] without client_id → exit 2 naming [trakt] client_id", async () => {
  const ini =
    `[plex:0]\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n\n[trakt]\nclient_secret = s3cr3t-value\n` +
    "api_url = {trakt}\nauth_url = {trakt}\n";
  await log.withWorld(world({ ini }), async (w) => {
    log.secrets.add("s3cr3t-value");
    const r = await log.run(w, ["trakt", "sync"]);
    const msg = assertConfigError(w, r);
    assert.ok(msg.includes(`${w.configPath} [trakt] client_id`), msg);
    assert.match(msg, /is not set/);
    assert.match(msg, /client_id = … or set TRAKT_CLIENT_ID/);
    // The environment may supply it instead (design §4): then the sync runs.
    const viaEnv = await log.run(w, ["trakt", "sync", "--dry-run"], {
      TRAKT_CLIENT_ID: "test-client-id",
      TRAKT_CLIENT_SECRET: CLIENT_SECRET,
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
  });
});

Deno.test("e2e config: [plex:0] without url, or with an invalid url → exit 2 naming [plex:0] url", async () => {
  const noUrl = `[plex:0]\nname = Main Server\ntoken = ${PLEX_TOKEN}\n\n${TRAKT_SECTION}`;
  await log.withWorld(world({ ini: noUrl }), async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    const msg = assertConfigError(w, r);
    assert.ok(msg.includes(`${w.configPath} [plex:0] url`), msg);
    assert.match(msg, /is missing/);
    assert.match(msg, /Add url = http:\/\/HOST:32400/);
  });
  const badUrl =
    `[plex:0]\nname = Main Server\nurl = 192.168.1.10:32400\ntoken = ${PLEX_TOKEN}\n\n` +
    TRAKT_SECTION;
  await log.withWorld(world({ ini: badUrl }), async (w) => {
    const r = await log.run(w, ["plex", "servers"]);
    const msg = assertConfigError(w, r);
    assert.ok(msg.includes(`${w.configPath} [plex:0] url`), msg);
    assert.match(msg, /http:\/\/ or https:\/\//);
    assert.match(msg, /line 3/);
    assert.match(msg, /such as http:\/\/192\.168\.1\.10:32400/);
  });
});

Deno.test("e2e config: ${UNSET_VAR} in a token → exit 2 naming the variable and the key", async () => {
  const ini = iniText({ plexToken: "${COMPLEXIONIST_E2E_UNSET_TOKEN}" });
  await log.withWorld(world({ ini }), async (w) => {
    const r = await log.run(w, ["trakt", "sync"]);
    const msg = assertConfigError(w, r);
    assert.ok(msg.includes(`${w.configPath} [plex:0] token`), msg);
    assert.match(msg, /COMPLEXIONIST_E2E_UNSET_TOKEN, which is not set/);
    assert.match(msg, /Set COMPLEXIONIST_E2E_UNSET_TOKEN or edit the value/);
    // Set, it expands (and the expanded token is a secret like any other).
    const ok = await log.run(w, ["plex", "servers"], {
      COMPLEXIONIST_E2E_UNSET_TOKEN: PLEX_TOKEN,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /reachable/);
  });
});

Deno.test("e2e config: --server with an unknown name or index → exit 2 listing the servers", async () => {
  const ini = iniText({
    servers: `[plex:0]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n\n` +
      `[plex:1]\nname = 4K Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n`,
  });
  await log.withWorld(world({ ini }), async (w) => {
    for (const server of ["Nope", "7"]) {
      const r = await log.run(w, ["trakt", "sync", "--server", server]);
      const msg = assertConfigError(w, r);
      assert.ok(msg.includes(`--server "${server}" matches no Plex server`), msg);
      assert.ok(msg.includes(w.configPath), msg);
      assert.match(msg, /configured: 0 "Main Server", 1 "4K Server"/);
      assert.match(msg, /--server all/);
    }
  });
});

Deno.test("e2e config: --library Nope → exit 2 listing the libraries", async () => {
  await log.withWorld(world(), async (w) => {
    const r = await log.run(w, ["trakt", "sync", "--library", "Nope"]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, "");
    const line = r.stderr.split("\n").find((l) => l.startsWith("error: "));
    assert.ok(line, r.stderr);
    assert.match(line, /"Nope"/);
    for (const title of ["Movies", "TV Shows", "Classics", "Home Videos", "TV \\(TheTVDB\\)"]) {
      assert.match(line, new RegExp(`"${title}"`));
    }
    assert.match(line, /--library/);
    assert.equal(w.trakt.writeAttempts().length, 0);
  });
});

Deno.test("e2e config: commander usage errors exit 2, not 1", async () => {
  await log.withWorld(world(), async (w) => {
    const cases: [string[], RegExp][] = [
      [["trakt", "sync", "--bogus"], /unknown option '--bogus'/],
      [["trakt", "frobnicate"], /unknown command 'frobnicate'/],
      [["frobnicate"], /unknown command 'frobnicate'/],
      [["trakt", "sync", "--server"], /option '--server <name\|index\|all>' argument missing/],
      [["completions", "powershell"], /powershell/],
      [["trakt", "status", "extra-arg"], /too many arguments/],
    ];
    for (const [args, re] of cases) {
      const r = await log.run(w, args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, "", args.join(" "));
      assert.match(r.stderr, /^error: /, args.join(" "));
      assert.match(r.stderr, re, args.join(" "));
      assert.doesNotMatch(r.stderr, /\.\./, `${args.join(" ")}: one full stop`);
    }
    assert.equal(w.plex.log.length + w.trakt.log.length, 0);
  });
});

Deno.test("e2e config: a placeholder Trakt credential stops Trakt commands only: plex servers runs", async () => {
  const ini = iniText().replace(
    `client_secret = ${CLIENT_SECRET}`,
    "client_secret = your_trakt_client_secret",
  );
  await log.withWorld(world({ ini }), async (w) => {
    const auth = await log.run(w, ["trakt", "auth"]);
    const msg = assertConfigError(w, auth);
    assert.match(msg, /\[trakt\] client_secret.*placeholder/);
    const plex = await log.run(w, ["plex", "servers"]);
    assert.equal(plex.code, 0, plex.stderr);
    assert.match(plex.stderr, /reachable/);
  });
});

Deno.test("e2e config: a misspelt key is warned about on every run; other unknown keys only under --verbose", async () => {
  const ini = `${iniText({ trakt: "token_stor = /elsewhere/x.kv\nusername = plexfan\n" })}`;
  await log.withWorld(world({ ini }), async (w) => {
    const typo =
      /\[trakt\] line \d+: "token_stor" is not a setting complexionist reads, so it is ignored; did you mean "token_store"\?/;
    for (const args of [["trakt", "sync", "--json"], ["-q", "trakt", "sync", "--dry-run"]]) {
      const r = await log.run(w, args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, typo, args.join(" "));
      assert.ok(r.stderr.includes(w.configPath), r.stderr);
      assert.doesNotMatch(r.stderr, /username/, "not a typo: --verbose only");
    }
    const json = await log.run(w, ["trakt", "sync", "--json"]);
    assert.doesNotThrow(() => JSON.parse(json.stdout), "stdout stays JSON");
    assert.doesNotMatch(json.stdout, /token_stor/);
    const verbose = await log.run(w, ["--verbose", "trakt", "sync", "--dry-run"]);
    assert.match(verbose.stderr, /"username" is not a setting complexionist reads; ignored/);
    assert.doesNotMatch(verbose.stderr, /\/elsewhere/, "values never shown");
  });
});

Deno.test("e2e config: no output of this file shows a secret", () => {
  log.assertNoSecrets();
});
