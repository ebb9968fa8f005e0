import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { loadConfig } from "../config/load.ts";
import { ConfigError, UsageError } from "../errors.ts";
import { parseIni } from "../config/ini.ts";
import { INI_TEMPLATE, initTarget, PLACEHOLDERS, writeTemplate } from "./init.ts";

const POSIX = Deno.build.os !== "windows";

async function withDir(fn: (dir: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "complexionist-init-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function filled(): string {
  return INI_TEMPLATE.replace("your_plex_token", "plex-token-123")
    .replace("your_trakt_client_id", "client-id-456")
    .replace("your_trakt_client_secret", "client-secret-789");
}

Deno.test("init: the template loads once its placeholders are replaced", async () => {
  await withDir((dir) => {
    const path = join(dir, "complexionist.ini");
    Deno.writeTextFileSync(path, filled());
    const config = loadConfig(path, { HOME: dir }, { cwd: dir });
    assert.equal(config.servers.length, 1);
    assert.equal(config.servers[0]!.name, "Main Server");
    assert.equal(config.servers[0]!.url, "http://localhost:32400");
    assert.equal(config.servers[0]!.token, "plex-token-123");
    assert.equal(config.trakt.clientId, "client-id-456");
    assert.equal(config.trakt.clientSecret, "client-secret-789");
    assert.equal(config.trakt.apiUrl, "https://api.trakt.tv");
    assert.equal(config.trakt.authUrl, "https://auth.trakt.tv");
    assert.equal(config.storePath, join(dir, ".complexionist", "complexionist.kv"));
    assert.deepEqual(config.warnings, []);
  });
});

Deno.test("init: every optional setting in the template loads when uncommented", async () => {
  await withDir((dir) => {
    const path = join(dir, "complexionist.ini");
    const text = filled()
      .replace("; token_store =", "token_store =")
      .replace("; api_url =", "api_url =")
      .replace("; auth_url =", "auth_url =")
      .replace("; write_interval_ms =", "write_interval_ms =");
    Deno.writeTextFileSync(path, text);
    const config = loadConfig(path, { HOME: dir }, { cwd: dir });
    assert.equal(config.trakt.writeIntervalMs, 1100);
    assert.equal(config.storePath, join(dir, ".complexionist", "complexionist.kv"));
  });
});

Deno.test("init: a placeholder left in is refused with the line to fix", async () => {
  await withDir((dir) => {
    const path = join(dir, "complexionist.ini");
    Deno.writeTextFileSync(path, INI_TEMPLATE);
    assert.throws(
      () => loadConfig(path, { HOME: dir }, { cwd: dir }),
      (err: unknown) =>
        err instanceof ConfigError && /placeholder/.test(err.message) &&
        /token/.test(err.message),
    );
  });
});

Deno.test("init: the template is commented and names its placeholders", () => {
  const doc = parseIni(INI_TEMPLATE, "template");
  assert.deepEqual(doc.sections.map((s) => s.name), ["plex:0", "trakt"]);
  for (const p of PLACEHOLDERS) assert.ok(INI_TEMPLATE.includes(`= ${p}`), p);
  const comments = INI_TEMPLATE.split("\n").filter((l) => l.startsWith(";")).length;
  assert.ok(comments > 20, "a commented template");
  assert.match(INI_TEMPLATE, /complexionist trakt auth/);
});

Deno.test("init: the file is 0600 in a 0700 folder it creates", async () => {
  await withDir((dir) => {
    const path = join(dir, "new", "sub", "complexionist.ini");
    writeTemplate(path);
    assert.equal(Deno.readTextFileSync(path), INI_TEMPLATE);
    if (POSIX) {
      assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
      assert.equal(Deno.statSync(join(dir, "new", "sub")).mode! & 0o777, 0o700);
    }
  });
});

Deno.test("init: an existing file is never overwritten", async () => {
  await withDir((dir) => {
    const path = join(dir, "complexionist.ini");
    Deno.writeTextFileSync(path, "[trakt]\nclient_id = mine\n");
    assert.throws(
      () => writeTemplate(path),
      (err: unknown) =>
        err instanceof UsageError && err.exitCode === 2 && err.message.includes(path) &&
        /never overwrites/.test(err.message),
    );
    assert.equal(Deno.readTextFileSync(path), "[trakt]\nclient_id = mine\n");
    // A folder or a dangling symlink in the way counts as "already there" too.
    Deno.mkdirSync(join(dir, "folder.ini"));
    assert.throws(() => writeTemplate(join(dir, "folder.ini")), UsageError);
    if (POSIX) {
      Deno.symlinkSync(join(dir, "nowhere"), join(dir, "link.ini"));
      assert.throws(() => writeTemplate(join(dir, "link.ini")), UsageError);
      assert.throws(() => Deno.statSync(join(dir, "nowhere")), Deno.errors.NotFound);
    }
  });
});

Deno.test("init: --path, then --config, then $COMPLEXIONIST_CONFIG, then the home default", () => {
  const env = { HOME: "/home/ann" };
  const cwd = "/work";
  assert.deepEqual(initTarget({ path: "x.ini" }, { config: "y.ini" }, env, cwd), {
    path: resolve("/work/x.ini"),
    named: true,
  });
  assert.equal(initTarget({}, { config: "y.ini" }, env, cwd).path, resolve("/work/y.ini"));
  assert.equal(
    initTarget({}, {}, { ...env, COMPLEXIONIST_CONFIG: "~/z.ini" }, cwd).path,
    resolve("/home/ann", "z.ini"),
  );
  assert.deepEqual(initTarget({}, {}, env, cwd), {
    path: resolve("/home/ann", ".complexionist", "complexionist.ini"),
    named: false,
  });
});
