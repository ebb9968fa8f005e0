/**
 * complexionist: push a Plex library into the Trakt collection.
 * This file only builds the command tree; each command lives in lib/cli/.
 */
import {
  Argument,
  Command,
  CommanderError,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import { exitCodeFor, messageFor } from "./lib/cli/exit.ts";
import { Output, outputOptions } from "./lib/cli/output.ts";
import { VERSION } from "./lib/version.ts";

/** An option that takes one value: given twice, the first would be dropped without a word. */
function onlyOnce(flag: string) {
  return (value: string, previous: string | undefined): string => {
    if (previous !== undefined) {
      throw new InvalidArgumentError(
        `${flag} is given twice ("${previous}", "${value}"): give it once, or ${flag} all`,
      );
    }
    return value;
  };
}

export function buildProgram() {
  const program = new Command("complexionist")
    .description("Push the movies and episodes of your Plex servers into your Trakt collection.")
    .version(VERSION, "--version", "print the version and exit")
    .option("--config <path>", "use this complexionist.ini (else $COMPLEXIONIST_CONFIG, …)")
    .option("-v, --verbose", "say which config is used, log every request (secrets redacted)")
    .option("-q, --quiet", "print only warnings and errors")
    .option("--no-color", "never colour the output (also when NO_COLOR is set)")
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      "\nExamples:\n  complexionist trakt auth\n  complexionist trakt sync --dry-run\n" +
        "  complexionist trakt sync --server all --json",
    );
  const globals = () => program.opts();

  const trakt = program.command("trakt").description("connect to Trakt and sync the collection")
    .addHelpText(
      "after",
      "\nExamples:\n  complexionist trakt init\n  complexionist trakt auth\n" +
        "  complexionist trakt sync --dry-run",
    );
  trakt.command("init")
    .description("write a commented complexionist.ini template (never overwrites a file)")
    .option(
      "--path <file>",
      "write it here (default: --config or $COMPLEXIONIST_CONFIG, else " +
        "~/.complexionist/complexionist.ini)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  complexionist trakt init\n  complexionist trakt init --path ./complexionist.ini",
    )
    .action(async (opts) => {
      const { initCommand } = await import("./lib/cli/init.ts");
      initCommand(globals(), opts);
    });
  trakt.command("auth")
    .description("log in to Trakt with a device code and store the tokens")
    .addHelpText("after", "\nExample:\n  complexionist trakt auth")
    .action(async () => {
      const { authCommand } = await import("./lib/cli/auth.ts");
      await authCommand(globals());
    });
  trakt.command("sync")
    .description("add to Trakt what your Plex servers have and Trakt lacks")
    .addOption(
      new Option(
        "--server <name|index|all>",
        "which [plex:N] server(s) to read (default: the first)",
      )
        .argParser(onlyOnce("--server")),
    )
    .addOption(
      new Option("--library <title>", "only this library (repeatable)")
        .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]),
    )
    .option("--dry-run", "read both sides and print the plan; write nothing to Trakt")
    .option("--full", "ignore caches and the not-found memory; compare everything")
    .option("--remove-missing", "also remove from Trakt what no Plex server has any more (guarded)")
    .option(
      "--max-remove <n>",
      "with --remove-missing: remove at most N items (default: 50 or 10%)",
    )
    .option(
      "--skip-unreachable",
      "with several servers: sync those that answer when another is down (exit 4 still)",
    )
    .option("--json", "print one JSON summary on stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  complexionist trakt sync --dry-run\n" +
        "  complexionist trakt sync --server all --remove-missing --dry-run\n" +
        '  complexionist trakt sync --server "4K Server" --library Movies --json',
    )
    .action(async (opts) => {
      const { syncCommand } = await import("./lib/cli/sync.ts");
      await syncCommand(globals(), opts);
    });
  trakt.command("status")
    .description("show the Trakt account, collection counts, token expiry and last syncs")
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExample:\n  complexionist trakt status --json")
    .action(async (opts) => {
      const { statusCommand } = await import("./lib/cli/status.ts");
      await statusCommand(globals(), opts);
    });
  trakt.command("logout")
    .description("revoke the Trakt token and delete it locally")
    .addHelpText("after", "\nExample:\n  complexionist trakt logout")
    .action(async () => {
      const { logoutCommand } = await import("./lib/cli/logout.ts");
      await logoutCommand(globals());
    });

  trakt.command("schedule")
    .description("print what runs `trakt sync` every hour, with this binary's and config's paths")
    .addOption(
      new Option("--systemd", "systemd user timer (the default on Linux)")
        .conflicts(["cron", "launchd", "windows"]),
    )
    .addOption(new Option("--cron", "a crontab line").conflicts(["launchd", "windows"]))
    .addOption(
      new Option("--launchd", "a launchd agent (the default on macOS)").conflicts(["windows"]),
    )
    .option("--windows", "a Task Scheduler command (the default on Windows)")
    .addOption(
      new Option("--server <name|index|all>", "passed on to `trakt sync --server`")
        .argParser(onlyOnce("--server")),
    )
    .option("--skip-unreachable", "passed on to `trakt sync` (a server that sleeps at night)")
    .addHelpText(
      "after",
      "\nExamples:\n  complexionist trakt schedule | sh\n" +
        "  complexionist trakt schedule --cron --server all --skip-unreachable",
    )
    .action(async (opts) => {
      const { scheduleCommand } = await import("./lib/cli/schedule.ts");
      scheduleCommand(globals(), opts);
    });

  const plex = program.command("plex").description("inspect the configured Plex servers")
    .addHelpText("after", "\nExample:\n  complexionist plex servers");
  plex.command("servers")
    .description("list the configured servers: reachable or not, name, libraries")
    .option("--json", "print JSON on stdout")
    .addHelpText("after", "\nExample:\n  complexionist plex servers --json")
    .action(async (opts) => {
      const { plexServersCommand } = await import("./lib/cli/plex_servers.ts");
      await plexServersCommand(globals(), opts);
    });
  program.command("ui")
    .description("serve a dashboard in your browser: status, connect, sync now (127.0.0.1 only)")
    .option("--port <n>", "listen on this port (default: any free one)")
    .option("--no-open", "print the address but do not open a browser")
    .addHelpText(
      "after",
      "\nExample:\n  complexionist ui --port 8765 --no-open\n\nThe address it prints holds a key made " +
        "for this run: only a browser given that address can use the dashboard.",
    )
    .action(async (opts) => {
      const { uiCommand } = await import("./lib/cli/ui.ts");
      await uiCommand(globals(), opts);
    });

  program.command("completions")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      "\nExamples:\n  source <(complexionist completions bash)\n" +
        "  complexionist completions fish > ~/.config/fish/completions/complexionist.fish",
    )
    .action(async (shell) => {
      const { completionsCommand } = await import("./lib/cli/completions.ts");
      completionsCommand(program, shell);
    });
  return program;
}

export async function main(args: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (err) {
    const out = new Output(outputOptions(program.opts()));
    if (err instanceof CommanderError) {
      if (err.exitCode === 0 || err.code === "commander.helpDisplayed") return 0;
      if (err.code === "commander.help") return 2;
      // Commander exits 1 on usage errors; our contract says 2 (design §6).
      // Some of commander's messages end in a full stop of their own.
      const message = err.message.replace(/^error: /, "").replace(/\.$/, "");
      out.error(`${message}. See \`complexionist --help\``);
      return 2;
    }
    out.error(messageFor(err, out.o.verbose));
    return exitCodeFor(err);
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
