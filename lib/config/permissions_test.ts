import assert from "node:assert/strict";
import { join } from "node:path";
import { configPermissionsWarning } from "./permissions.ts";
import { withTempDir, writeIni } from "./test_util.ts";

const posix = Deno.build.os !== "windows";

Deno.test({
  name: "permissions: 0644 warns like ssh, 0600 does not",
  ignore: !posix,
  fn: async () => {
    await withTempDir((dir) => {
      const path = writeIni(dir, "[plex:0]\n");
      Deno.chmodSync(path, 0o644);
      const warning = configPermissionsWarning(path);
      assert.equal(
        warning,
        `${path} is readable by other users (mode 0644); it holds your Plex token and Trakt app secret. Run: chmod 600 ${path}`,
      );
      Deno.chmodSync(path, 0o640);
      assert.match(configPermissionsWarning(path) ?? "", /readable by other users \(mode 0640\)/);
      Deno.chmodSync(path, 0o620);
      assert.match(configPermissionsWarning(path) ?? "", /accessible by other users/);
      Deno.chmodSync(path, 0o600);
      assert.equal(configPermissionsWarning(path), undefined);
      Deno.chmodSync(path, 0o400);
      assert.equal(configPermissionsWarning(path), undefined);
    });
  },
});

Deno.test({
  name: "permissions: the chmod hint quotes paths a shell would split",
  ignore: !posix,
  fn: async () => {
    await withTempDir((dir) => {
      const path = writeIni(dir, "", "my config's.ini");
      Deno.chmodSync(path, 0o604);
      const warning = configPermissionsWarning(path) ?? "";
      assert.ok(warning.endsWith(`Run: chmod 600 '${dir}/my config'\\''s.ini'`), warning);
    });
  },
});

Deno.test("permissions: a missing file gives no warning", async () => {
  await withTempDir((dir) => {
    assert.equal(configPermissionsWarning(join(dir, "nope.ini")), undefined);
  });
});
