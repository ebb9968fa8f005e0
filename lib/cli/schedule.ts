/**
 * `complexionist trakt schedule`: prints what runs `trakt sync` every hour, filled in with this
 * binary's and this config's real paths, as a shell script (or, for Windows, a cmd.exe command)
 * that installs it: systemd user units (Linux), a crontab line, a launchd agent (macOS) or a
 * Task Scheduler task. Nothing is installed by the command itself: it prints, the user reads
 * and runs (`complexionist trakt schedule | sh`).
 *
 * The rendering functions below are pure (ScheduleInput in, text out); `scheduleCommand` at the
 * end gathers the paths and prints.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { executableDir, findConfig } from "../config/find.ts";
import { expandVariables, mayNameVariable } from "../config/expand.ts";
import { parseIni } from "../config/ini.ts";
import { configSecrets, loadConfig } from "../config/load.ts";
import { requireTrakt } from "../config/trakt.ts";
import { describeServers, selectServers } from "../config/servers.ts";
import type { Env } from "../config/types.ts";
import { homeDir, nonEmpty } from "../config/values.ts";
import { UsageError } from "../errors.ts";
import { addSecret, redact } from "../http/redact.ts";
import { V8_FLAGS_ARG } from "../v8_flags.ts";
import type { GlobalFlags } from "./context.ts";
import { Output, outputOptions } from "./output.ts";

export type Scheduler = "systemd" | "cron" | "launchd" | "windows";

export const SERVICE_NAME = "complexionist-sync.service";
export const TIMER_NAME = "complexionist-sync.timer";
export const LAUNCHD_LABEL = "local.complexionist.sync";
export const WINDOWS_TASK = "complexionist sync";
/** The one Windows limit worth checking: schtasks refuses a /TR longer than this. */
export const SCHTASKS_TR_MAX = 261;
const ENV_NOT_INHERITED = [
  "TRAKT_CLIENT_ID",
  "TRAKT_CLIENT_SECRET",
  "TRAKT_API_URL",
  "TRAKT_AUTH_URL",
] as const;

/** What every scheduler (systemd user units, cron, launchd, Task Scheduler) sets by itself. */
const SCHEDULER_GIVES = new Set(["HOME", "USER", "LOGNAME", "USERPROFILE"]);

export interface ScheduleInput {
  /** What runs complexionist: `[binary]`, or `[deno, "run", …, main.ts]` from source. */
  command: string[];
  /** True when `command` is `deno run … main.ts` rather than a release binary. */
  fromSource: boolean;
  /** Absolute path of complexionist.ini (passed as --config). */
  configPath: string;
  /** False when no config was found: configPath is then where `trakt init` writes one. */
  configFound: boolean;
  /** Absolute path of the token and state store. */
  storePath: string;
  /** The store was named by $COMPLEXIONIST_STORE: the scheduled run must get it too. */
  storeFromEnv: boolean;
  /** Other folders the run writes to (Deno's cache when running from source). */
  extraWritable: string[];
  /** Extra `trakt sync` arguments, e.g. `["--server", "all"]`. */
  syncArgs: string[];
  /** Extra environment for the run (`DENO_DIR` when it is set). */
  env: Record<string, string>;
  /** Lines of advice printed as comments above the script. */
  notes: string[];
}

/** The full argument vector of one scheduled sync. */
export function syncArgv(i: ScheduleInput): string[] {
  return [...i.command, "--config", i.configPath, "trakt", "sync", ...i.syncArgs];
}

function environment(i: ScheduleInput): Record<string, string> {
  return {
    NO_COLOR: "1",
    ...(i.storeFromEnv ? { COMPLEXIONIST_STORE: i.storePath } : {}),
    ...i.env,
  };
}

/**
 * The environment variables a config's values name (`${NAME}`, `$NAME`), in file order; none
 * when the file cannot be read or parsed (loading it reports that). A secret's `$NAME` is not
 * named (a `$` inside a token may be part of it, expand.ts): its setting goes to `unnamed`
 * instead ("[plex:0] token"). Its `${NAME}` is.
 */
