/**
 * `deno task compiled-e2e`: the compiled path, end to end. Compiles the binary for this
 * platform (as `deno task compile --native` does: same flags, same permissions) and runs it
 * against the emulated Plex and Trakt, started in this process: --version, --help, a sync, a
 * second sync that sends nothing, status, init, schedule and completions.
 *
 * `deno compile` needs Deno's runtime (denort), downloaded from Deno's servers or named by
 * DENORT_BIN. When it cannot be downloaded and DENORT_BIN is not set, this prints one line
 * saying the test was skipped and exits 0. With DENORT_BIN set, any failure is a failure.
 *
 * `--binary PATH` skips the compile and exercises that binary (a downloaded release, say).
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleLibrary } from "../tests/emulators/sample_library.ts";
import { startWorld, type World } from "../tests/helpers/world.ts";
import { VERSION } from "../lib/version.ts";
import { compileTarget } from "./compile.ts";

const LABEL = "compiled-binary e2e";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function passThrough(names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.flatMap((n) => {
      const v = Deno.env.get(n);
      return v === undefined ? [] : [[n, v]];
    }),
  );
}

function runner(bin: string, world: World) {
  return async (args: string[], cwd = world.dir): Promise<Run> => {
    const out = await new Deno.Command(bin, {
      args,
      cwd,
      env: {
        COMPLEXIONIST_CONFIG: world.configPath,
        COMPLEXIONIST_STORE: world.storePath,
        COMPLEXIONIST_RETRY_BASE_MS: "10",
        HOME: world.dir,
        NO_COLOR: "1",
        // Nothing else from this environment (no TRAKT_* overrides), but what a process needs.
        ...passThrough(["PATH", "SystemRoot", "TEMP", "TMP"]),
      },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
}

async function main(args: string[]): Promise<number> {
  const given = args.indexOf("--binary");
  if (given >= 0) {
    const bin = args[given + 1];
    if (!bin) {
      console.log(`${LABEL}: --binary needs a path`);
      return 2;
    }
    return await exercise(bin);
  }
  const repo = fileURLToPath(new URL("../", import.meta.url));
  const target = Deno.build.target;
  const denort = Deno.env.get("DENORT_BIN");
  const out = await Deno.makeTempDir({ prefix: "complexionist-compiled-" });
  try {
    const built = await compileTarget(target, out, { timeoutMs: 180_000, cwd: repo });
    if (!built.ok) {
      if (built.offline && !denort) {
        console.log(
          `${LABEL}: skipped (deno compile cannot download Deno's runtime here; set DENORT_BIN ` +
            "to a local denort to run it)",
        );
        return 0;
      }
      console.log(built.message);
      console.log(`${LABEL}: FAILED (could not compile for ${target})`);
      return 1;
    }
    return await exercise(built.output);
  } finally {
    await Deno.remove(out, { recursive: true }).catch(() => {});
  }
}

/** `ui` in the binary: the page comes from the files `--include` embedded. */
async function dashboardPage(bin: string, world: World): Promise<{ ok: boolean; detail: string }> {
  const child = new Deno.Command(bin, {
    args: ["ui", "--no-open"],
    env: {
      COMPLEXIONIST_CONFIG: world.configPath,
      COMPLEXIONIST_STORE: world.storePath,
      HOME: world.dir,
      NO_COLOR: "1",
      ...passThrough(["PATH", "SystemRoot", "TEMP", "TMP"]),
    },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const deadline = Date.now() + 30_000;
    let url: string | undefined;
    while (!(url = /Dashboard: (\S+)/.exec(text)?.[1]) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    if (!url) return { ok: false, detail: `no address printed: ${text.slice(0, 500)}` };
    const page = await fetch(url);
    const html = await page.text();
    const key = new URL(url).searchParams.get("key")!;
    const script = await fetch(new URL(`/assets/app.js?key=${key}`, url));
    const js = await script.text();
    const ok = page.status === 200 && html.includes("complexionist") &&
      script.status === 200 && js.includes("X-Complexionist-Key");
    return { ok, detail: `page ${page.status}, script ${script.status}` };
  } catch (err) {
    return { ok: false, detail: String(err) };
  } finally {
    child.kill(Deno.build.os === "windows" ? "SIGKILL" : "SIGINT");
    await child.status;
    await reader.cancel().catch(() => {});
  }
}

async function exercise(bin: string): Promise<number> {
  const lib = sampleLibrary();
  const world = await startWorld({ ...lib });
  const run = runner(bin, world);
  const failures: string[] = [];
  let checks = 0;
  const check = (ok: boolean, what: string, detail?: Run) => {
    checks++;
    if (!ok) {
      failures.push(
        detail
          ? `${what}\n  exit ${detail.code}\n  stdout: ${detail.stdout.slice(0, 2000)}\n  stderr: ${
            detail.stderr.slice(0, 2000)
          }`
          : what,
      );
    }
  };
  try {
    const version = await run(["--version"]);
    if (version.stdout.startsWith("deno ")) {
      console.log(
        `${LABEL}: FAILED (the binary runs as plain deno: DENORT_BIN must be a denort runtime, ` +
          "not the deno executable)",
      );
      return 1;
    }
    check(version.code === 0 && version.stdout.trim() === VERSION, "--version", version);
    const help = await run(["--help"]);
    check(help.code === 0 && help.stdout.includes("trakt"), "--help", help);

    const first = await run(["trakt", "sync", "--json"]);
    let added = 0;
    try {
      const summary = JSON.parse(first.stdout);
      added = summary.added.movies + summary.added.episodes;
    } catch { /* checked below */ }
    check(first.code === 0 && added > 0, "first sync adds to Trakt", first);
    const writes = world.trakt.writes().length;
    check(writes > 0, "first sync wrote to Trakt");
    const second = await run(["trakt", "sync"]);
    check(
      second.code === 0 && world.trakt.writes().length === writes,
      "second sync sends nothing",
      second,
    );
    const status = await run(["trakt", "status", "--json"]);
    check(status.code === 0 && /"connected": true/.test(status.stdout), "status", status);

    const ini = join(world.dir, "fresh", "complexionist.ini");
    const init = await run(["trakt", "init", "--path", ini]);
    let mode = -1;
    try {
      mode = Deno.build.os === "windows" ? 0o600 : (Deno.statSync(ini).mode ?? 0) & 0o777;
    } catch { /* no file: checked below */ }
    check(init.code === 0 && mode === 0o600, "trakt init writes a 0600 file", init);
    const again = await run(["trakt", "init", "--path", ini]);
    check(again.code === 2, "a second trakt init exits 2", again);

    const schedule = await run(["trakt", "schedule", "--systemd"]);
    const exec = schedule.stdout.split("\n").find((l) => l.startsWith("ExecStart=")) ?? "";
    check(
      schedule.code === 0 && exec.includes(bin) && !exec.includes(" run "),
      "trakt schedule names the compiled binary itself",
      schedule,
    );
    const ui = await dashboardPage(bin, world);
    check(ui.ok, `ui serves its embedded page (${ui.detail})`);
    const completions = await run(["completions", "bash"]);
    check(
      completions.code === 0 && completions.stdout.includes("sync"),
      "completions",
      completions,
    );
  } finally {
    await world.close();
  }
  for (const f of failures) console.log(`FAILED: ${f}`);
  console.log(
    failures.length === 0
      ? `${LABEL}: ${checks} checks passed (${bin.split(/[\\/]/).pop()})`
      : `${LABEL}: FAILED (${failures.length} of ${checks} checks)`,
  );
  return failures.length === 0 ? 0 : 1;
}

Deno.exit(await main(Deno.args));
