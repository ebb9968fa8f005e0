import assert from "node:assert/strict";
import { join } from "node:path";
import { configSecrets, loadConfig } from "./load.ts";
import { requireTrakt } from "./trakt.ts";
import { expectConfigError, withTempDir, writeIni } from "./test_util.ts";

const EXAMPLE = `
; ComPlexionist's file, with our sections added
[plex:1]
name = 4K Server
url = https://10-0-0-5.abcdef.plex.direct:32400/
token = \${PLEX_TOKEN_4K}

[plex:0]
name = Main Server
url = http://localhost:32400
token = plexTokenMain123

[tmdb]
api_key = \${TMDB_API_KEY}

[tvdb]
api_key = $TVDB_API_KEY
[options]
exclude_future = maybe
[paths]
plex_prefix = \\\\volume1\\video

[trakt]
client_id = clientId123
client_secret = $TRAKT_SECRET_FROM_ENV
`;

Deno.test("load: the design's example, with unknown sections ignored", async () => {
  await withTempDir((dir) => {
    const path = writeIni(dir, EXAMPLE);
    // TMDB_API_KEY and TVDB_API_KEY are unset: [tmdb] and [tvdb] are not read at all.
    const env = { HOME: dir, PLEX_TOKEN_4K: "plexToken4k456", TRAKT_SECRET_FROM_ENV: "sec789" };
    const config = loadConfig(path, env, { cwd: dir });
    assert.equal(config.path, path);
    assert.deepEqual(config.servers, [
      {
        index: 0,
        name: "Main Server",
        url: "http://localhost:32400",
        token: "plexTokenMain123",
        verifyTls: true,
      },
      {
        index: 1,
        name: "4K Server",
        url: "https://10-0-0-5.abcdef.plex.direct:32400",
        token: "plexToken4k456",
        verifyTls: true,
      },
    ]);
    assert.deepEqual(config.trakt, {
      clientId: "clientId123",
      clientSecret: "sec789",
      apiUrl: "https://api.trakt.tv",
      authUrl: "https://auth.trakt.tv",
      writeIntervalMs: 1100,
    });
    assert.equal(config.storePath, join(dir, ".complexionist", "complexionist.kv"));
    assert.deepEqual(config.warnings, []);
    assert.deepEqual(configSecrets(config).sort(), [
      "plexToken4k456",
      "plexTokenMain123",
      "sec789",
    ]);
  });
});

Deno.test("load: environment overrides beat the file; empty ones are ignored", async () => {
  await withTempDir((dir) => {
    const path = writeIni(
      dir,
      "[trakt]\nclient_id = fileId\nclient_secret = fileSecret\napi_url = http://file:1\n",
    );
    const config = loadConfig(path, {
      HOME: dir,
      TRAKT_CLIENT_ID: "envId",
      TRAKT_CLIENT_SECRET: "",
      TRAKT_API_URL: "http://127.0.0.1:8080/",
      TRAKT_AUTH_URL: "http://127.0.0.1:8081/auth/",
    }, { cwd: dir });
    assert.equal(config.trakt.clientId, "envId");
    assert.equal(config.trakt.clientSecret, "fileSecret");
    assert.equal(config.trakt.apiUrl, "http://127.0.0.1:8080");
    assert.equal(config.trakt.authUrl, "http://127.0.0.1:8081/auth");
    assert.deepEqual(config.servers, []);
  });
});

Deno.test("load: env overrides are validated and blamed on the variable", async () => {
  await withTempDir((dir) => {
    const path = writeIni(dir, "[trakt]\n");
    expectConfigError(() => loadConfig(path, { HOME: dir, TRAKT_API_URL: "ftp://x" }), {
      file: path,
      section: "trakt",
      key: "api_url",
      includes: ["from $TRAKT_API_URL", "http://"],
    });
    expectConfigError(
      () => requireTrakt(loadConfig(path, { HOME: dir, TRAKT_CLIENT_SECRET: "hunter2 secret" })),
      {
        section: "trakt",
        key: "client_secret",
        includes: ["from $TRAKT_CLIENT_SECRET", "Fix TRAKT_CLIENT_SECRET"],
        excludes: ["hunter2"],
      },
    );
  });
});

