/**
 * `deno task compile [--target T …]`: one self-contained binary per platform in dist/.
 * `deno compile` downloads its small runtime (denort) from Deno's servers; where that is
 * impossible it fails in seconds, and we say so in one line (DENORT_BIN points at a local one).
 */
import { join } from "node:path";
import { VERSION } from "../lib/version.ts";

export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/**
 * The narrowest permissions that work: network (Plex, Trakt), read (config, store, execPath),
 * write (the store), env (config variables, HOME). No run, ffi or sys.
 */
export const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env"];

const args = Deno.args;
const chosen = args.includes("--native")
  ? [Deno.build.target]
  : args.filter((a) => !a.startsWith("--")).length
  ? args.filter((a) => !a.startsWith("--"))
  : [...TARGETS];

await Deno.mkdir("dist", { recursive: true });
for (const target of chosen) {
  const exe = `complexionist-${VERSION}-${target}${target.includes("windows") ? ".exe" : ""}`;
  const output = join("dist", exe);
  const cmd = new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "--unstable-kv",
      ...PERMISSIONS,
      "--target",
      target,
      "--output",
      output,
      "main.ts",
    ],
    stdout: "piped",
    stderr: "piped",
    // Never hang a release job: a stuck download is a failure too.
    signal: AbortSignal.timeout(300_000),
  });
  const res = await cmd.output();
  if (res.code !== 0) {
    const err = new TextDecoder().decode(res.stderr);
    const offline = /dns error|failed to lookup|error sending request|dl\.deno\.land|connect/i.test(
      err,
    );
    console.error(
      offline
        ? `compile: cannot download Deno's runtime (denort) for ${target}: this machine cannot ` +
          "reach dl.deno.land. Set DENORT_BIN to a local denort binary, or build on a machine " +
          "with internet (the release workflow does)."
        : `compile: deno compile failed for ${target}: ${err.trim().split("\n")[0]}`,
    );
    Deno.exit(1);
  }
  console.log(`built ${output}`);
}
