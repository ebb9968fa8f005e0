import assert from "node:assert/strict";
import { V8_FLAGS_ARG } from "../v8_flags.ts";
import { addSecret } from "../http/redact.ts";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  chosenScheduler,
  configVariables,
  CRON_MARKER,
  cronMinute,
  defaultScheduler,
  gatherInput,
  redactedScript,
  renderCron,
  renderCronLine,
  renderLaunchd,
  renderPlist,
  renderService,
  renderSystemd,
  renderTimer,
  renderWindows,
  type ScheduleInput,
  SCHTASKS_TR_MAX,
  shellWord,
  type Surroundings,
  syncArgv,
  systemdWord,
  windowsArg,
  windowsTaskRun,
} from "./schedule.ts";
import { UsageError } from "../errors.ts";
import { redact } from "../http/redact.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const IS_WINDOWS = Deno.build.os === "windows";

function input(over: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    command: ["/home/ann/.local/bin/complexionist"],
    fromSource: false,
    configPath: "/home/ann/.complexionist/complexionist.ini",
    configFound: true,
    storePath: "/home/ann/.complexionist/complexionist.kv",
    storeFromEnv: false,
    extraWritable: [],
    syncArgs: [],
    env: {},
    notes: [],
    ...over,
  };
}

/** `key=value` lines of a unit file, comments and blank lines left out. */
function directives(unit: string): string[] {
  return unit.split("\n").filter((l) => /^[A-Za-z]+=/.test(l));
}

function keys(unit: string): string[] {
  return [...new Set(directives(unit).map((l) => l.split("=")[0]!))].sort();
}

