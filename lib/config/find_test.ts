import assert from "node:assert/strict";
import { join } from "node:path";
import { executableDir, findConfig } from "./find.ts";
import { expectConfigError, withTempDir, writeIni } from "./test_util.ts";

/** Four folders, each able to hold a complexionist.ini, plus a named file. */
function layout(root: string) {
  const dirs = {
    exec: join(root, "bin"),
    cwd: join(root, "work"),
    home: join(root, "home"),
    named: join(root, "named"),
  };
  for (const d of Object.values(dirs)) Deno.mkdirSync(d);
  Deno.mkdirSync(join(dirs.home, ".complexionist"));
  return {
    ...dirs,
    put: {
      named: () => writeIni(dirs.named, "[trakt]\n", "custom.ini"),
      exec: () => writeIni(dirs.exec, "[trakt]\n"),
      cwd: () => writeIni(dirs.cwd, "[trakt]\n"),
      home: () => writeIni(join(dirs.home, ".complexionist"), "[trakt]\n"),
    },
  };
}

Deno.test("find: each level wins over the ones after it", async () => {
  await withTempDir((root) => {
    const l = layout(root);
    const opts = { env: {}, execDir: l.exec, cwd: l.cwd, home: l.home };
    assert.equal(findConfig(opts), undefined);

    const home = l.put.home();
    assert.deepEqual(findConfig(opts), { path: home, source: "home" });

    const cwd = l.put.cwd();
    assert.deepEqual(findConfig(opts), { path: cwd, source: "working directory" });

    const exec = l.put.exec();
    assert.deepEqual(findConfig(opts), { path: exec, source: "beside the executable" });

    const named = l.put.named();
    assert.deepEqual(findConfig({ ...opts, env: { COMPLEXIONIST_CONFIG: named } }), {
      path: named,
      source: "$COMPLEXIONIST_CONFIG",
    });
    // --config beats the variable; a relative path is taken from the working directory.
    assert.deepEqual(
      findConfig({
        ...opts,
        explicit: "../bin/complexionist.ini",
        env: { COMPLEXIONIST_CONFIG: named },
      }),
      { path: exec, source: "--config" },
    );
  });
});

Deno.test("find: no execDir (running under deno) skips 'beside the executable'", async () => {
  await withTempDir((root) => {
    const l = layout(root);
    l.put.exec();
    const cwd = l.put.cwd();
    assert.deepEqual(findConfig({ env: {}, cwd: l.cwd, home: l.home }), {
      path: cwd,
      source: "working directory",
    });
  });
});

Deno.test("find: home comes from $HOME when not given", async () => {
  await withTempDir((root) => {
    const l = layout(root);
    const home = l.put.home();
    assert.deepEqual(findConfig({ env: { HOME: l.home }, cwd: l.cwd }), {
      path: home,
      source: "home",
    });
  });
});

Deno.test("find: a named path that does not exist is an error, not a fall-through", async () => {
  await withTempDir((root) => {
    const l = layout(root);
    l.put.cwd();
    const missing = join(root, "nope.ini");
    const opts = { env: {}, cwd: l.cwd, home: l.home };
    expectConfigError(() => findConfig({ ...opts, explicit: missing }), {
      file: missing,
      includes: ["not found", "--config"],
    });
    expectConfigError(() => findConfig({ ...opts, env: { COMPLEXIONIST_CONFIG: missing } }), {
      file: missing,
      includes: ["not found", "$COMPLEXIONIST_CONFIG", "unset COMPLEXIONIST_CONFIG"],
    });
    expectConfigError(() => findConfig({ ...opts, explicit: l.named }), {
      file: l.named,
      includes: ["is not a file"],
    });
  });
});

Deno.test("find: an empty $COMPLEXIONIST_CONFIG counts as unset", async () => {
  await withTempDir((root) => {
    const l = layout(root);
    const cwd = l.put.cwd();
    const found = findConfig({ env: { COMPLEXIONIST_CONFIG: "" }, cwd: l.cwd, home: l.home });
    assert.deepEqual(found, { path: cwd, source: "working directory" });
  });
});

Deno.test("find: a directory named complexionist.ini is not a config file", async () => {
  await withTempDir((root) => {
    const l = layout(root);
    Deno.mkdirSync(join(l.cwd, "complexionist.ini"));
    assert.equal(findConfig({ env: {}, cwd: l.cwd, home: l.home }), undefined);
  });
});

Deno.test("find: executableDir is undefined under the deno runtime", () => {
  assert.equal(executableDir("/usr/local/bin/deno"), undefined);
  assert.equal(executableDir("C:\\tools\\deno.exe".replaceAll("\\", "/")), undefined);
  assert.equal(executableDir("/opt/complexionist/complexionist"), "/opt/complexionist");
  assert.equal(executableDir(), undefined); // this test runs under deno
});
