/**
 * What `trakt sync` loads: zod (its code and schemas, about 7 MiB of a sync's memory) only when
 * an answer is malformed. The modules the sync command imports must reach zod through type
 * imports and dynamic `import()`s only (lib/plex/envelope.ts, lib/trakt/http.ts), never through
 * a static import, or every run pays for it (README, Performance).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../", import.meta.url));

interface Dependency {
  code?: { specifier: string };
  isDynamic?: boolean;
}
interface Module {
  specifier: string;
  dependencies?: Dependency[];
}

async function moduleGraph(root: string): Promise<Map<string, Module>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", join(REPO, "deno.json"), root],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: Module[] };
  return new Map(info.modules.map((m) => [m.specifier, m]));
}

/** Every module reached from `root` by static code imports, each with how it was reached. */
function staticallyLoaded(graph: Map<string, Module>, root: string): Map<string, string> {
  const via = new Map<string, string>([[root, "(root)"]]);
  const queue = [root];
  while (queue.length) {
    const at = queue.shift()!;
    for (const d of graph.get(at)?.dependencies ?? []) {
      const next = d.code?.specifier;
      if (!next || d.isDynamic || via.has(next)) continue;
      via.set(next, at);
      queue.push(next);
    }
  }
  return via;
}

Deno.test("trakt sync imports no zod statically: it loads only for a malformed answer", async () => {
  // main.ts itself, and the sync command it imports when asked for it.
  for (const file of ["../main.ts", "../lib/cli/sync.ts"]) {
    const root = new URL(file, import.meta.url).href;
    const graph = await moduleGraph(root);
    const loaded = staticallyLoaded(graph, root);
    // The graph must be the real one: zod is in it, through models.ts.
    assert.ok([...graph.keys()].some((s) => s.includes("zod")), `${file}: zod is in the graph`);
    for (const [specifier, from] of loaded) {
      assert.ok(!specifier.includes("zod"), `${specifier} is loaded by ${from}`);
      assert.ok(!specifier.endsWith("/models.ts"), `${specifier} is loaded by ${from}`);
    }
    if (file.endsWith("sync.ts")) {
      assert.ok([...loaded.keys()].some((s) => s.endsWith("/lib/trakt/client.ts")));
    }
  }
});
