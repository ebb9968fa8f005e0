import assert from "node:assert/strict";
import { join } from "node:path";
import { compileArgs } from "./compile.ts";
import { V8_FLAGS_ARG } from "../lib/v8_flags.ts";
import { REPO } from "../tests/helpers/world.ts";

Deno.test("compile: embeds every file the dashboard reads at run time", async () => {
  const args = compileArgs("x86_64-unknown-linux-gnu", "dist/x");
  const included = args.flatMap((a, i) => args[i - 1] === "--include" ? [a] : []);
  assert.deepEqual(included, ["lib/ui/assets"]);
  // server.ts reads these three by name: they must all be in the included folder.
  const server = await Deno.readTextFile(join(REPO, "lib/ui/server.ts"));
  const names = [
    ...new Set([...server.matchAll(/"([a-z]+\.(?:html|js|css))"/g)].map((m) => m[1]!)),
  ];
  assert.deepEqual(names.sort(), ["app.js", "index.html", "style.css"]);
  for (const name of names) {
    assert.ok(Deno.statSync(join(REPO, "lib/ui/assets", name)).isFile, name);
  }
  assert.ok(args.includes("--allow-run=xdg-open,open,cmd"), "only the browser openers may run");
});

Deno.test("compile: the binary carries the V8 flags the bench measures with", () => {
  const args = compileArgs("x86_64-unknown-linux-gnu", "dist/x");
  assert.ok(args.includes(V8_FLAGS_ARG), args.join(" "));
  assert.ok(
    args.indexOf(V8_FLAGS_ARG) < args.indexOf("main.ts"),
    "a runtime flag, not a script one",
  );
});
