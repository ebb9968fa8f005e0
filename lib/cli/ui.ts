/**
 * `complexionist ui`: serves the dashboard on 127.0.0.1 until Ctrl-C, prints its address (with
 * the per-run key) and opens the browser unless --no-open.
 */
import { InterruptedError, UsageError } from "../errors.ts";
import { Dashboard } from "../ui/dashboard.ts";
import { newKey } from "../ui/guard.ts";
import { serveDashboard } from "../ui/server.ts";
import { createContext, type GlobalFlags } from "./context.ts";
import type { Output } from "./output.ts";
import { interruptSignal } from "./signals.ts";

export async function uiCommand(
  flags: GlobalFlags,
  opts: { port?: string; open: boolean },
): Promise<void> {
  const port = parsePort(opts.port);
  const ctx = createContext(flags);
  const dashboard = new Dashboard(flags, ctx);
  const { signal, dispose } = interruptSignal();
  const server = serveDashboard(dashboard, {
    port,
    key: newKey(),
    log: (line) => ctx.out.debug(`dashboard: ${line}`),
  });
  let opener: string | undefined;
  try {
    ctx.out.notice(`Dashboard: ${server.url}`);
    ctx.out.info("It listens on 127.0.0.1 only. Press Ctrl-C to stop it.");
    // Not awaited: an opener may stay in the foreground as long as the browser runs.
    if (opts.open) {
      opener = await redirectFile(server.url);
      openBrowser(opener, ctx.out);
    }
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    ctx.out.info("Stopping the dashboard…");
    const { interruptedSync } = await dashboard.stop();
    await server.shutdown();
    if (interruptedSync) {
      throw new InterruptedError(
        "Interrupted: the sync that was running stopped; the next sync completes it",
      );
    }
  } finally {
    dispose();
    if (opener) await Deno.remove(opener).catch(() => {});
  }
}

/**
 * A private page that forwards to the dashboard: the browser is started with its path, so the
 * key never shows in the process list, where other users of the machine could read it.
 */
async function redirectFile(url: string): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "complexionist-ui-", suffix: ".html" });
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
  await Deno.writeTextFile(
    path,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">` +
      `<meta http-equiv="refresh" content="0;url=${url}"><title>complexionist</title>` +
      `<a href="${url}">Open the complexionist dashboard</a>\n`,
  );
  return path;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new UsageError(
      `--port needs a port number from 1 to 65535 (or 0 for any), not "${value}"`,
    );
  }
  return n;
}

/** The platform's own opener; when there is none (a server without a desktop) say so. */
async function openBrowser(file: string, out: Output): Promise<void> {
  const [cmd, ...args] = Deno.build.os === "windows"
    ? ["cmd", "/c", "start", '""', file]
    : Deno.build.os === "darwin"
    ? ["open", file]
    : ["xdg-open", file];
  try {
    const child = new Deno.Command(cmd!, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const status = await child.status;
    if (!status.success) throw new Error(`${cmd} exited with ${status.code}`);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? `${cmd} is not installed` : String(err);
    out.info(`Could not open a browser (${why}): open the address above yourself.`);
  }
}
