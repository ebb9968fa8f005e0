/**
 * `deno task compile [--native] [--out-dir DIR] [TARGET …]`: one self-contained binary per
 * platform, in dist/ by default. `deno compile` downloads its small runtime (denort) from Deno's
 * servers; where that is impossible it fails in seconds, and we say so in one line (DENORT_BIN
 * points at a local one).
 */
import { join } from "node:path";
import { V8_FLAGS_ARG } from "../lib/v8_flags.ts";
import { VERSION } from "../lib/version.ts";

export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/**
 * The narrowest permissions that work: network (Plex, Trakt, the dashboard on 127.0.0.1), read
 * (config, store, execPath, the embedded page), write (the store, `trakt init`), env (config
 * variables, HOME), and run for the three programs that open a browser (`complexionist ui`).
 * No ffi or sys.
 */
export const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run=xdg-open,open,cmd",
];

/** The dashboard's page, read at run time from beside lib/ui/server.ts. */
export const INCLUDES = ["--include", "lib/ui/assets"];

/** `complexionist-0.1.0-x86_64-unknown-linux-gnu`, with `.exe` for Windows. */
export function binaryName(target: string, version: string = VERSION): string {
  return `complexionist-${version}-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The arguments of `deno compile` for one target. */
export function compileArgs(target: string, output: string, entry = "main.ts"): string[] {
  return [
    "compile",
    "--unstable-kv",
    ...PERMISSIONS,
    ...INCLUDES,
    V8_FLAGS_ARG,
    "--target",
    target,
    "--output",
    output,
    entry,
  ];
}

/** True when deno compile's error says the runtime could not be downloaded. */
export function isDownloadFailure(stderr: string): boolean {
  return /dns error|failed to lookup|error sending request|dl\.deno\.land|connect/i.test(stderr);
}

export type CompileResult =
  | { ok: true; output: string }
  | { ok: false; offline: boolean; message: string };

export async function compileTarget(
  target: string,
  outDir: string,
  options: { timeoutMs?: number; cwd?: string } = {},
): Promise<CompileResult> {
  const output = join(outDir, binaryName(target));
  const cmd = new Deno.Command(Deno.execPath(), {
    args: compileArgs(target, output),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // Never hang a release job: a stuck download is a failure too.
    signal: AbortSignal.timeout(options.timeoutMs ?? 300_000),
  });
  let res: Deno.CommandOutput;
  try {
    res = await cmd.output();
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === "TimeoutError";
    return {
      ok: false,
      offline: timedOut,
      message: timedOut
        ? `compile: deno compile for ${target} did not finish in time (a stuck download?)`
        : `compile: cannot run deno compile for ${target}: ${String(err)}`,
    };
  }
  if (res.code === 0) return { ok: true, output };
  // deno-lint-ignore no-control-regex -- strip colour codes from deno's own output
  const err = new TextDecoder().decode(res.stderr).replace(/\x1b\[[0-9;]*m/g, "");
  const offline = isDownloadFailure(err);
  return {
    ok: false,
    offline,
    message: offline
      ? `compile: cannot download Deno's runtime (denort) for ${target}: this machine cannot ` +
        "reach dl.deno.land. Set DENORT_BIN to a local denort binary, or build on a machine " +
        "with internet (the release workflow does)."
      : `compile: deno compile failed for ${target}: ${err.trim().split("\n")[0]}`,
  };
}

/** Which targets the command line asks for; throws a one-line message on a bad argument. */
export function parseCompileArgs(args: string[]): { targets: string[]; outDir: string } {
  let outDir = "dist";
  const named: string[] = [];
  let native = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--native") native = true;
    else if (a === "--out-dir") {
      const v = args[++i];
      if (!v) throw new Error("compile: --out-dir needs a folder");
      outDir = v;
    } else if (a.startsWith("--out-dir=")) outDir = a.slice("--out-dir=".length);
    else if (a.startsWith("-")) throw new Error(`compile: unknown option ${a}`);
    else if (!(TARGETS as readonly string[]).includes(a)) {
      throw new Error(`compile: unknown target ${a}; known: ${TARGETS.join(", ")}`);
    } else named.push(a);
  }
  const targets = native ? [Deno.build.target] : named.length ? named : [...TARGETS];
  return { targets, outDir };
}

if (import.meta.main) {
  let parsed: { targets: string[]; outDir: string };
  try {
    parsed = parseCompileArgs(Deno.args);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    Deno.exit(2);
  }
  if (Deno.env.get("DENORT_BIN") && parsed.targets.length > 1) {
    console.error(
      "compile: DENORT_BIN is the runtime of one platform; name that one target " +
        "(e.g. `deno task compile --native`).",
    );
    Deno.exit(2);
  }
  await Deno.mkdir(parsed.outDir, { recursive: true });
  for (const target of parsed.targets) {
    const res = await compileTarget(target, parsed.outDir);
    if (!res.ok) {
      console.error(res.message);
      Deno.exit(1);
    }
    console.log(`built ${res.output}`);
  }
}