function has(cmd: string): boolean {
  try {
    const out = new Deno.Command("sh", {
      args: ["-c", `command -v ${cmd}`],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.code === 0;
  } catch {
    return false;
  }
}

const HAS_SH = !IS_WINDOWS && has("sh");
const HAS_SYSTEMD_ANALYZE = !IS_WINDOWS && has("systemd-analyze");

/** Runs `fn` with a fresh temporary directory, removed afterwards whatever happens. */
async function withTempDir(
  prefix: string,
  fn: (dir: string) => Promise<void> | void,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Pipes `script` into `sh` with only `env` set, and asserts that it exits 0. */
async function pipeToSh(script: string, env: Record<string, string>): Promise<void> {
  const child = new Deno.Command("sh", {
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

Deno.test("schedule: systemd words double % and $, and quote what needs it", () => {
  assert.equal(systemdWord("/usr/bin/complexionist"), "/usr/bin/complexionist");
  assert.equal(systemdWord("/home/ann/my files/c.ini"), '"/home/ann/my files/c.ini"');
  assert.equal(systemdWord("/data/100%/x"), "/data/100%%/x");
  assert.equal(systemdWord("/a/$HOME"), '"/a/$$HOME"');
  assert.equal(systemdWord('say "hi"\\'), '"say \\"hi\\"\\\\"');
});

Deno.test("schedule: the service runs trakt sync with the real binary and config", () => {
  const unit = renderService(input());
  assert.ok(directives(unit).includes("Type=oneshot"));
  assert.ok(
    directives(unit).includes(
      "ExecStart=/home/ann/.local/bin/complexionist --config " +
        "/home/ann/.complexionist/complexionist.ini trakt sync",
    ),
  );
  assert.ok(directives(unit).includes("ReadWritePaths=-/home/ann/.complexionist"));
  for (const d of ["NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict"]) {
    assert.ok(directives(unit).includes(d), d);
  }
  // V8 needs writable+executable memory: this must never be set.
  assert.ok(!unit.includes("MemoryDenyWriteExecute=yes"));
  assert.ok(!unit.includes("COMPLEXIONIST_STORE"), "the store comes from the config");
});

Deno.test("schedule: a store named by $COMPLEXIONIST_STORE is passed on, and writable", () => {
  const unit = renderService(input({ storePath: "/srv/state/c.kv", storeFromEnv: true }));
  assert.ok(directives(unit).includes("Environment=COMPLEXIONIST_STORE=/srv/state/c.kv"));
  assert.ok(directives(unit).includes("ReadWritePaths=-/srv/state"));
});

Deno.test("schedule: from source, the unit runs deno with main.ts and may write deno's cache", () => {
  const unit = renderService(input({
    command: ["/usr/bin/deno", "run", "--allow-net", "/src/c x/main.ts"],
    fromSource: true,
    extraWritable: ["/home/ann/.cache/deno"],
  }));
  assert.match(
    unit,
    /^ExecStart=\/usr\/bin\/deno run --allow-net "\/src\/c x\/main.ts" --config /m,
  );
  assert.ok(
    directives(unit).includes(
      "ReadWritePaths=-/home/ann/.complexionist -/home/ann/.cache/deno",
    ),
  );
});

Deno.test("schedule: the timer is hourly, persistent and spread", () => {
  const timer = directives(renderTimer());
  for (const d of ["OnCalendar=hourly", "Persistent=true", "WantedBy=timers.target"]) {
    assert.ok(timer.includes(d), d);
  }
  assert.ok(timer.some((l) => l.startsWith("RandomizedDelaySec=")));
});

Deno.test("schedule: the shipped units have the same settings as the rendered ones", () => {
  const dir = join(REPO, "scripts", "systemd");
  const service = Deno.readTextFileSync(join(dir, "complexionist-sync.service"));
  const timer = Deno.readTextFileSync(join(dir, "complexionist-sync.timer"));
  assert.deepEqual(keys(service), keys(renderService(input())));
  assert.deepEqual(directives(timer), directives(renderTimer()));
  const rendered = directives(renderService(input()))
    .filter((l) => !/^(ExecStart|ReadWritePaths)=/.test(l));
  assert.deepEqual(
    directives(service).filter((l) => !/^(ExecStart|ReadWritePaths)=/.test(l)),
    rendered,
  );
  assert.match(service, /^ExecStart=%h\/\.local\/bin\/complexionist --config %h\//m);
});

Deno.test("schedule: the systemd script names both enable commands and linger", () => {
  const text = renderSystemd(input({ notes: ["No complexionist.ini was found: write one."] }));
  assert.ok(
    text.includes(
      "systemctl --user daemon-reload && systemctl --user enable --now complexionist-sync.timer",
    ),
  );
  assert.match(text, /loginctl enable-linger/);
  assert.match(text, /^# No complexionist.ini was found: write one\.$/m);
  assert.match(text, /\[Timer\]/);
});

Deno.test({
  name: "schedule: `trakt schedule | sh` writes the two units and enables the timer",
  ignore: !HAS_SH,
  fn: async () => {
    await withTempDir("complexionist-schedule-", async (dir) => {
      await Deno.mkdir(join(dir, "bin"));
      const log = join(dir, "systemctl.log");
      await Deno.writeTextFile(
        join(dir, "bin", "systemctl"),
        `#!/bin/sh\necho "$*" >> '${log}'\n`,
        { mode: 0o755 },
      );
      const i = input({ configPath: join(dir, "it's here", "complexionist.ini") });
      await pipeToSh(renderSystemd(i), { PATH: `${join(dir, "bin")}:/usr/bin:/bin`, HOME: dir });
      const units = join(dir, ".config", "systemd", "user");
      assert.equal(
        await Deno.readTextFile(join(units, "complexionist-sync.service")),
        renderService(i),
      );
      assert.equal(
        await Deno.readTextFile(join(units, "complexionist-sync.timer")),
        renderTimer(),
      );
      assert.equal(
        await Deno.readTextFile(log),
        "--user daemon-reload\n--user enable --now complexionist-sync.timer\n",
      );
    });
  },
});

Deno.test({
  name: "schedule: systemd-analyze verify accepts the rendered units",
  ignore: !HAS_SYSTEMD_ANALYZE,
  fn: async () => {
    await withTempDir("complexionist-verify-", async (dir) => {
      await Deno.mkdir(join(dir, "run"), { mode: 0o700 });
      await Deno.mkdir(join(dir, "units"));
      // ExecStart's program must exist for verify: deno itself, as in the from-source form.
      const i = input({
        command: [Deno.execPath(), "run", "--allow-net", join(dir, "my src", "main.ts")],
        fromSource: true,
        configPath: join(dir, "100% mine", "complexionist.ini"),
        storePath: join(dir, "state dir", "complexionist.kv"),
        storeFromEnv: true,
        extraWritable: [join(dir, "cache", "deno")],
        env: { DENO_DIR: join(dir, "cache", "deno") },
      });
      await Deno.writeTextFile(join(dir, "units", "complexionist-sync.service"), renderService(i));
      await Deno.writeTextFile(join(dir, "units", "complexionist-sync.timer"), renderTimer());
      const out = await new Deno.Command("systemd-analyze", {
        args: [
          "--user",
          "verify",
          join(dir, "units", "complexionist-sync.service"),
          join(dir, "units", "complexionist-sync.timer"),
        ],
        env: { HOME: dir, XDG_RUNTIME_DIR: join(dir, "run") },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.equal(text.trim(), "", "systemd-analyze verify found something");
    });
  },
});

Deno.test("schedule: the cron line is hourly, escapes % and carries its marker", () => {
  const line = renderCronLine(
    input({ configPath: "/home/ann/50% off/complexionist.ini", storeFromEnv: true }),
    17,
  );
  assert.ok(line.startsWith("17 * * * * umask 077; NO_COLOR=1 "), line);
  assert.ok(line.endsWith(` ${CRON_MARKER}`));
  assert.ok(line.includes("'/home/ann/50\\% off/complexionist.ini'"));
  assert.ok(line.includes("COMPLEXIONIST_STORE=/home/ann/.complexionist/complexionist.kv"));
  assert.ok(line.includes(">> /home/ann/.complexionist/sync.log 2>&1"));
  assert.ok(!/[^\\]%/.test(line), "every % is escaped");
});

Deno.test({
  name: "schedule: the cron line creates its log file owner-only, whatever cron's umask",
  ignore: !HAS_SH,
  fn: async () => {
    await withTempDir("complexionist-cron-", async (dir) => {
      const i = input({ command: ["true"], storePath: join(dir, "complexionist.kv") });
      const line = renderCronLine(i, 5);
      // What cron runs: the part after the five time fields, `\%` back to `%`.
      const command = line.slice("5 * * * * ".length).replaceAll("\\%", "%");
      const out = await new Deno.Command("sh", {
        args: ["-c", `umask 022; ${command}`],
        env: { PATH: "/usr/bin:/bin" },
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.equal((await Deno.stat(join(dir, "sync.log"))).mode! & 0o777, 0o600);
    });
  },
});

Deno.test("schedule: cron minutes are spread and stable", () => {
  assert.equal(cronMinute("a"), cronMinute("a"));
  const minutes = new Set(["a", "b", "c", "d", "e", "f", "g", "h"].map(cronMinute));
  assert.ok(minutes.size > 3);
  for (const m of minutes) assert.ok(m >= 0 && m < 60);
});

Deno.test({
  name: "schedule: the cron script replaces an earlier complexionist line",
  ignore: !HAS_SH,
  fn: async () => {
    await withTempDir("complexionist-cron-", async (dir) => {
      await Deno.mkdir(join(dir, "bin"));
      const tab = join(dir, "crontab.txt");
      await Deno.writeTextFile(
        tab,
        `0 5 * * * backup\n3 * * * * /old/complexionist trakt sync ${CRON_MARKER}\n`,
      );
      // A stand-in crontab: -l prints the table, `-` replaces it with stdin.
      await Deno.writeTextFile(
        join(dir, "bin", "crontab"),
        `#!/bin/sh\nif [ "$1" = "-l" ]; then cat '${tab}'; else cat > '${tab}.new' && ` +
          `mv '${tab}.new' '${tab}'; fi\n`,
        { mode: 0o755 },
      );
      const i = input({ configPath: join(dir, "o'brien", "complexionist.ini") });
      await pipeToSh(renderCron(i, 42), { PATH: `${join(dir, "bin")}:/usr/bin:/bin` });
      assert.equal(
        await Deno.readTextFile(tab),
        `0 5 * * * backup\n${renderCronLine(i, 42)}\n`,
      );
      // The line's command, as sh would run it, names the quoted config path intact.
      const words = await new Deno.Command("sh", {
        args: [
          "-c",
          `set -- ${
            syncArgv(i).map(shellWord).join(" ")
          }; for w in "$@"; do printf '%s\\n' "$w"; done`,
        ],
        stdout: "piped",
      }).output();
      assert.deepEqual(
        new TextDecoder().decode(words.stdout).trimEnd().split("\n"),
        syncArgv(i),
      );
    });
  },
});

Deno.test("schedule: the launchd agent runs hourly with escaped arguments and a log", () => {
  const plist = renderPlist(
    input({ configPath: "/Users/ann/R&D <x>/complexionist.ini" }),
    "/Users/ann",
    23,
  );
  assert.match(
    plist,
    /<key>StartCalendarInterval<\/key>\n\s*<dict>\n\s*<key>Minute<\/key>\n\s*<integer>23<\/integer>/,
  );
  assert.ok(plist.includes("<string>/Users/ann/R&amp;D &lt;x&gt;/complexionist.ini</string>"));
  assert.ok(plist.includes("<string>/Users/ann/Library/Logs/complexionist-sync.log</string>"));
  assert.ok(plist.includes("<string>local.complexionist.sync</string>"));
  // Balanced tags, as a tiny well-formedness check.
  for (const tag of ["dict", "array", "plist"]) {
    assert.equal(
      plist.split(`<${tag}`).length,
      plist.split(`</${tag}>`).length,
      `<${tag}> is balanced`,
    );
  }
  const script = renderLaunchd(input(), "/Users/ann", 23);
  assert.match(script, /launchctl bootstrap "gui\/\$\(id -u\)" "\$plist"/);
});

Deno.test("schedule: Windows arguments follow the C runtime's quoting rules", () => {
  assert.equal(windowsArg("C:\\bin\\complexionist.exe"), "C:\\bin\\complexionist.exe");
  assert.equal(windowsArg("C:\\Program Files\\c.exe"), '"C:\\Program Files\\c.exe"');
  assert.equal(windowsArg('a "b"'), '"a \\"b\\""');
  assert.equal(windowsArg("C:\\a b\\"), '"C:\\a b\\\\"');
  assert.equal(windowsArg(""), '""');
});

Deno.test("schedule: the schtasks line creates an hourly task", () => {
  const i = input({
    command: ["C:\\Users\\Ann\\bin\\complexionist.exe"],
    configPath: "C:\\Users\\Ann\\.complexionist\\complexionist.ini",
  });
  const text = renderWindows(i);
  assert.ok(
    text.includes(
      'schtasks /Create /F /TN "complexionist sync" /SC HOURLY /TR ' +
        '"C:\\Users\\Ann\\bin\\complexionist.exe --config ' +
        'C:\\Users\\Ann\\.complexionist\\complexionist.ini trakt sync"',
    ),
    text,
  );
  assert.ok(text.includes("\r\n"));
  assert.ok(!text.includes("more than the"), "no length warning for a short command");
  const long = input({ command: [`C:\\${"very long folder\\".repeat(20)}complexionist.exe`] });
  assert.ok(windowsTaskRun(long).length > SCHTASKS_TR_MAX);
  assert.match(renderWindows(long), /more than the 261 schtasks/);
});

/** A [trakt] app that loads: without one every scheduled sync would fail, and says so. */
const TRAKT_APP = "client_id = id123\nclient_secret = secret456\n";

function surroundings(over: Partial<Surroundings> & { home: string }): Surroundings {
  return {
    execPath: "/opt/complexionist/complexionist",
    mainUrl: new URL("../../main.ts", import.meta.url).href,
    denoJsonUrl: new URL("../../deno.json", import.meta.url).href,
    env: { HOME: over.home },
    cwd: over.home,
    os: "linux",
    ...over,
  };
}

Deno.test("schedule: a compiled binary schedules itself with the config it finds", async () => {
  await withTempDir("complexionist-home-", async (home) => {
    await Deno.mkdir(join(home, ".complexionist"));
    const config = join(home, ".complexionist", "complexionist.ini");
    await Deno.writeTextFile(
      config,
      "[plex:0]\nurl = http://localhost:32400\ntoken = abc\n\n[trakt]\n" +
        "token_store = ../state/tokens.kv\n" + TRAKT_APP,
    );
    await Deno.mkdir(join(home, "state"));
    await Deno.writeTextFile(join(home, "state", "tokens.kv"), "");
    const i = gatherInput(surroundings({ home }), {}, ["--server", "all"]);
    assert.deepEqual(i.command, ["/opt/complexionist/complexionist"]);
    assert.equal(i.fromSource, false);
    assert.equal(i.configPath, config);
    assert.equal(i.configFound, true);
    assert.equal(i.storePath, join(home, "state", "tokens.kv"));
    assert.equal(i.storeFromEnv, false);
    assert.deepEqual(i.notes, []);
    assert.deepEqual(syncArgv(i).slice(-4), ["trakt", "sync", "--server", "all"]);
  });
});

Deno.test("schedule: several servers and no --server is a note saying the timer syncs only the first", async () => {
  await withTempDir("complexionist-home-", async (home) => {
    await Deno.mkdir(join(home, ".complexionist"));
    await Deno.writeTextFile(
      join(home, ".complexionist", "complexionist.ini"),
      "[plex:0]\nname = Main\nurl = http://a:32400\ntoken = abc\n\n" +
        "[plex:3]\nname = 4K\nurl = http://b:32400\ntoken = def\n[trakt]\n" + TRAKT_APP,
    );
    await Deno.writeTextFile(join(home, ".complexionist", "complexionist.kv"), "");
    const plain = gatherInput(surroundings({ home }), {}, []);
    assert.equal(plain.notes.length, 1, plain.notes.join("\n"));
    assert.match(plain.notes[0]!, /2 Plex servers \(0 "Main", 3 "4K"\)/);
    assert.match(plain.notes[0]!, /reads only the first: run `trakt schedule --server all`/);
    for (const args of [["--server", "all"], ["--server", "4K"]]) {
      assert.deepEqual(gatherInput(surroundings({ home }), {}, args).notes, [], args.join(" "));
    }
    // A server the config does not have: the timer would fail every hour with exit 2.
    const typo = gatherInput(surroundings({ home }), {}, ["--server", "4k HDR"]);
    assert.equal(typo.notes.length, 1, typo.notes.join("\n"));
    assert.match(typo.notes[0]!, /^Every scheduled sync would fail until this is fixed: .*4k HDR/);
  });
});

Deno.test("schedule: no token store yet is a note to run trakt auth first", async () => {
  await withTempDir("complexionist-home-", async (home) => {
    await Deno.mkdir(join(home, ".complexionist"));
    await Deno.writeTextFile(
      join(home, ".complexionist", "complexionist.ini"),
      "[plex:0]\nurl = http://a:32400\ntoken = abc\n[trakt]\n" + TRAKT_APP,
    );
    const i = gatherInput(surroundings({ home }), {}, []);
    assert.equal(i.notes.length, 1, i.notes.join("\n"));
    assert.match(
      i.notes[0]!,
      /no token store at .*complexionist\.kv yet: run `complexionist trakt auth`/,
    );
  });
});

Deno.test("schedule: Trakt credentials missing or placeholders are a note; INI tokens spare trakt auth", async () => {
  await withTempDir("complexionist-home-", async (home) => {
    await Deno.mkdir(join(home, ".complexionist"));
    const ini = join(home, ".complexionist", "complexionist.ini");
    await Deno.writeTextFile(
      ini,
      "[plex:0]\nurl = http://a:32400\ntoken = abc\n[trakt]\nclient_id = your_trakt_client_id\n" +
        "client_secret = s\naccess_token = oldAccess1\nrefresh_token = oldRefresh1\n",
    );
    const i = gatherInput(surroundings({ home }), {}, []);
    assert.equal(i.notes.length, 1, i.notes.join("\n"));
    assert.match(
      i.notes[0]!,
      /^Every scheduled sync would fail until this is fixed: .*client_id.*placeholder/,
    );
    assert.doesNotMatch(i.notes.join(" "), /no token store/, "the INI's tokens are imported");

    // Half a pair is never imported; and this shell's TRAKT_* variables are not the timer's.
    await Deno.writeTextFile(
      ini,
      "[plex:0]\nurl = http://a:32400\ntoken = abc\n[trakt]\nclient_id = your_trakt_client_id\n" +
        "client_secret = s\naccess_token = oldAccess1\n",
    );
    const env = { HOME: home, TRAKT_CLIENT_ID: "fromShell1" };
    const half = gatherInput(surroundings({ home, env }), {}, []);
    const notes = half.notes.join("\n");
    assert.match(notes, /Every scheduled sync would fail until this is fixed: .*client_id/);
    assert.match(notes, /no token store/);
    assert.match(notes, /TRAKT_CLIENT_ID is set in this shell/);
  });
});

Deno.test("schedule: variables the config names are a note, since the timer will not have them", async () => {
  await withTempDir("complexionist-home-", async (home) => {
    await Deno.mkdir(join(home, ".complexionist"));
    const config = join(home, ".complexionist", "complexionist.ini");
    await Deno.writeTextFile(
      config,
      "[plex:0]\nurl = http://$PLEX_HOST:32400\ntoken = ${PLEX_TOKEN_4K}\n\n[trakt]\n" +
        "; a comment with $NOT_A_VALUE\ntoken_store = ${HOME}/state.kv\nclient_id = a$$b\n" +
        "client_secret = s3\n",
    );
    await Deno.writeTextFile(join(home, "state.kv"), "");
    assert.deepEqual(configVariables(config), ["PLEX_HOST", "PLEX_TOKEN_4K", "HOME"]);
    const env = { HOME: home, PLEX_HOST: "nas", PLEX_TOKEN_4K: "secret-token" };
    const i = gatherInput(surroundings({ home, env }), {}, []);
    assert.equal(i.notes.length, 1, i.notes.join("\n"));
    // HOME is set by every scheduler; the others are not, and no value is ever printed.
    assert.match(i.notes[0]!, /uses \$PLEX_HOST, \$PLEX_TOKEN_4K, which a scheduled run does not/);
    assert.doesNotMatch(i.notes[0]!, /secret-token|HOME/);
  });
});

Deno.test("schedule: a `$name` inside a secret is never repeated, in the notes or the script", async () => {
  await withTempDir("complexionist-home-", async (home) => {
    await Deno.mkdir(join(home, ".complexionist"));
    const config = join(home, ".complexionist", "complexionist.ini");
    await Deno.writeTextFile(
      config,
      "[plex:0]\nurl = http://$PLEX_HOST:32400\ntoken = abc$pLxTok3nQw7Er9Ty\n[trakt]\n" +
        "client_id = id123\nclient_secret = tRkSec4${SEC_PART}\n",
    );
    await Deno.writeTextFile(join(home, ".complexionist", "complexionist.kv"), "");
    const unnamed: string[] = [];
    assert.deepEqual(configVariables(config, unnamed), ["PLEX_HOST", "SEC_PART"]);
    assert.deepEqual(unnamed, ["[plex:0] token"]);
    const env = { HOME: home, PLEX_HOST: "nas", SEC_PART: "x" };
    const i = gatherInput(surroundings({ home, env }), {}, []);
    const notes = i.notes.join("\n");
    assert.doesNotMatch(notes, /pLxTok3n/);
    assert.match(notes, /uses an environment variable that is not set/);
    assert.match(notes, /\[plex:0\] token in the config reads an environment variable \(a `\$`/);
    assert.match(notes, /write `\$\$` for a `\$` that is part of the value/);
    assert.match(notes, /uses \$PLEX_HOST, \$SEC_PART, which a scheduled run/);

    // A config that loads: its secrets are registered, so what is printed is redacted.
    await Deno.writeTextFile(
      config,
      "[plex:0]\nurl = http://nas:32400\ntoken = plexTokSchedule4Rt5\n[trakt]\n" +
        "client_id = id123\nclient_secret = tRkSecSchedule6Yu7\n",
    );
    gatherInput(surroundings({ home }), {}, []);
    assert.equal(redact("plexTokSchedule4Rt5 tRkSecSchedule6Yu7"), "*** ***");
  });
});

Deno.test("schedule: from source, deno runs main.ts; no config gives a placeholder and a note", async () => {
  await withTempDir("complexionist-home-", (home) => {
    const i = gatherInput(
      surroundings({
        home,
        execPath: "/home/ann/.npm/_npx/abc/node_modules/@deno/linux-x64-glibc/deno",
        env: {
          HOME: home,
          COMPLEXIONIST_STORE: "/var/lib/c/c.kv",
          TRAKT_CLIENT_ID: "x",
        },
      }),
      {},
      [],
    );
    assert.equal(i.fromSource, true);
    assert.equal(i.command[1], "run");
    assert.deepEqual(i.command.slice(-3), [
      "--config",
      join(REPO, "deno.json"),
      join(REPO, "main.ts"),
    ]);
    assert.ok(!i.command.includes("-A"), "narrow permissions, not -A");
    // The V8 flags a release binary carries, as a runtime flag before the script.
    assert.ok(i.command.indexOf(V8_FLAGS_ARG) > 1, i.command.join(" "));
    assert.ok(i.command.indexOf(V8_FLAGS_ARG) < i.command.indexOf(join(REPO, "main.ts")));
    assert.equal(i.configFound, false);
    assert.equal(i.configPath, join(home, ".complexionist", "complexionist.ini"));
    assert.equal(i.storePath, resolve(home, "/var/lib/c/c.kv"));
    assert.equal(i.storeFromEnv, true);
    assert.deepEqual(i.extraWritable, [join(home, ".cache", "deno")]);
    const notes = i.notes.join("\n");
    assert.match(notes, /trakt init/);
    assert.match(notes, /npx cache/);
    assert.match(notes, /TRAKT_CLIENT_ID is set in this shell/);
  });
});

Deno.test("schedule: a config that does not load still gives units, with a note", async () => {
  await withTempDir("complexionist-home-", async (home) => {
    const config = join(home, "complexionist.ini");
    await Deno.writeTextFile(config, "[plex:0]\nurl = nope\n");
    const i = gatherInput(surroundings({ home }), { config }, []);
    assert.equal(i.configPath, config);
    assert.equal(i.storePath, join(home, ".complexionist", "complexionist.kv"));
    assert.match(i.notes.join("\n"), /could not be read/);
    assert.ok(dirname(i.storePath).endsWith(".complexionist"));
  });
});

Deno.test("schedule: one scheduler at a time, and each OS gets its own by default", () => {
  assert.equal(defaultScheduler("linux"), "systemd");
  assert.equal(defaultScheduler("darwin"), "launchd");
  assert.equal(defaultScheduler("windows"), "windows");
  assert.equal(chosenScheduler({}, "darwin"), "launchd");
  assert.equal(chosenScheduler({ cron: true }, "linux"), "cron");
  assert.throws(() => chosenScheduler({ cron: true, systemd: true }, "linux"), UsageError);
});

Deno.test("schedule: the script's comments are redacted, its commands never (a secret there stops it)", () => {
  addSecret("Sk7Qw9Rt3Zx");
  addSecret("qzx");
  assert.equal(
    redactedScript("# token Sk7Qw9Rt3Zx\nExecStart=/usr/bin/complexionist trakt sync\n"),
    "# token ***\nExecStart=/usr/bin/complexionist trakt sync\n",
  );
  assert.equal(
    redactedScript("REM token Sk7Qw9Rt3Zx\r\nschtasks /Create"),
    "REM token ***\r\nschtasks /Create",
  );
  assert.throws(
    () => redactedScript("# ok\nExecStart=/home/qzx/bin/complexionist trakt sync\n"),
    /command line would contain one of the config's tokens or secrets/,
  );
});
