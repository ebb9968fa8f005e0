/**
 * `deno task demo`: the whole flow against the emulators, as a user would see it.
 * Starts a fake Plex with ~30 real titles and a fake Trakt, writes a temporary config and
 * token store, and runs the real CLI: auth, sync --dry-run, sync, sync again, status.
 *
 * `deno task demo -- --ui [--port N] [--no-open]` instead serves the dashboard on the same
 * emulators until Ctrl-C. Its Connect link opens the fake Trakt's activation page, where "Yes"
 * approves the login as trakt.tv/activate would.
 */
import { sampleLibrary } from "../tests/emulators/sample_library.ts";
import { PLEX_TOKEN, startWorld } from "../tests/helpers/world.ts";

const ui = Deno.args.includes("--ui");
const lib = sampleLibrary();
const world = await startWorld({
  ...lib,
  loggedIn: false,
  // Real-world pacing: the fake enforces one write per second, the tool keeps 1.1 s.
  trakt: ui
    ? { deviceInterval: 1, deviceOutcome: "manual", activationPage: true, writeIntervalMs: 1000 }
    : { deviceInterval: 1, approveAfterPolls: 2, writeIntervalMs: 1000 },
  ini:
    `; written by deno task demo\n[plex:0]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n\n` +
    `[trakt]\nclient_id = test-client-id\nclient_secret = test-client-secret\n` +
    `api_url = {trakt}\nauth_url = {trakt}\n`,
});

const bold = (s: string) =>
  Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR") ? `\x1b[1m${s}\x1b[0m` : s;
const steps: [string, string[]][] = [
  ["Connect to Trakt (the fake approves after two polls)", ["trakt", "auth"]],
  ["Preview: read both sides, send nothing", ["trakt", "sync", "--dry-run"]],
  ["Sync", ["trakt", "sync"]],
  ["Sync again: nothing changed, so nothing is sent", ["trakt", "sync"]],
  ["Status", ["trakt", "status"]],
];

console.log(`Fake Plex:  ${world.plexUrl}  (${lib.sections.length} libraries)`);
console.log(`Fake Trakt: ${world.traktUrl}`);
console.log(`Config:     ${world.configPath}\n`);
if (ui) await dashboard();
let failed = 0;
try {
  for (const [title, args] of steps) {
    console.log(bold(`# ${title}\n$ complexionist ${args.join(" ")}`));
    const code = await world.runInherit(args);
    const writes = world.trakt.writes().length;
    console.log(`(exit ${code}; Trakt writes so far: ${writes})\n`);
    if (code !== 0) failed++;
  }
} finally {
  await world.close();
}
if (failed) {
  console.error(`${failed} step(s) failed`);
  Deno.exit(1);
}

/** Serves the dashboard until Ctrl-C (which the CLI handles; this script then cleans up). */
async function dashboard(): Promise<never> {
  console.log(bold("$ complexionist ui"));
  console.log(
    "Press Connect Trakt, open the link it shows (the fake Trakt's activation page) and choose " +
      "Yes; then Sync now. Ctrl-C stops.\n",
  );
  const ignore = () => {};
  Deno.addSignalListener("SIGINT", ignore);
  const passed = Deno.args.filter((a) => a !== "--ui" && a !== "--");
  let code = 1;
  try {
    code = await world.runInherit(["ui", ...passed]);
  } finally {
    Deno.removeSignalListener("SIGINT", ignore);
    await world.close();
  }
  Deno.exit(code);
}
