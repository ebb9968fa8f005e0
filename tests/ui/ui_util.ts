/**
 * Starts the real `complexionist ui` as a subprocess of a test world and finds its address in
 * what it prints; `api()` calls it as the page does (key header, own Origin).
 */
import type { World } from "../helpers/world.ts";
import { cliEnv } from "../e2e/e2e_util.ts";

export interface RunningUi {
  /** The printed address, key included. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  key: string;
  port: number;
  child: Deno.ChildProcess;
  /** Everything printed on stderr so far. */
  stderr(): string;
  // deno-lint-ignore no-explicit-any -- answers are checked field by field by the tests
  api(method: string, path: string, body?: unknown): Promise<{ status: number; data: any }>;
  /** Sends `signal` (default SIGINT) and waits: the exit code and all of stderr. */
  stop(signal?: Deno.Signal): Promise<{ code: number; stderr: string }>;
}

export async function startUi(
  w: World,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<RunningUi> {
  const child = w.spawn(["ui", "--no-open", ...args], cliEnv(env));
  let text = "";
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += value;
    }
  })();
  const deadline = Date.now() + 30_000;
  let match: RegExpExecArray | null = null;
  while (!(match = /Dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/\?key=([0-9a-f]+))/.exec(text))) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`complexionist ui printed no address:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const [, url, port, key] = match;
  const origin = `http://127.0.0.1:${port}`;
  child.stdout.cancel();
  return {
    url: url!,
    origin,
    key: key!,
    port: Number(port),
    child,
    stderr: () => text,
    async api(method, path, body) {
      const res = await fetch(origin + path, {
        method,
        headers: {
          "X-Complexionist-Key": key!,
          ...(method === "GET" ? {} : { Origin: origin }),
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const raw = await res.text();
      let data: unknown = raw;
      try {
        data = JSON.parse(raw);
      } catch { /* a plain-text refusal */ }
      return { status: res.status, data };
    },
    async stop(signal: Deno.Signal = "SIGINT") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      const status = await child.status;
      await pump;
      return { code: status.code, stderr: text };
    },
  };
}

/** Polls the dashboard's job until it is no longer running. */
// deno-lint-ignore no-explicit-any -- as api()
export async function jobDone(ui: RunningUi, ms = 30_000): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { data } = await ui.api("GET", "/api/job");
    if (data.job && data.job.state !== "running") return data.job;
    if (Date.now() > deadline) throw new Error(`the job did not finish: ${JSON.stringify(data)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