Deno.test("load: a placeholder Trakt credential stops only the commands that need Trakt", async () => {
  await withTempDir((dir) => {
    const path = writeIni(
      dir,
      "[plex:0]\nurl = http://localhost:32400\ntoken = plexTok3n\n\n[trakt]\n" +
        "client_id = your_trakt_client_id\nclient_secret = your_trakt_client_secret\n",
    );
    const config = loadConfig(path, { HOME: dir }, { cwd: dir });
    assert.equal(config.servers.length, 1, "Plex commands still have their server");
    assert.equal(config.trakt.clientId, undefined);
    expectConfigError(() => requireTrakt(config), {
      file: path,
      section: "trakt",
      key: "client_id",
      includes: ["placeholder", "app.trakt.tv/settings/apps"],
    });
  });
});

Deno.test("load: an empty file loads with defaults and no servers", async () => {
  await withTempDir((dir) => {
    const config = loadConfig(writeIni(dir, ""), { HOME: dir }, { cwd: dir });
    assert.deepEqual(config.servers, []);
    assert.equal(config.trakt.clientId, undefined);
    assert.equal(config.trakt.legacyTokens, undefined);
  });
});

Deno.test("load: store path from $COMPLEXIONIST_STORE, token_store (~, relative), default", async () => {
  await withTempDir((dir) => {
    const sub = join(dir, "etc");
    Deno.mkdirSync(sub);
    const env = { HOME: join(dir, "home") };
    const withStore = (value: string) => writeIni(sub, `[trakt]\ntoken_store = ${value}\n`);
    assert.equal(
      loadConfig(withStore("~/state/c.kv"), env, { cwd: dir }).storePath,
      join(dir, "home", "state", "c.kv"),
    );
    assert.equal(
      loadConfig(withStore("state.kv"), env, { cwd: dir }).storePath,
      join(sub, "state.kv"),
    );
    assert.equal(
      loadConfig(withStore("${HOME}/x.kv"), env, { cwd: dir }).storePath,
      join(dir, "home", "x.kv"),
    );
    assert.equal(
      loadConfig(withStore("/abs/x.kv"), { ...env, COMPLEXIONIST_STORE: "rel/s.kv" }, { cwd: dir })
        .storePath,
      join(dir, "rel", "s.kv"),
    );
    assert.equal(
      loadConfig(withStore(""), env, { cwd: dir }).storePath,
      join(dir, "home", ".complexionist", "complexionist.kv"),
    );
  });
});

Deno.test("load: legacy token keys are kept for a one-time import", async () => {
  await withTempDir((dir) => {
    const load = (extra: string) =>
      loadConfig(writeIni(dir, `[trakt]\naccess_token = acc123\n${extra}`), { HOME: dir });
    assert.deepEqual(
      load("refresh_token = ref456\ntoken_expires = 1767225600\n").trakt.legacyTokens,
      {
        accessToken: "acc123",
        refreshToken: "ref456",
        expiresAt: 1767225600_000,
      },
    );
    assert.equal(
      load("token_expires = 2026-01-01T00:00:00Z\n").trakt.legacyTokens?.expiresAt,
      Date.UTC(2026, 0, 1),
    );
    assert.equal(
      load("token_expires = 1767225600000\n").trakt.legacyTokens?.expiresAt,
      1767225600000,
    );
    expectConfigError(() => load("token_expires = next tuesday\n"), {
      section: "trakt",
      key: "token_expires",
      includes: ["line 3", "ISO 8601"],
    });
    const none = loadConfig(writeIni(dir, "[trakt]\ntoken_expires = 1\n"), { HOME: dir });
    assert.equal(none.trakt.legacyTokens, undefined);
  });
});