export function configVariables(path: string, unnamed: string[] = []): string[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    return [];
  }
  const names = new Set<string>();
  // Every name expands to something: only the names are wanted, not the values.
  const anything = new Proxy({}, { get: (_t, name) => typeof name === "string" ? "x" : undefined });
  try {
    for (const section of parseIni(text, path).sections) {
      for (const [key, entry] of section.entries) {
        const where = { file: path, section: section.name, key, line: entry.line };
        const { variables, bare } = expandVariables(entry.value, anything, where);
        for (const n of variables) {
          if (mayNameVariable(key, !bare?.includes(n))) names.add(n);
          else if (!unnamed.includes(`[${section.name}] ${key}`)) {
            unnamed.push(`[${section.name}] ${key}`);
          }
        }
      }
    }
  } catch {
    // A config that does not parse: loading it reports why; the names found so far stand.
  }
  return [...names];
}

// ---------------------------------------------------------------------------------------------
// Quoting

/** One word of a systemd ExecStart= line: `%` and `$` are doubled, odd words double-quoted. */
export function systemdWord(word: string): string {
  const escaped = word.replaceAll("%", "%%").replaceAll("$", "$$$$");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A value of a systemd setting that takes a (quotable) path or an assignment. */
function systemdValue(value: string): string {
  const escaped = value.replaceAll("%", "%%");
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A POSIX shell word. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** One argument as the Windows C runtime parses it (CommandLineToArgvW rules). */
export function windowsArg(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      slashes++;
      continue;
    }
    if (ch === '"') out += "\\".repeat(slashes * 2 + 1) + '"';
    else out += "\\".repeat(slashes) + ch;
    slashes = 0;
  }
  return out + "\\".repeat(slashes * 2) + '"';
}

// ---------------------------------------------------------------------------------------------
// systemd

/** Folders the service may write to: the store's, then any extra. `-`: fine if missing. */
function writablePaths(i: ScheduleInput): string[] {
  return [dirname(i.storePath), ...i.extraWritable].filter((p, n, all) => all.indexOf(p) === n);
}

