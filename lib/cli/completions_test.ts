import assert from "node:assert/strict";
import { buildProgram } from "../../main.ts";
import {
  type CommandSpec,
  describe,
  renderBash,
  renderCompletions,
  renderFish,
  renderZsh,
  SHELLS,
} from "./completions.ts";

const IS_WINDOWS = Deno.build.os === "windows";

function walk(c: CommandSpec): CommandSpec[] {
  return [c, ...c.commands.flatMap(walk)];
}

function available(shell: string): boolean {
  if (IS_WINDOWS) return false;
  try {
    return new Deno.Command(shell, { args: ["-c", "exit 0"], stdout: "null", stderr: "null" })
      .outputSync().code === 0;
  } catch {
    return false;
  }
}

const tree = describe(buildProgram());

Deno.test("completions: the tree holds every command of main.ts", () => {
  const paths = walk(tree).map((c) => c.path).sort();
  for (
    const p of [
      "/trakt",
      "/trakt/auth",
      "/trakt/sync",
      "/trakt/status",
      "/trakt/logout",
      "/trakt/init",
      "/trakt/schedule",
      "/plex",
      "/plex/servers",
      "/completions",
    ]
  ) assert.ok(paths.includes(p), p);
  const sync = walk(tree).find((c) => c.path === "/trakt/sync")!;
  const server = sync.options.find((o) => o.long === "--server")!;
  assert.equal(server.value, "name|index|all");
  assert.ok(sync.options.find((o) => o.long === "--library")!.repeatable);
  assert.ok(tree.options.find((o) => o.long === "--config")!.files);
  const completions = walk(tree).find((c) => c.path === "/completions")!;
  assert.deepEqual(completions.arguments[0]!.choices, ["bash", "zsh", "fish"]);
});

for (const shell of SHELLS) {
  Deno.test(`completions: ${shell} names every command and every option`, () => {
    const text = renderCompletions(shell, tree);
    for (const c of walk(tree)) {
      if (c.path !== "") assert.ok(text.includes(c.name), `${shell}: command ${c.path}`);
      for (const o of c.options) {
        // fish writes `-l verbose` / `-s v`; bash and zsh write the flags as they are.
        const flags = shell === "fish"
          ? [o.long && `-l ${o.long.slice(2)}`, o.short && `-s ${o.short.slice(1)}`]
          : [o.long, o.short];
        for (const f of flags.filter((x): x is string => Boolean(x))) {
          assert.ok(text.includes(f), `${shell}: ${c.path || "(program)"} ${f}`);
        }
      }
    }
    for (const choice of ["bash", "zsh", "fish"]) assert.ok(text.includes(choice));
  });
}

Deno.test("completions: a new command or option shows up without touching the generator", () => {
  const program = buildProgram();
  program.command("extra").description("added later").option("--shiny <file>", "a new one");
  const spec = describe(program);
  for (const text of [renderBash(spec), renderZsh(spec), renderFish(spec)]) {
    assert.ok(text.includes("extra"));
    assert.ok(text.includes("shiny"));
  }
});

/** What bash offers for `complexionist <words…><TAB>` (the last word is being completed). */
async function bashComplete(words: string[]): Promise<string[]> {
  const script = renderBash(tree) +
    `\nCOMP_WORDS=(complexionist ${words.map((w) => `'${w}'`).join(" ")})\n` +
    `COMP_CWORD=${words.length}\n_complexionist\nprintf '%s\\n' "\${COMPREPLY[@]}"\n`;
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).sort();
}

Deno.test({
  name: "completions: bash completes commands, options, values and choices",
  ignore: !available("bash"),
  fn: async () => {
    assert.deepEqual(await bashComplete([""]), ["completions", "plex", "trakt", "ui"]);
    assert.deepEqual(await bashComplete(["ui", "--"]).then((o) => o.includes("--port")), true);
    assert.deepEqual(await bashComplete(["trakt", "s"]), ["schedule", "status", "sync"]);
    assert.deepEqual(await bashComplete(["trakt", "sync", "--d"]), ["--dry-run"]);
    // Program options work after the subcommand too, and an option's value is skipped.
    assert.deepEqual(await bashComplete(["--config", "x.ini", "trakt", "sync", "--conf"]), [
      "--config",
    ]);
    assert.deepEqual(await bashComplete(["completions", ""]), ["bash", "fish", "zsh"]);
    assert.deepEqual(await bashComplete(["trakt", "schedule", "--c"]), ["--config", "--cron"]);
    assert.deepEqual(await bashComplete(["plex", ""]), ["servers"]);
  },
});

for (const [shell, flag] of [["bash", "-n"], ["zsh", "-n"], ["fish", "--no-execute"]] as const) {
  Deno.test({
    name: `completions: the ${shell} script parses (${shell} ${flag})`,
    ignore: !available(shell),
    fn: async () => {
      const dir = await Deno.makeTempDir();
      try {
        const file = `${dir}/complexionist.${shell}`;
        await Deno.writeTextFile(file, renderCompletions(shell, tree));
        const out = await new Deno.Command(shell, {
          args: [flag, file],
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
