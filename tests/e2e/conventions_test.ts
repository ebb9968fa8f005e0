/**
 * The conventions a user expects, through the real CLI as a subprocess (like world.ts does):
 * completions, `trakt init` (0600, never overwriting), `trakt schedule`, --help everywhere.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN, REPO } from "../helpers/world.ts";
import { VERSION } from "../../lib/version.ts";
import { cliEnv } from "./e2e_util.ts";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], home: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "--config", join(REPO, "deno.json"), MAIN, ...args],
    // A fresh HOME, but this process's Deno cache: nothing to download again per run.
    env: cliEnv({ HOME: home, USERPROFILE: home, NO_COLOR: "1", ...env }),
    cwd: home,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  } satisfies Result;
}

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "complexionist-conventions-" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const POSIX = Deno.build.os !== "windows";

Deno.test("e2e: completions bash prints a script that knows sync", async () => {
  await withHome(async (home) => {
    const r = await cli(["completions", "bash"], home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /complete -F _complexionist complexionist/);
    assert.match(r.stdout, /\bsync\b/);
    assert.equal(r.stderr, "");
    const bad = await cli(["completions", "powershell"], home);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bash, zsh, fish/);
  });
});

Deno.test("e2e: trakt init writes a 0600 template once and never overwrites it", async () => {
  await withHome(async (home) => {
    const path = join(home, "x.ini");
    const first = await cli(["trakt", "init", "--path", path], home);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Wrote .*x\.ini/);
    assert.match(first.stderr, /complexionist trakt auth/);
    const text = await Deno.readTextFile(path);
    assert.match(text, /^\[plex:0\]$/m);
    if (POSIX) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);

    await Deno.writeTextFile(path, text + "; my own edit\n");
    const second = await cli(["trakt", "init", "--path", path], home);
    assert.equal(second.code, 2);
    assert.ok(second.stderr.includes(path), second.stderr);
    assert.match(second.stderr, /already exists/);
    assert.equal(await Deno.readTextFile(path), text + "; my own edit\n");
  });
});

Deno.test("e2e: trakt init defaults to ~/.complexionist, which the other commands then read", async () => {
  await withHome(async (home) => {
    const r = await cli(["trakt", "init"], home);
    assert.equal(r.code, 0, r.stderr);
    const path = join(home, ".complexionist", "complexionist.ini");
    if (POSIX) assert.equal((await Deno.stat(join(home, ".complexionist"))).mode! & 0o777, 0o700);
    // The untouched template is found, and refused with the line to fix.
    const servers = await cli(["plex", "servers"], home);
    assert.equal(servers.code, 2);
    assert.ok(servers.stderr.includes(path), servers.stderr);
    assert.match(servers.stderr, /placeholder/);
  });
});

Deno.test("e2e: trakt schedule prints an hourly timer for the config it finds", async () => {
  await withHome(async (home) => {
    await cli(["trakt", "init"], home);
    const config = join(home, ".complexionist", "complexionist.ini");
    if (Deno.build.os === "windows") {
      const r = await cli(["trakt", "schedule"], home);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /schtasks \/Create .*\/SC HOURLY/);
      assert.ok(r.stdout.includes(config), r.stdout);
      return;
    }
    const r = await cli(["trakt", "schedule", "--systemd"], home);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[Timer\]$/m);
    // The template still holds placeholders: said in the script's comments, and on stderr,
    // which is all a user piping the script into sh sees.
    assert.match(r.stdout, /^# .*config could not be read/m);
    assert.match(r.stderr, /^warning: The config could not be read .*placeholder/m);
    assert.match(r.stdout, /^OnCalendar=hourly$/m);
    assert.match(r.stdout, /systemctl --user enable --now complexionist-sync\.timer/);
    const exec = r.stdout.split("\n").find((l) => l.startsWith("ExecStart="))!;
    assert.ok(exec.includes(config), exec);
    assert.ok(exec.includes("main.ts"), "run from source: deno run main.ts");
    if (Deno.build.os === "linux") {
      const byDefault = await cli(["trakt", "schedule"], home);
      assert.equal(byDefault.stdout, r.stdout);
    }
    const cron = await cli(["trakt", "schedule", "--cron"], home);
    assert.match(cron.stdout, /^\d{1,2} \* \* \* \* .*trakt sync .*# complexionist-sync$/m);
    const skipping = await cli(
      ["trakt", "schedule", "--cron", "--server", "all", "--skip-unreachable"],
      home,
    );
    assert.equal(skipping.code, 0, skipping.stderr);
    assert.match(skipping.stdout, /trakt sync --server all --skip-unreachable /);
    const both = await cli(["trakt", "schedule", "--cron", "--windows"], home);
    assert.equal(both.code, 2);
  });
});

Deno.test("e2e: every command's --help has an example; --version prints the version", async () => {
  await withHome(async (home) => {
    const commands = [
      [],
      ["trakt"],
      ["trakt", "init"],
      ["trakt", "auth"],
      ["trakt", "sync"],
      ["trakt", "status"],
      ["trakt", "logout"],
      ["trakt", "schedule"],
      ["plex"],
      ["plex", "servers"],
      ["completions"],
    ];
    const runs = await Promise.all(commands.map((c) => cli([...c, "--help"], home)));
    runs.forEach((r, n) => {
      const name = ["complexionist", ...commands[n]!].join(" ");
      assert.equal(r.code, 0, `${name} --help: ${r.stderr}`);
      assert.match(r.stdout, /Examples?:\n {2}.*complexionist /, `${name} --help has an example`);
    });
    const version = await cli(["--version"], home);
    assert.equal(version.stdout.trim(), VERSION);
  });
});

Deno.test("e2e: --server given twice is refused (exit 2), not half taken", async () => {
  const home = await Deno.makeTempDir({ prefix: "complexionist-home-" });
  try {
    for (const args of [["trakt", "sync"], ["trakt", "schedule"]]) {
      const r = await cli([...args, "--server", "A", "--server", "B"], home);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--server is given twice \("A", "B"\): give it once, or --server all/);
    }
    // Once is fine: schedule prints its script (with a note that there is no config yet).
    const once = await cli(["trakt", "schedule", "--server", "A"], home);
    assert.equal(once.code, 0, once.stderr);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