Deno.test("load: a missing file, a directory and non-UTF-8 text are ConfigErrors", async () => {
  await withTempDir((dir) => {
    const missing = join(dir, "missing.ini");
    expectConfigError(() => loadConfig(missing, {}), { file: missing, includes: ["not found"] });
    expectConfigError(() => loadConfig(dir, {}), { file: dir, includes: ["is a directory"] });
    const latin1 = join(dir, "latin1.ini");
    Deno.writeFileSync(latin1, new Uint8Array([0x5b, 0x61, 0x5d, 0x0a, 0xe9, 0xff, 0x0a]));
    expectConfigError(() => loadConfig(latin1, {}), { file: latin1, includes: ["UTF-8"] });
  });
});

Deno.test({
  name: "load: an unreadable file is a ConfigError",
  // root reads anything; chmod means nothing on Windows.
  ignore: Deno.build.os === "windows" || Deno.uid() === 0,
  fn: async () => {
    await withTempDir((dir) => {
      const path = writeIni(dir, "[trakt]\n");
      Deno.chmodSync(path, 0o000);
      expectConfigError(() => loadConfig(path, {}), {
        file: path,
        includes: ["permission denied"],
      });
    });
  },
});

Deno.test("load: ComPlexionist's multi-line and `key: value` settings load; a multi-line value of ours is refused", async () => {
  await withTempDir((dir) => {
    const ok = writeIni(
      dir,
      "[paths]\nmovie_dirs = /mnt/a\n\t/mnt/b\n[options]\nexclude: samples\n" +
        "[plex:0]\nname = Main Server\nurl = http://localhost:32400\ntoken = abc123\n" +
        "[trakt]\nclient_id = id\nclient_secret = secret\n",
    );
    const config = loadConfig(ok, { HOME: dir });
    assert.equal(config.servers[0]?.url, "http://localhost:32400");
    assert.equal(config.trakt.clientId, "id");

    const bad = writeIni(
      dir,
      "[plex:0]\nname = Main Server\nurl = http://localhost:32400\ntoken = abc123\n" +
        "    hunter2secret\n",
      "bad.ini",
    );
    expectConfigError(() => loadConfig(bad, { HOME: dir }), {
      file: bad,
      section: "plex:0",
      key: "token",
      includes: ["line 4", "spans several lines"],
      excludes: ["hunter2secret", "abc123"],
    });
    // `token =` with the value on the next, indented line is a continuation too.
    const split = writeIni(
      dir,
      "[plex:0]\nname = Main Server\nurl = http://localhost:32400\ntoken =\n  hunter2secret\n",
      "split.ini",
    );
    expectConfigError(() => loadConfig(split, { HOME: dir }), {
      key: "token",
      includes: ["line 4", "spans several lines"],
      excludes: ["hunter2secret"],
    });
  });
});

Deno.test("load: a token or secret too short to be real is warned about on every run, never shown", async () => {
  await withTempDir((dir) => {
    const path = writeIni(
      dir,
      "[plex:0]\nurl = http://localhost:32400\ntoken = ab1cd\n[plex:1]\nname = B\n" +
        "url = http://b:32400\ntoken = plexTokenLongEnough1\n[trakt]\nclient_id = c\n" +
        "client_secret = s3c\naccess_token = x\nrefresh_token = refreshOk123\n",
    );
    const config = loadConfig(path, { HOME: dir }, { cwd: dir });
    assert.equal(config.servers[0]!.token, "ab1cd", "still used");
    assert.deepEqual(config.mistakes.map((m) => m.replace(path, "FILE").split(" is only")[0]), [
      "FILE [plex:0] token",
      "FILE [trakt] client_secret",
      "FILE [trakt] access_token",
    ]);
    assert.match(
      config.mistakes[0]!,
      /is only 5 characters long, where a Plex token has 20: check that it was copied whole/,
    );
    assert.match(config.mistakes[2]!, /is only 1 character long, where a Trakt one has 64/);
    for (const m of config.mistakes) {
      assert.ok(!/ab1cd|s3c\b|= x/.test(m), m);
    }
    const fromEnv = loadConfig(path, { HOME: dir, TRAKT_CLIENT_SECRET: "e1" }, { cwd: dir });
    assert.match(
      fromEnv.mistakes[1]!,
      /^\$TRAKT_CLIENT_SECRET \(which overrides \[trakt\] client_secret\) is only 2 characters/,
    );
  });
});
