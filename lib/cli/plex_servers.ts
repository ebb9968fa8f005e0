/**
 * `complexionist plex servers`: every configured server, reachable or not, with its libraries.
 * Reports all servers, then exits with the worst error (3 token refused, 4 unreachable).
 */
import { AppError, AuthError, InterruptedError, RemoteError } from "../errors.ts";
import { PlexShapeError } from "../plex/shape_error.ts";
import { createContext, type GlobalFlags, plexClient } from "./context.ts";
import { exitCodeFor, messageFor } from "./exit.ts";
import { withInterrupt } from "./signals.ts";

interface ServerReport {
  index: number;
  name: string;
  url: string;
  reachable: boolean;
  friendly_name?: string;
  version?: string;
  libraries: { key: string; title: string; type: string; agent?: string }[];
  error?: { code: number; message: string };
  /** For the human line: how a server that answered failed. */
  problem?: string;
}

/** What a server that did answer got wrong; undefined when it never answered. */
function answeredWith(err: unknown): string | undefined {
  if (err instanceof AuthError) return "reachable, but it refused the token";
  // A 200 that was not the JSON asked for (a web page, a cut-off body, another shape).
  if (err instanceof PlexShapeError || err instanceof RemoteError && err.status === 200) {
    return "reachable, but it did not answer as Plex Media Server does";
  }
  if (err instanceof RemoteError && err.status !== undefined) {
    return `reachable, but it answered HTTP ${err.status}`;
  }
  return undefined;
}

class ServersFailed extends AppError {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export async function plexServersCommand(flags: GlobalFlags, opts: { json?: true }): Promise<void> {
  const ctx = createContext(flags);
  if (ctx.config.servers.length === 0) {
    ctx.out.info(
      `No Plex server is configured. Add a [plex:0] section with url and token to ${ctx.config.path}`,
    );
  }
  await withInterrupt((signal) => probeServers(ctx, signal, opts));
}

async function probeServers(
  ctx: ReturnType<typeof createContext>,
  signal: AbortSignal,
  opts: { json?: true },
): Promise<void> {
  const reports: ServerReport[] = [];
  for (const server of ctx.config.servers) {
    const client = plexClient(ctx, server, signal);
    const report: ServerReport = {
      index: server.index,
      name: server.name,
      url: server.url,
      reachable: false,
      libraries: [],
    };
    try {
      const root = await client.root();
      report.reachable = true;
      if (root.friendlyName) report.friendly_name = root.friendlyName;
      if (root.version) report.version = root.version;
      report.libraries = (await client.sections()).map((s) => ({
        key: s.key,
        title: s.title ?? s.key,
        type: s.type ?? "unknown",
        ...(s.agent ? { agent: s.agent } : {}),
      }));
    } catch (err) {
      // Ctrl-C or SIGTERM ends the command (exit 130); it says nothing about the server.
      if (err instanceof InterruptedError) throw err;
      report.error = { code: exitCodeFor(err), message: messageFor(err, false) };
      // A server that answered is reachable, however wrong its answer.
      const problem = answeredWith(err);
      if (problem) {
        report.reachable = true;
        report.problem = problem;
      }
    }
    reports.push(report);
  }
  if (opts.json) ctx.out.json({ servers: reports.map(({ problem: _, ...report }) => report) });
  else {
    for (const r of reports) {
      const head = `[plex:${r.index}] "${r.name}" ${r.url}`;
      if (!r.error) {
        ctx.out.info(`${head}: reachable (${r.friendly_name ?? "?"}, Plex ${r.version ?? "?"})`);
        for (const l of r.libraries) {
          const note = l.type === "movie" || l.type === "show" ? "" : " (not synced)";
          ctx.out.info(`    ${l.title}  [${l.type}]${note}`);
        }
      } else ctx.out.info(`${head}: ${r.problem ?? "NOT reachable"}`);
    }
  }
  const failed = reports.filter((r) => r.error);
  if (failed.length > 0) {
    const worst = Math.max(...failed.map((r) => r.error!.code));
    throw new ServersFailed(failed.map((r) => r.error!.message).join("\n"), worst);
  }
}
