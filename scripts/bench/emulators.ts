/** Starts `scripts/emulators.ts` as its own process and talks to its control endpoints. */
import { fileURLToPath } from "node:url";
import {
  RESET_PATH,
  type RunnerReady,
  type StatEntry,
  STATS_PATH,
  type StatsAnswer,
} from "./protocol.ts";

const RUNNER = fileURLToPath(new URL("../emulators.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

export interface WorldSize {
  movies: number;
  shows: number;
  episodes: number;
}

export interface Emulators {
  ready: RunnerReady;
  stats(): Promise<{ plex: StatEntry[]; trakt: StatEntry[] }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Reads stdout up to the first newline; the runner prints nothing else there. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text.split("\n")[0] ?? "";
}

/**
 * `writeIntervalMs`: the fake Trakt's write pace (0 = none, so that pacing hides none of the
 * CLI's own cost; 1000 = Trakt's real one write per second, answered with 429 when broken).
 */
export async function startEmulators(size: WorldSize, writeIntervalMs = 0): Promise<Emulators> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--quiet",
      "--config",
      CONFIG,
      RUNNER,
      `--movies=${size.movies}`,
      `--shows=${size.shows}`,
      `--episodes=${size.episodes}`,
      "--collected-fraction=0.5",
      `--write-interval-ms=${writeIntervalMs}`,
      "--account-limit=none",
      "--exit-on-stdin-eof",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const line = await firstLine(child.stdout);
  if (!line.startsWith("{")) {
    await child.stdin.close().catch(() => {});
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    throw new Error("the emulator process exited before printing its URLs");
  }
  // Keep draining stdout so the runner never blocks on a full pipe.
  const drained = child.stdout.pipeTo(new WritableStream()).catch(() => {});
  const ready = JSON.parse(line) as RunnerReady;
  const get = async (origin: string): Promise<StatEntry[]> => {
    const res = await fetch(origin + STATS_PATH);
    if (!res.ok) throw new Error(`${origin}${STATS_PATH}: HTTP ${res.status}`);
    return ((await res.json()) as StatsAnswer).requests;
  };
  const reset = async (origin: string): Promise<void> => {
    const res = await fetch(origin + RESET_PATH, { method: "POST" });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`${origin}${RESET_PATH}: HTTP ${res.status}`);
  };
  return {
    ready,
    async stats() {
      return { plex: await get(ready.plex), trakt: await get(ready.trakt) };
    },
    async reset() {
      await reset(ready.plex);
      await reset(ready.trakt);
    },
    async stop() {
      await child.stdin.close().catch(() => {});
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await drained;
    },
  };
}