export function renderService(i: ScheduleInput): string {
  const env = Object.entries(environment(i))
    .map(([k, v]) => `Environment=${systemdValue(`${k}=${v}`)}`);
  return [
    `# ${SERVICE_NAME}: one \`complexionist trakt sync\`, started by ${TIMER_NAME}.`,
    "# A user unit: it runs as you, with your files. Its output goes to the journal:",
    `#   journalctl --user -u ${SERVICE_NAME}`,
    "[Unit]",
    "Description=Add new Plex movies and episodes to the Trakt collection (complexionist)",
    "# No After=network-online.target: a user manager cannot see that system target. A network",
    "# that is not up yet makes one run fail (exit 4, after retries); the next hour catches up.",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${syncArgv(i).map(systemdWord).join(" ")}`,
    ...env,
    "# A sync takes seconds to minutes; never let a stuck one block the next hours. On SIGTERM the",
    "# batch in flight finishes or is abandoned and the run exits 130 with nothing half-written.",
    "TimeoutStartSec=50min",
    "Nice=10",
    "IOSchedulingClass=idle",
    "UMask=0077",
    "",
    "# Plain lines for the journal (no colour is used off a terminal anyway): NO_COLOR above.",
    "# Hardening that works in a user unit as it is (no privileges, no namespaces needed):",
    "NoNewPrivileges=yes",
    "LockPersonality=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "RestrictNamespaces=yes",
    "SystemCallArchitectures=native",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "# No MemoryDenyWriteExecute=: the JavaScript engine (V8) compiles code at run time.",
    "",
    "# File-system sandbox: everything read-only except the store's folder (the Trakt tokens,",
    "# the last syncs and the not-found memory). In a *user* unit these need an unprivileged",
    "# user namespace (systemd turns on PrivateUsers= for them); where the kernel has none,",
    "# systemd skips them. If the service fails with status 226/NAMESPACE (user namespaces",
    "# restricted, as on some Ubuntu 24.04+ machines), delete the four lines below.",
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateTmp=yes",
    `ReadWritePaths=${writablePaths(i).map((p) => systemdValue(`-${p}`)).join(" ")}`,
    "",
  ].join("\n");
}

export function renderTimer(): string {
  return [
    `# ${TIMER_NAME}: starts ${SERVICE_NAME} every hour.`,
    "[Unit]",
    "Description=Sync Plex to Trakt every hour (complexionist)",
    "",
    "[Timer]",
    "OnCalendar=hourly",
    "# Spread the runs over the hour, so not every user's sync hits Trakt at :00.",
    "RandomizedDelaySec=15min",
    "# A run missed while the machine was off or asleep is made up once when it is back.",
    "Persistent=true",
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}

function header(i: ScheduleInput, what: string): string[] {
  const lines = [
    `# complexionist: run \`trakt sync\` every hour ${what}.`,
    `# Command: ${syncArgv(i).join(" ")}`,
    `# Config:  ${i.configPath}${i.configFound ? "" : "  (does not exist yet)"}`,
    `# Store:   ${i.storePath}`,
  ];
  for (const n of i.notes) lines.push(...wrapComment(n));
  return lines;
}

function wrapComment(text: string, width = 98): string[] {
  const out: string[] = [];
  let line = "#";
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line !== "#") {
      out.push(line);
      line = "#  ";
    }
    line += ` ${word}`;
  }
  out.push(line.replace(/^# {3}/, "#   "));
  return out;
}

/** A heredoc delimiter that no line of `body` equals. */
function delimiter(body: string, base: string): string {
  let d = base;
  while (body.split("\n").includes(d)) d += "_";
  return d;
}

function heredoc(target: string, body: string, base: string): string[] {
  const d = delimiter(body, base);
  return [`cat > ${target} <<'${d}'`, ...body.replace(/\n$/, "").split("\n"), d];
}

export function renderSystemd(i: ScheduleInput): string {
  return [
    ...header(i, "with a systemd user timer"),
    "# Install: paste this into a shell, or run `complexionist trakt schedule | sh`.",
    'units="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"',
    'mkdir -p "$units"',
    ...heredoc(`"$units/${SERVICE_NAME}"`, renderService(i), "COMPLEXIONIST_SERVICE"),
    ...heredoc(`"$units/${TIMER_NAME}"`, renderTimer(), "COMPLEXIONIST_TIMER"),
    `systemctl --user daemon-reload && systemctl --user enable --now ${TIMER_NAME}`,
    "# Next run:        systemctl --user list-timers complexionist-sync.timer",
    "# Run once now:    systemctl --user start complexionist-sync.service",
    "# Its log:         journalctl --user -u complexionist-sync.service -n 50",
    "# On a server, let it run while you are logged out: sudo loginctl enable-linger $USER",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// cron

/** A minute of the hour derived from `seed`, so that users do not all sync at :00. */
export function cronMinute(seed: string): number {
  let h = 2166136261;
  for (const ch of seed) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h % 60;
}

export const CRON_MARKER = "# complexionist-sync";

export function cronLogPath(i: ScheduleInput): string {
  return join(dirname(i.storePath), "sync.log");
}

export function renderCronLine(i: ScheduleInput, minute: number): string {
  const env = Object.entries(environment(i)).map(([k, v]) => `${k}=${shellWord(v)}`);
  const command = [
    ...env,
    ...syncArgv(i).map(shellWord),
    ">>",
    shellWord(cronLogPath(i)),
    "2>&1",
  ].join(" ");
  // cron turns an unescaped % into a newline, even inside quotes. `umask 077` first: the log
  // file is created with cron's umask otherwise (often 022, readable by every user), and what
  // goes into it is no one else's business.
  return `${minute} * * * * umask 077; ${command.replaceAll("%", "\\%")} ${CRON_MARKER}`;
}

export function renderCron(i: ScheduleInput, minute: number): string {
  const line = renderCronLine(i, minute);
  const d = delimiter(line, "COMPLEXIONIST_CRON");
  return [
    ...header(i, "from cron"),
    "# Install (replaces an earlier complexionist line): paste this into a shell, or run",
    "# `complexionist trakt schedule --cron | sh`.",
    `line=$(cat <<'${d}'`,
    line,
    d,
    ")",
    `( crontab -l 2>/dev/null | grep -vF '${CRON_MARKER}'; printf '%s\\n' "$line" ) | crontab -`,
    "# Check: crontab -l",
    `# Its log: tail -n 50 ${shellWord(cronLogPath(i))}  (it grows: rotate or truncate it now`,
    "# and then; `complexionist trakt status` shows the last sync without it)",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// launchd

export function launchdLogPath(home: string): string {
  return join(home, "Library", "Logs", "complexionist-sync.log");
}

export function renderPlist(i: ScheduleInput, home: string, minute: number): string {
  const log = xml(launchdLogPath(home));
  const env = Object.entries(environment(i)).flatMap((
    [k, v],
  ) => [`      <key>${xml(k)}</key>`, `      <string>${xml(v)}</string>`]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ' +
    '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    "  <dict>",
    "    <key>Label</key>",
    `    <string>${LAUNCHD_LABEL}</string>`,
    "    <key>ProgramArguments</key>",
    "    <array>",
    ...syncArgv(i).map((a) => `      <string>${xml(a)}</string>`),
    "    </array>",
    "    <!-- every hour at this minute; runs missed while asleep are made up once on wake -->",
    "    <key>StartCalendarInterval</key>",
    "    <dict>",
    "      <key>Minute</key>",
    `      <integer>${minute}</integer>`,
    "    </dict>",
    "    <key>RunAtLoad</key>",
    "    <true/>",
    "    <key>EnvironmentVariables</key>",
    "    <dict>",
    ...env,
    "    </dict>",
    "    <key>StandardOutPath</key>",
    `    <string>${log}</string>`,
    "    <key>StandardErrorPath</key>",
    `    <string>${log}</string>`,
    "    <key>ProcessType</key>",
    "    <string>Background</string>",
    "    <key>LowPriorityIO</key>",
    "    <true/>",
    "  </dict>",
    "</plist>",
    "",
  ].join("\n");
}

export function renderLaunchd(i: ScheduleInput, home: string, minute: number): string {
  return [
    ...header(i, "with a launchd agent (macOS)"),
    "# Install: paste this into Terminal, or run `complexionist trakt schedule --launchd | sh`.",
    `plist="$HOME/Library/LaunchAgents/${LAUNCHD_LABEL}.plist"`,
    'mkdir -p "$HOME/Library/LaunchAgents" "$HOME/Library/Logs"',
    ...heredoc('"$plist"', renderPlist(i, home, minute), "COMPLEXIONIST_PLIST"),
    `launchctl bootout "gui/$(id -u)/${LAUNCHD_LABEL}" 2>/dev/null || true`,
    'launchctl bootstrap "gui/$(id -u)" "$plist"',
    `# Check:   launchctl print "gui/$(id -u)/${LAUNCHD_LABEL}" | grep -E 'state|last exit'`,
    `# Its log: tail -n 50 ${shellWord(launchdLogPath(home))}`,
    `# Remove:  launchctl bootout "gui/$(id -u)/${LAUNCHD_LABEL}" && rm "$plist"`,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Windows Task Scheduler

/** The program and arguments that the task starts, as one /TR value (before cmd quoting). */
export function windowsTaskRun(i: ScheduleInput): string {
  return syncArgv(i).map(windowsArg).join(" ");
}

export function renderWindows(i: ScheduleInput): string {
  const tr = windowsTaskRun(i);
  const lines = [
    ...header(i, "with Windows Task Scheduler").map((l) => l.replace(/^#/, "REM")),
    "REM Run these in a Command Prompt (cmd.exe). In PowerShell, type `schtasks --%` instead of",
    "REM `schtasks` on the first line, so that the quotes reach schtasks unchanged.",
  ];
  if (tr.length > SCHTASKS_TR_MAX) {
    lines.push(
      `REM The command is ${tr.length} characters, more than the ${SCHTASKS_TR_MAX} schtasks`,
      "REM accepts: move the program and the config to shorter paths, or create the task in",
      "REM Task Scheduler's window (Action: Start a program) with the command above.",
    );
  }
  if (i.storeFromEnv) {
    lines.push(`setx COMPLEXIONIST_STORE ${windowsArg(i.storePath)}`);
  }
  lines.push(
    `schtasks /Create /F /TN "${WINDOWS_TASK}" /SC HOURLY /TR ${windowsArg(tr)}`,
    `REM Run once now: schtasks /Run /TN "${WINDOWS_TASK}"`,
    `REM Last result:  schtasks /Query /TN "${WINDOWS_TASK}" /V /FO LIST`,
    "REM The task runs while you are logged on (a console window may flash each hour). To run it",
    "REM hidden and also when logged off, open the task's Properties in Task Scheduler and choose",
    "REM Run whether user is logged on or not. `complexionist trakt status` shows the last sync.",
    "",
  );
  return lines.join("\r\n");
}

export function render(
  scheduler: Scheduler,
  i: ScheduleInput,
  o: { home: string; minute: number },
): string {
  switch (scheduler) {
    case "systemd":
      return renderSystemd(i);
    case "cron":
      return renderCron(i, o.minute);
    case "launchd":
      return renderLaunchd(i, o.home, o.minute);
    case "windows":
      return renderWindows(i);
  }
}

// ---------------------------------------------------------------------------------------------
// Gathering the real paths

export interface Surroundings {
  execPath: string;
  /** `import.meta.url` of this module's folder's main.ts and deno.json (for `deno run`). */
  mainUrl: string;
  denoJsonUrl: string;
  env: Env;
  cwd: string;
  os: typeof Deno.build.os;
}

export function defaultScheduler(os: typeof Deno.build.os): Scheduler {
  return os === "darwin" ? "launchd" : os === "windows" ? "windows" : "systemd";
}

function urlPath(url: string): string {
  return url.startsWith("file:") ? fileURLToPath(url) : url;
}

/** Deno's cache folder (what `deno info` calls DENO_DIR) for the `deno run` form. */
function denoDir(env: Env, os: typeof Deno.build.os, home: string): string {
  const set = nonEmpty(env.DENO_DIR);
  if (set) return set;
  if (os === "darwin") return join(home, "Library", "Caches", "deno");
  if (os === "windows") return join(nonEmpty(env.LOCALAPPDATA) ?? home, "deno");
  return join(nonEmpty(env.XDG_CACHE_HOME) ?? join(home, ".cache"), "deno");
}

/** Everything the renderers need, from the process's surroundings; reads only the config. */
export function gatherInput(
  s: Surroundings,
  flags: GlobalFlags,
  syncArgs: string[],
): ScheduleInput {
  const home = homeDir(s.env);
  const fromSource = executableDir(s.execPath) === undefined;
  const notes: string[] = [];
  const command = fromSource
    ? [
      s.execPath,
      "run",
      "--quiet",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      V8_FLAGS_ARG,
      "--config",
      urlPath(s.denoJsonUrl),
      urlPath(s.mainUrl),
    ]
    : [s.execPath];
  const env: Record<string, string> = {};
  const extraWritable: string[] = [];
  if (fromSource) {
    notes.push(
      "This runs complexionist from source with the deno at the path above; a release binary " +
        "needs no deno.",
    );
    if (/[\\/]_npx[\\/]/.test(s.execPath)) {
      notes.push(
        "That deno is in npm's npx cache, which npm may clean at any time: install deno " +
          "(npm install -g deno) or use a release binary, and run `trakt schedule` again.",
      );
    }
    extraWritable.push(denoDir(s.env, s.os, home));
    if (nonEmpty(s.env.DENO_DIR)) env.DENO_DIR = s.env.DENO_DIR!;
  }
  const found = findConfig({
    ...(flags.config !== undefined ? { explicit: flags.config } : {}),
    env: s.env,
    execDir: executableDir(s.execPath),
    cwd: s.cwd,
    home,
  });
  const configPath = found?.path ?? join(home, ".complexionist", "complexionist.ini");
  let storePath = join(home, ".complexionist", "complexionist.kv");
  const storeEnv = nonEmpty(s.env.COMPLEXIONIST_STORE);
  if (found) {
    try {
      // Read as the timer will read it: without this shell's TRAKT_* variables.
      const timerEnv = { ...s.env };
      for (const name of ENV_NOT_INHERITED) delete timerEnv[name];
      const config = loadConfig(found.path, timerEnv, { cwd: s.cwd });
      // What is printed (the script on stdout, the notes) is redacted like any other output.
      for (const secret of configSecrets(config)) addSecret(secret);
      storePath = config.storePath;
      // Loading defers what only Trakt commands need: the timer's sync is one of them.
      try {
        requireTrakt(config);
      } catch (err) {
        notes.push(
          `Every scheduled sync would fail until this is fixed: ${
            err instanceof Error ? err.message : String(err)
          }`,
        );
      }
      // ComPlexionist's INI tokens (both of them) are imported on the first run: no `trakt
      // auth` needed then.
      const legacy = config.trakt.legacyTokens;
      if (!(legacy?.accessToken && legacy.refreshToken) && !exists(storePath)) {
        notes.push(
          `There is no token store at ${storePath} yet: run \`complexionist trakt auth\` ` +
            'before the first scheduled run, or it will fail with "Trakt is not connected".',
        );
      }
      const server = syncArgs.indexOf("--server");
      if (server >= 0) {
        try {
          selectServers(config, syncArgs[server + 1]);
        } catch (err) {
          notes.push(
            `Every scheduled sync would fail until this is fixed: ${
              err instanceof Error ? err.message : String(err)
            }`,
          );
        }
      }
      if (config.servers.length > 1 && !syncArgs.includes("--server")) {
        notes.push(
          `The config has ${config.servers.length} Plex servers (${
            describeServers(config.servers)
          }), and without --server the scheduled sync reads only the first: run ` +
            "`trakt schedule --server all` (or --server NAME) to sync another or all of them.",
        );
      }
    } catch (err) {
      notes.push(
        `The config could not be read (${err instanceof Error ? err.message : String(err)}); ` +
          "the store path above is the default. Fix the config, then run `trakt schedule` again.",
      );
      if (storeEnv) storePath = resolve(s.cwd, storeEnv);
    }
  } else {
    notes.push(
      `No complexionist.ini was found: write one at ${configPath} with ` +
        "`complexionist trakt init` and fill it in before the first run.",
    );
    if (storeEnv) storePath = resolve(s.cwd, storeEnv);
  }
  for (const name of ENV_NOT_INHERITED) {
    if (nonEmpty(s.env[name])) {
      notes.push(
        `${name} is set in this shell, but a scheduled run does not see it: put the value ` +
          "in the config file.",
      );
    }
  }
  if (found) {
    const unnamed: string[] = [];
    const used = configVariables(found.path, unnamed).filter((n) => !SCHEDULER_GIVES.has(n));
    if (unnamed.length > 0) {
      notes.push(
        `${unnamed.join(" and ")} in the config read${
          unnamed.length === 1 ? "s" : ""
        } an environment variable (a \`$\` followed by a name; not named here, as it may be part ` +
          "of the secret), which a scheduled run does not get from this shell: write `$$` for a " +
          "`$` that is part of the value, or give the variable to the scheduler's environment.",
      );
    }
    if (used.length > 0) {
      const names = used.map((n) => `$${n}`).join(", ");
      notes.push(
        `The config uses ${names}, which a scheduled run does not get from this shell: put ` +
          "the value in the config file, or give it to the scheduler's environment (systemd: " +
          "`Environment=` or `EnvironmentFile=` in the service).",
      );
    }
  }
  return {
    command,
    fromSource,
    configPath,
    configFound: found !== undefined,
    storePath,
    storeFromEnv: storeEnv !== undefined,
    extraWritable,
    syncArgs,
    env,
    notes,
  };
}

export interface ScheduleFlags {
  systemd?: true;
  cron?: true;
  launchd?: true;
  windows?: true;
  server?: string;
  skipUnreachable?: true;
}

export function chosenScheduler(opts: ScheduleFlags, os: typeof Deno.build.os): Scheduler {
  const chosen = (["systemd", "cron", "launchd", "windows"] as const).filter((k) => opts[k]);
  if (chosen.length > 1) {
    throw new UsageError(
      `choose one of --systemd, --cron, --launchd and --windows (got ${
        chosen.map((c) => `--${c}`).join(" and ")
      })`,
    );
  }
  return chosen[0] ?? defaultScheduler(os);
}

export function scheduleCommand(flags: GlobalFlags, opts: ScheduleFlags): void {
  const os = Deno.build.os;
  const scheduler = chosenScheduler(opts, os);
  const env = Deno.env.toObject();
  const input = gatherInput(
    {
      execPath: Deno.execPath(),
      mainUrl: new URL("../../main.ts", import.meta.url).href,
      denoJsonUrl: new URL("../../deno.json", import.meta.url).href,
      env,
      cwd: Deno.cwd(),
      os,
    },
    flags,
    [
      ...(opts.server !== undefined ? ["--server", opts.server] : []),
      ...(opts.skipUnreachable ? ["--skip-unreachable"] : []),
    ],
  );
  const home = homeDir(env);
  const text = render(scheduler, input, { home, minute: cronMinute(home + input.configPath) });
  Deno.stdout.writeSync(new TextEncoder().encode(redactedScript(text)));
  // The notes are comments in the script too, which `… | sh` never shows: say them here.
  const out = new Output(outputOptions(flags));
  for (const note of input.notes) out.warn(note);
}

/**
 * The script quotes no secret by design; its comments (the notes) are redacted all the same,
 * like every other output. Its commands are not: a secret short enough to equal a word of a
 * path (`ann` of /home/ann) would break the timer's command line without a word. Should one
 * appear there all the same, nothing is printed.
 */
export function redactedScript(text: string): string {
  return text.split("\n").map((line) => {
    if (/^\s*(#|<!--|REM\b)/i.test(line)) return redact(line);
    if (redact(line) !== line) {
      throw new UsageError(
        "The timer's command line would contain one of the config's tokens or secrets (one " +
          "short enough to equal a word of a path, say). Check the tokens and secrets in " +
          "complexionist.ini: real ones are far longer",
      );
    }
    return line;
  }).join("\n");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
