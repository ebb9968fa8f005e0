import assert from "node:assert/strict";
import { UsageError } from "../errors.ts";
import { loadConfig } from "./load.ts";
import { selectServers } from "./servers.ts";
import { expectConfigError, withTempDir, writeIni } from "./test_util.ts";
import type { Config } from "./types.ts";

function load(ini: string): Promise<Config> {
  return withTempDir((dir) => loadConfig(writeIni(dir, ini), { HOME: dir }, { cwd: dir }));
}

const THREE = `
[plex:10]
name = Kids
url = http://kids:32400
token = t10
[plex:1]
name = 4K Server
url = http://fourk:32400
token = t1
verify_tls = no
[plex:0]
name = Main Server
url = http://main:32400
token = t0
`;

Deno.test("servers: sorted by index, names and verify_tls read", async () => {
  const config = await load(THREE);
  assert.deepEqual(config.servers.map((s) => [s.index, s.name, s.verifyTls]), [
    [0, "Main Server", true],
    [1, "4K Server", false],
    [10, "Kids", true],
  ]);
});

Deno.test("servers: the default is the lowest index, not the first in the file", async () => {
  const config = await load(THREE);
  assert.deepEqual(selectServers(config, undefined).map((s) => s.name), ["Main Server"]);
  const gap = await load(
    "[plex:7]\nurl = http://a\ntoken = t7\n[plex:3]\nurl = http://b\ntoken = t3\n",
  );
  assert.deepEqual(selectServers(gap, undefined).map((s) => s.index), [3]);
  assert.equal(gap.servers[0]?.name, "Plex 3");
});

Deno.test("servers: by index, by name in any case, and all", async () => {
  const config = await load(THREE);
  const names = (sel: string) => selectServers(config, sel).map((s) => s.name);
  assert.deepEqual(names("1"), ["4K Server"]);
  assert.deepEqual(names("10"), ["Kids"]);
  assert.deepEqual(names("4k server"), ["4K Server"]);
  assert.deepEqual(names(" MAIN SERVER "), ["Main Server"]);
  assert.deepEqual(names("kIdS"), ["Kids"]);
  assert.deepEqual(names("all"), ["Main Server", "4K Server", "Kids"]);
  assert.deepEqual(names("ALL"), ["Main Server", "4K Server", "Kids"]);
});

Deno.test("servers: an unknown selector lists the configured servers", async () => {
  const config = await load(THREE);
  for (const sel of ["Bedroom", "2", ""]) {
    assert.throws(
      () => selectServers(config, sel),
      (err: unknown) => {
        assert.ok(err instanceof UsageError);
        assert.equal(err.exitCode, 2);
        assert.ok(
          err.message.includes(`0 "Main Server", 1 "4K Server", 10 "Kids"`),
          err.message,
        );
        assert.ok(err.message.includes(`"${sel}"`), err.message);
        assert.ok(err.message.includes("--server all"), err.message);
        assert.ok(!err.message.includes("t10"), err.message);
        return true;
      },
    );
  }
});

Deno.test("servers: a digits-only name that is not an index is found by name", async () => {
  const config = await load("[plex:0]\nname = 2024\nurl = http://a\ntoken = t0\n");
  assert.deepEqual(selectServers(config, "2024").map((s) => s.index), [0]);
});

Deno.test("servers: none configured is a ConfigError asking for [plex:0]", async () => {
  await withTempDir((dir) => {
    const path = writeIni(dir, "[trakt]\nclient_id = x\n");
    const config = loadConfig(path, { HOME: dir });
    assert.deepEqual(config.servers, []);
    for (const sel of [undefined, "all", "0"]) {
      expectConfigError(() => selectServers(config, sel), {
        file: path,
        includes: ["no Plex server", "[plex:0]", "url", "token"],
      });
    }
  });
});

Deno.test("servers: ComPlexionist's legacy [plex] section is server 0", async () => {
  const legacy = await load("[plex]\nurl = http://old:32400/\ntoken = told\n");
  assert.deepEqual(legacy.servers, [
    { index: 0, name: "Plex Server", url: "http://old:32400", token: "told", verifyTls: true },
  ]);
  assert.deepEqual(legacy.warnings, []);
  const named = await load("[PLEX]\nname = Den\nurl = http://old\ntoken = told\n");
  assert.equal(named.servers[0]?.name, "Den");
});

Deno.test("servers: [plex] next to [plex:N] is ignored with a warning", async () => {
  const config = await load(
    "[plex]\nurl = http://old\ntoken = told\n[plex:0]\nurl = http://new\ntoken = tnew\n",
  );
  assert.deepEqual(config.servers.map((s) => s.url), ["http://new"]);
  assert.equal(config.warnings.length, 1);
  assert.match(config.warnings[0] ?? "", /\[plex\] \(line 1\) is ignored/);
});

Deno.test("servers: verify_tls accepts configparser's booleans", async () => {
  for (
    const [v, want] of [
      ["true", true],
      ["Yes", true],
      ["on", true],
      ["1", true],
      ["FALSE", false],
      ["no", false],
      ["off", false],
      ["0", false],
      ["", true],
    ] as const
  ) {
    const config = await load(`[plex:0]\nurl = https://a\ntoken = t\nverify_tls = ${v}\n`);
    assert.equal(config.servers[0]?.verifyTls, want, v);
  }
});
