/**
 * The real CLI as a subprocess against the emulators: a temporary config and token store (the
 * login seeded as tests/helpers/world.ts does), wall time, and the peak RSS of the process
 * sampled from /proc/<pid>/status (VmHWM, the kernel's own high-water mark, and VmRSS) every
 * ~20 ms until it exits.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../../lib/store/store.ts";
import { tokensFrom } from "../../lib/trakt/session.ts";
import type { RunnerReady } from "./protocol.ts";
import { V8_FLAGS } from "../../lib/v8_flags.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = join(REPO, "main.ts");
const CONFIG = join(REPO, "deno.json");
const POLL_MS = 20;

export interface CliWorld {
  dir: string;
  /** Deno's cache, passed on: HOME points at `dir`, which would otherwise move it there. */
  denoDir: string | undefined;
  configPath: string;
  storePath: string;
}

export interface CliRun {
  args: string[];
  code: number;
  wallMs: number;
  /** Max of VmHWM and VmRSS seen, in KiB; null where /proc is missing. */
  peakRssKiB: number | null;
  rssSamples: number;
  /** The CLI's JSON summary (stdout), when it printed one. */
  summary: CliSummary | undefined;
  stderrTail: string;
}

/** The parts of the `trakt sync --json` document (design §8) the bench reads. */
export interface CliSummary {
  incremental?: boolean;
  plex: { movies: number; shows: number; episodes: number };
  planned: { movies: number; episodes: number };
  added: { movies: number; episodes: number };
  existing: { movies: number; episodes: number };
  requests: { plex: number; trakt_get: number; trakt_post: number; retries: number };
  duration_ms: number;
  error?: { code: number; message: string };
}

let denoDirFound: Promise<string | undefined> | undefined;

/** This Deno's cache folder (`deno info --json`), so the CLI runs reuse the warm cache. */
export function denoDir(): Promise<string | undefined> {
  denoDirFound ??= (async () => {
    const set = Deno.env.get("DENO_DIR");
    if (set) return set;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    try {
      const dir =
        (JSON.parse(new TextDecoder().decode(out.stdout)) as { denoDir?: unknown }).denoDir;
      return typeof dir === "string" ? dir : undefined;
    } catch {
      return undefined;
    }
  })();
  return denoDirFound;
}

/**
 * A config and a logged-in token store for the emulators. `paced`: the CLI keeps its own
 * default write pace, as users run it; otherwise it writes without pause (`write_interval_ms =
 * 0`), so that the pace hides none of its own cost.
 */
export async function makeCliWorld(w: RunnerReady, paced = false): Promise<CliWorld> {
  const dir = await Deno.makeTempDir({ prefix: "complexionist-bench-" });
  const configPath = join(dir, "complexionist.ini");
  const storePath = join(dir, "state", "complexionist.kv");
  const ini = `[plex:0]\nname = Main Server\nurl = ${w.plex}\ntoken = ${w.plexToken}\n\n` +
    `[trakt]\nclient_id = ${w.clientId}\nclient_secret = ${w.clientSecret}\n` +
    `api_url = ${w.trakt}\nauth_url = ${w.trakt}\n${paced ? "" : "write_interval_ms = 0\n"}`;
  await Deno.writeTextFile(configPath, ini, { mode: 0o600 });
  const store = await openStore(storePath);
  try {
    await store.saveTokens(tokensFrom(w.tokens, { username: "plexfan", vip: true }));
  } finally {
    store.close();
  }
  return { dir, denoDir: await denoDir(), configPath, storePath };
}

export async function removeCliWorld(world: CliWorld): Promise<void> {
  await Deno.remove(world.dir, { recursive: true }).catch(() => {});
}

function kib(status: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return m ? Number(m[1]) : undefined;
}

/** Samples the process's memory until `done` settles; returns the highest figure seen. */
async function pollRss(
  pid: number,
  done: Promise<unknown>,
): Promise<{ peak: number | null; samples: number }> {
  let finished = false;
  done.finally(() => finished = true);
  let peak: number | null = null;
  let samples = 0;
  while (!finished) {
    try {
      const status = await Deno.readTextFile(`/proc/${pid}/status`);
      const v = Math.max(kib(status, "VmHWM") ?? 0, kib(status, "VmRSS") ?? 0);
      if (v > 0) {
        peak = Math.max(peak ?? 0, v);
        samples++;
      }
    } catch {
      // Gone (or no /proc on this system): the last sample stands.
      if (Deno.build.os !== "linux") break;
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, POLL_MS))]);
  }
  return { peak, samples };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

export interface MeasuredRun {
  code: number;
  wallMs: number;
  peakRssKiB: number | null;
  rssSamples: number;
  stdout: string;
  stderr: string;
}

/**
 * `deno run -A --config deno.json [--v8-flags=…] <args>`, timed, its memory sampled until it
 * exits.
 */
export async function runMeasured(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  v8Flags: readonly string[] = [],
): Promise<MeasuredRun> {
  const started = performance.now();
  const flags = v8Flags.length ? [`--v8-flags=${v8Flags.join(",")}`] : [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", CONFIG, ...flags, ...args],
    env,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = readAll(child.stdout);
  const stderr = readAll(child.stderr);
  const status = child.status;
  const rss = pollRss(child.pid, status);
  const { code } = await status;
  const wallMs = performance.now() - started;
  const [out, err, mem] = await Promise.all([stdout, stderr, rss]);
  return { code, wallMs, peakRssKiB: mem.peak, rssSamples: mem.samples, stdout: out, stderr: err };
}

/**
 * `deno run -A main.ts <args>` with the bench's config and store, and the V8 flags the release
 * binary carries (lib/v8_flags.ts), so the figures are those of what users run.
 */
export async function runCli(world: CliWorld, args: string[]): Promise<CliRun> {
  const run = await runMeasured(
    [MAIN, ...args],
    {
      COMPLEXIONIST_CONFIG: world.configPath,
      COMPLEXIONIST_STORE: world.storePath,
      HOME: world.dir,
      NO_COLOR: "1",
      ...(world.denoDir ? { DENO_DIR: world.denoDir } : {}),
    },
    world.dir,
    V8_FLAGS,
  );
  let summary: CliSummary | undefined;
  try {
    summary = run.stdout.trim() ? JSON.parse(run.stdout) as CliSummary : undefined;
  } catch {
    summary = undefined;
  }
  return {
    args,
    code: run.code,
    wallMs: run.wallMs,
    peakRssKiB: run.peakRssKiB,
    rssSamples: run.rssSamples,
    summary,
    stderrTail: run.stderr.split("\n").slice(-20).join("\n"),
  };
}

/** One `--version` run so module loading and compile caches are warm before anything is timed. */
export async function warmUpCli(): Promise<number> {
  const started = performance.now();
  const dir = await denoDir();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", CONFIG, MAIN, "--version"],
    env: dir ? { DENO_DIR: dir } : {},
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`bench: \`main.ts --version\` exited ${out.code}`);
  return performance.now() - started;
}
