import assert from "node:assert/strict";
import { loadConfig } from "./load.ts";
import { requireTrakt } from "./trakt.ts";
import { expectConfigError, withTempDir, writeIni } from "./test_util.ts";

function interval(ini: string, env: Record<string, string> = {}) {
  return withTempDir((dir) => {
    const config = loadConfig(writeIni(dir, ini), { HOME: dir, ...env }, { cwd: dir });
    return { ms: config.trakt.writeIntervalMs, warnings: config.warnings };
  });
}

Deno.test("trakt: write_interval_ms defaults to 1100", async () => {
  assert.equal((await interval("[trakt]\n")).ms, 1100);
  assert.equal((await interval("[trakt]\napi_url = http://127.0.0.1:9\n")).ms, 1100);
  assert.equal((await interval("[trakt]\nwrite_interval_ms =\n")).ms, 1100);
});

Deno.test("trakt: write_interval_ms below 1100 is raised against Trakt's own hosts", async () => {
  for (const ini of ["[trakt]\n", "[trakt]\napi_url = https://API.trakt.tv/\n"]) {
    const r = await interval(ini + "write_interval_ms = 200\n");
    assert.equal(r.ms, 1100);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0] ?? "", /raised from 200 to 1100/);
  }
  const staging = await interval(
    "[trakt]\napi_url = https://api-staging.trakt.tv\nwrite_interval_ms = 0\n",
  );
  assert.equal(staging.ms, 1100);
  assert.equal((await interval("[trakt]\nwrite_interval_ms = 2500\n")).ms, 2500);
});

Deno.test("trakt: other hosts (the emulator) keep any write_interval_ms", async () => {
  const r = await interval("[trakt]\napi_url = http://127.0.0.1:8080\nwrite_interval_ms = 0\n");
  assert.deepEqual(r, { ms: 0, warnings: [] });
  // ... also when the emulator's URL comes from the environment, and the reverse.
  const env = await interval("[trakt]\nwrite_interval_ms = 5\n", {
    TRAKT_API_URL: "http://127.0.0.1:1",
  });
  assert.equal(env.ms, 5);
  const real = await interval("[trakt]\napi_url = http://127.0.0.1:1\nwrite_interval_ms = 5\n", {
    TRAKT_API_URL: "https://api.trakt.tv",
  });
  assert.equal(real.ms, 1100);
});

Deno.test("trakt: requireTrakt returns the settings when both credentials are set", async () => {
  await withTempDir((dir) => {
    const path = writeIni(dir, "[trakt]\nclient_id = id1\nclient_secret = ${S}\n");
    const settings = requireTrakt(loadConfig(path, { HOME: dir, S: "sec2" }));
    assert.equal(settings.clientId, "id1");
    assert.equal(settings.clientSecret, "sec2");
    assert.equal(settings.apiUrl, "https://api.trakt.tv");
    assert.equal(settings.authUrl, "https://auth.trakt.tv");
  });
});

Deno.test("trakt: requireTrakt names the missing key and where to register an app", async () => {
  await withTempDir((dir) => {
    const cases: [string, string][] = [
      ["", "client_id"],
      ["[trakt]\nclient_id =\nclient_secret = hunter2sec\n", "client_id"],
      ["[trakt]\nclient_id = id1\n", "client_secret"],
    ];
    for (const [ini, key] of cases) {
      const path = writeIni(dir, ini);
      const config = loadConfig(path, { HOME: dir });
      expectConfigError(() => requireTrakt(config), {
        file: path,
        section: "trakt",
        key,
        includes: ["is not set", "https://app.trakt.tv/settings/apps", key.toUpperCase()],
        excludes: ["hunter2"],
      });
    }
  });
});
