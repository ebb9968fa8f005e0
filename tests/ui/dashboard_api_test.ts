/**
 * The dashboard over plain HTTP (no browser): the real `complexionist ui` subprocess against the
 * emulators. The guard (key, Host, Origin, 127.0.0.1 only) over real sockets; no secret in any
 * answer of a whole session; the one-sync lock between the dashboard and the CLI, both ways;
 * settings and reload; the connect flow with the fake's manual activation; stopping; and the
 * per-server status with the last sync and its not-found list.
 */
import assert from "node:assert/strict";
import { sampleLibrary } from "../emulators/sample_library.ts";
import { syntheticLibrary } from "../emulators/synthetic.ts";
import type { LoggedRequest } from "../emulators/fake_trakt.ts";
import { type CliResult, PLEX_TOKEN, type World, type WorldOptions } from "../helpers/world.ts";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  cliEnv,
  closedPort,
  iniText,
  leakedPart,
  OutputLog,
  seedUnknownTokens,
  storedTokens,
  until,
} from "../e2e/e2e_util.ts";
import { jobDone, type RunningUi, startUi } from "./ui_util.ts";

const log = new OutputLog();
const posix = Deno.build.os !== "windows";

/** Runs `fn` against a started `ui`; always stops it (SIGINT, else SIGKILL) and records it. */
async function withUi(
  w: World,
  fn: (ui: RunningUi) => Promise<void>,
  o: { expectCode?: number } = {},
): Promise<void> {
  const ui = await startUi(w);
  let failed = true;
  try {
    await fn(ui);
    failed = false;
  } finally {
    const stopped = await ui.stop(posix ? "SIGINT" : "SIGKILL");
    log.record(w, ["ui", "--no-open"], { code: stopped.code, stdout: "", stderr: stopped.stderr });
    if (!failed && posix) assert.equal(stopped.code, o.expectCode ?? 0, stopped.stderr);
  }
}

/** A raw HTTP/1.1 request, so headers fetch will not let us set (Host) go out as written. */
async function rawRequest(
  port: number,
  lines: string[],
): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const req = [...lines, "Connection: close", "", ""].join("\r\n");
    await conn.write(new TextEncoder().encode(req));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(16_384);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    const text = new TextDecoder().decode(
      chunks.reduce((a, b) => {
        const c = new Uint8Array(a.length + b.length);
        c.set(a);
        c.set(b, a.length);
        return c;
      }, new Uint8Array()),
    );
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
    assert.ok(Number.isInteger(status), `no HTTP status line in ${JSON.stringify(text)}`);
    return { status, text };
  } finally {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

/** fetch with full control of the headers; the body as text. */
async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

/** True when a TCP connection to hostname:port is refused (or otherwise cannot be made). */
async function refused(hostname: string, port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname, port });
    c.close();
    return false;
  } catch {
    return true;
  }
}

/** Runs the CLI with a time limit, so a hanging process fails the test instead of the suite. */
async function runLimited(w: World, args: string[], ms = 30_000): Promise<CliResult> {
  const child = w.spawn(args, cliEnv());
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, ms);
  try {
    const out = await child.output();
    const result = {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
    assert.ok(
      out.signal === null,
      `${args.join(" ")} was killed after ${ms} ms:\n${result.stderr}`,
    );
    log.record(w, args, result);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** ~320 movies Trakt has none of and 3 s between writes: a sync sits between two batches. */
function slowWorld(): WorldOptions {
  const lib = syntheticLibrary({
    seed: 11,
    movies: 320,
    shows: 0,
    episodesPerShow: 0,
    collectedFraction: 0,
  });
  return { ...lib, ini: iniText().replace("write_interval_ms = 0", "write_interval_ms = 3000") };
}

/** Not logged in; the fake Trakt waits for a decision on its activation page. */
function manualLoginWorld(): WorldOptions {
  return {
    ...sampleLibrary(),
    loggedIn: false,
    trakt: { deviceOutcome: "manual", activationPage: true, deviceInterval: 0.2 },
  };
}

/** The `code` every POST /oauth/device/token carried: the device codes of the session. */
function deviceCodes(entries: LoggedRequest[]): string[] {
  return [
    ...new Set(
      entries.filter((e) => e.method === "POST" && e.path === "/oauth/device/token")
        .map((e) => (e.body as { code?: unknown } | undefined)?.code)
        .filter((c): c is string => typeof c === "string"),
    ),
  ];
}

/** Polls GET /api/connect until it leaves "pending". */
// deno-lint-ignore no-explicit-any -- answers are checked field by field
async function connectSettled(ui: RunningUi, bodies?: string[]): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await ui.api("GET", "/api/connect");
    bodies?.push(JSON.stringify(r.data));
    assert.equal(r.status, 200, JSON.stringify(r.data));
    if (r.data.state !== "pending") return r.data;
    assert.ok(Date.now() < deadline, "the connect flow stayed pending");
    await new Promise((res) => setTimeout(res, 50));
  }
}

// ---- 1. safety -----------------------------------------------------------------------------

Deno.test("dashboard API: key, Host and Origin are checked; it listens on 127.0.0.1 only", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    const before = await storedTokens(w);
    assert.ok(before, "the world starts logged in");
    await withUi(w, async (ui) => {
      const base = `${ui.origin}/api/status`;
      // The page's own way works (so the refusals below are refusals, not a dead server).
      assert.equal((await ui.api("GET", "/api/status")).status, 200);
      assert.equal((await call(`${base}?key=${ui.key}`)).status, 200, "the key in the URL");

      // No key, a wrong key (header or URL), a key of the right length but one digit off.
      const wrong = ui.key.slice(0, -1) + (ui.key.endsWith("0") ? "1" : "0");
      for (
        const [what, url, headers] of [
          ["no key", base, {}],
          ["no key, page", `${ui.origin}/`, {}],
          ["wrong key header", base, { "X-Complexionist-Key": "nope" }],
          ["wrong key in URL", `${base}?key=${wrong}`, {}],
          ["key one digit off", base, { "X-Complexionist-Key": wrong }],
          ["empty key", `${base}?key=`, {}],
        ] as [string, string, Record<string, string>][]
      ) {
        const r = await call(url, { headers });
        assert.equal(r.status, 403, `${what}: ${r.text}`);
        assert.match(r.text, /key/i, what);
        assert.equal(leakedPart(r.text, [ui.key]), undefined, `${what}: the refusal shows the key`);
      }

      // DNS rebinding: a foreign name in Host, with the right key. Raw requests, so Host is
      // exactly what we write; the same request with our own Host is answered.
      const path = `/api/status?key=${ui.key}`;
      const own = await rawRequest(ui.port, [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${ui.port}`]);
      assert.equal(own.status, 200, own.text);
      const local = await rawRequest(ui.port, [
        `GET ${path} HTTP/1.1`,
        `Host: localhost:${ui.port}`,
      ]);
      assert.equal(local.status, 200, local.text);
      for (
        const host of [
          `evil.example:${ui.port}`,
          "evil.example",
          `127.0.0.1:${ui.port + 1}`,
          `127.0.0.1.evil.example:${ui.port}`,
          "",
        ]
      ) {
        const r = await rawRequest(ui.port, [`GET ${path} HTTP/1.1`, `Host: ${host}`]);
        assert.equal(r.status, 403, `Host "${host}": ${r.text}`);
        assert.doesNotMatch(r.text, /"dot"/, `Host "${host}" got the status`);
      }
      // Also for the page itself (it carries the key) and for a change.
      const page = await rawRequest(ui.port, [
        `GET /?key=${ui.key} HTTP/1.1`,
        `Host: evil.example:${ui.port}`,
      ]);
      assert.equal(page.status, 403, page.text);
      assert.ok(!page.text.includes(ui.key), "the foreign page was not sent the key");

      // Cross-site changes, right key: refused, and the login is untouched.
      const disconnect = `${ui.origin}/api/disconnect`;
      for (
        const [what, headers] of [
          ["Origin evil.example", { Origin: "http://evil.example" }],
          ["Origin of another port", { Origin: `http://127.0.0.1:${ui.port + 1}` }],
          ["Origin null", { Origin: "null" }],
          ["no Origin", {}],
          ["Sec-Fetch-Site cross-site", { Origin: ui.origin, "Sec-Fetch-Site": "cross-site" }],
        ] as [string, Record<string, string>][]
      ) {
        const r = await call(disconnect, {
          method: "POST",
          headers: { "X-Complexionist-Key": ui.key, ...headers },
        });
        assert.equal(r.status, 403, `${what}: ${r.text}`);
        const now = await storedTokens(w);
        assert.equal(now?.accessToken, before.accessToken, `${what}: the login is still stored`);
      }
      // The same with a raw request whose Host is foreign and Origin our own.
      const rebound = await rawRequest(ui.port, [
        `POST /api/disconnect?key=${ui.key} HTTP/1.1`,
        `Host: evil.example:${ui.port}`,
        `Origin: http://evil.example:${ui.port}`,
        "Content-Length: 0",
      ]);
      assert.equal(rebound.status, 403, rebound.text);
      assert.equal((await storedTokens(w))?.accessToken, before.accessToken);
      assert.equal(
        w.trakt.log.filter((e) => e.path === "/oauth/revoke").length,
        0,
        "Trakt was never asked to revoke",
      );
      // A cross-site job start is refused too, and nothing ran.
      const job = await call(`${ui.origin}/api/jobs`, {
        method: "POST",
        headers: {
          "X-Complexionist-Key": ui.key,
          Origin: "http://evil.example",
          "Content-Type": "application/json",
        },
        body: JSON.stringify({ kind: "sync" }),
      });
      assert.equal(job.status, 403, job.text);
      assert.deepEqual((await ui.api("GET", "/api/job")).data, { job: null });

      // 127.0.0.1 only: not ::1, not the machine's other addresses.
      assert.equal(await refused("127.0.0.1", ui.port), false, "control: 127.0.0.1 answers");
      assert.ok(await refused("::1", ui.port), "::1 must not reach the dashboard");
      // Link-local IPv6 addresses need a scope to connect to: left out.
      const others = Deno.networkInterfaces().filter((i) =>
        i.family === "IPv4"
          ? !i.address.startsWith("127.")
          : i.address !== "::1" && !/^fe[89ab]/i.test(i.address)
      );
      if (others.length === 0) {
        console.log("no non-loopback address here: that check is skipped");
      }
      for (const i of others) {
        assert.ok(
          await refused(i.address, ui.port),
          `${i.address} (${i.name}) must not reach the dashboard`,
        );
      }
      // The proper way still works at the end: the refusals changed nothing.
      const status = await ui.api("GET", "/api/status");
      assert.equal(status.data.trakt.connected, true);
    });
  });
});

// ---- 2. no secret reaches the page ---------------------------------------------------------

Deno.test("dashboard API: no answer of a whole session holds a token, code or secret", async () => {
  await log.withWorld(manualLoginWorld(), async (w) => {
    const bodies: string[] = [];
    let tokens: Awaited<ReturnType<typeof storedTokens>>;
    await withUi(w, async (ui) => {
      const api = async (method: string, path: string, body?: unknown) => {
        const r = await ui.api(method, path, body);
        bodies.push(typeof r.data === "string" ? r.data : JSON.stringify(r.data));
        return r;
      };
      const page = await call(`${ui.origin}/?key=${ui.key}`);
      assert.equal(page.status, 200);
      bodies.push(page.text);
      for (const asset of ["/assets/app.js", "/assets/style.css"]) {
        const r = await call(`${ui.origin}${asset}?key=${ui.key}`);
        assert.equal(r.status, 200, asset);
        bodies.push(r.text);
      }
      await api("GET", "/api/status");
      const settings = await api("GET", "/api/settings");
      assert.equal(settings.data.trakt.client_id, CLIENT_ID);

      const start = await api("POST", "/api/connect");
      assert.equal(start.data.state, "pending", JSON.stringify(start.data));
      await api("GET", "/api/connect");
      assert.ok(w.trakt.decideDevice(start.data.user_code, "approve"));
      const settled = await connectSettled(ui, bodies);
      assert.equal(settled.state, "connected", JSON.stringify(settled));
      tokens = await storedTokens(w);
      assert.ok(tokens, "the login is stored");
      await api("GET", "/api/status");

      for (const kind of ["preview", "sync"]) {
        const started = await api("POST", "/api/jobs", { kind });
        assert.equal(started.status, 202, JSON.stringify(started.data));
        for (;;) {
          const r = await api("GET", "/api/job");
          if (r.data.job.state !== "running") {
            assert.equal(r.data.job.state, "done", JSON.stringify(r.data.job));
            break;
          }
          await new Promise((res) => setTimeout(res, 50));
        }
      }
      await api("GET", "/api/status");
      const gone = await api("POST", "/api/disconnect");
      assert.equal(gone.data.disconnected, true, JSON.stringify(gone.data));
      await api("GET", "/api/status");
      await api("GET", "/api/connect");
    });

    const codes = deviceCodes(w.trakt.log);
    assert.equal(codes.length, 1, "one device flow, its code found in the fake's log");
    const secrets = [
      PLEX_TOKEN,
      CLIENT_SECRET,
      tokens!.accessToken,
      tokens!.refreshToken,
      ...codes,
    ];
    for (const s of secrets) assert.ok(s.length >= 16, `a secret worth looking for: ${s}`);
    // The whole session's answers, and each one (the error names which).
    const all = bodies.join("\n");
    assert.ok(all.includes("plexfan") && all.includes("Sintel"), "the session had real answers");
    for (const body of bodies) {
      assert.equal(leakedPart(body, secrets), undefined, `an answer holds a secret: ${body}`);
    }
    assert.ok(bodies.length > 12, `answers collected: ${bodies.length}`);
  });
});

Deno.test("dashboard API: answers about failures (refused Plex token, refused Trakt login) hold no secret", async () => {
  const wrongPlexToken = "wrong-plex-token-0123456789abcdef";
  await log.withWorld({
    ...sampleLibrary(),
    ini: iniText({ plexToken: wrongPlexToken }),
  }, async (w) => {
    const unknown = await seedUnknownTokens(w, { expiresAt: Date.now() - 60_000 });
    const bodies: string[] = [];
    await withUi(w, async (ui) => {
      const status = await ui.api("GET", "/api/status");
      bodies.push(JSON.stringify(status.data));
      assert.equal(status.status, 200, JSON.stringify(status.data));
      assert.equal(status.data.servers[0].reachable, false, JSON.stringify(status.data));
      assert.equal(typeof status.data.servers[0].error, "string");
      assert.equal(status.data.trakt.connected, false, JSON.stringify(status.data.trakt));
      assert.equal(typeof status.data.trakt.error, "string");
      assert.equal(status.data.dot, "red");
      bodies.push(JSON.stringify((await ui.api("GET", "/api/settings")).data));
      for (const kind of ["preview", "sync"]) {
        const started = await ui.api("POST", "/api/jobs", { kind });
        assert.equal(started.status, 202, JSON.stringify(started.data));
        const job = await jobDone(ui);
        bodies.push(JSON.stringify(job));
        assert.equal(job.state, "failed", JSON.stringify(job));
        assert.equal(job.error.code, 3, JSON.stringify(job));
      }
      const gone = await ui.api("POST", "/api/disconnect");
      bodies.push(JSON.stringify(gone.data));
      bodies.push(JSON.stringify((await ui.api("GET", "/api/status")).data));
    });
    assert.ok(w.trakt.refusedRefreshes >= 1, "the refresh was tried and refused");
    const secrets = [
      wrongPlexToken,
      PLEX_TOKEN,
      CLIENT_SECRET,
      unknown.accessToken,
      unknown.refreshToken,
    ];
    for (const body of bodies) {
      assert.equal(leakedPart(body, secrets), undefined, `an answer holds a secret: ${body}`);
    }
    log.secrets.add(wrongPlexToken);
    log.secrets.add(unknown.accessToken);
    log.secrets.add(unknown.refreshToken);
  });
});

// ---- 3. one sync at a time, dashboard and CLI ----------------------------------------------

Deno.test({
  name: "dashboard API: while its sync runs, the CLI's sync exits 75 naming the dashboard",
  ignore: !posix,
}, async () => {
  await log.withWorld(slowWorld(), async (w) => {
    await withUi(w, async (ui) => {
      const started = await ui.api("POST", "/api/jobs", { kind: "sync" });
      assert.equal(started.status, 202, JSON.stringify(started.data));
      assert.equal(started.data.job.state, "running");
      await until("the dashboard's first batch", () => w.trakt.writes().length === 1);

      const cli = await runLimited(w, ["trakt", "sync"]);
      assert.equal(cli.code, 75, cli.stderr);
      assert.match(cli.stderr, /Another sync is already running/);
      const pid = /the dashboard \(complexionist ui, pid (\d+)\)/.exec(cli.stderr)?.[1];
      assert.equal(Number(pid), ui.child.pid, `names the ui process: ${cli.stderr}`);

      const status = await ui.api("GET", "/api/status");
      assert.match(status.data.running?.owner ?? "", /the dashboard \(complexionist ui, pid/);
      assert.ok(Date.parse(status.data.running?.since ?? "") > Date.parse("2020-01-01"));
      assert.equal(status.data.running?.disconnecting, undefined, "a sync, not a disconnect");

      for (const kind of ["sync", "preview"]) {
        const second = await ui.api("POST", "/api/jobs", { kind });
        assert.equal(second.status, 409, `${kind}: ${JSON.stringify(second.data)}`);
        assert.match(second.data.error, /already running/);
      }
      assert.equal(w.trakt.writes().length, 1, "the refused runs sent nothing");
      // Nor may the login its sync needs be taken away meanwhile.
      const tokens = await storedTokens(w);
      const disconnect = await ui.api("POST", "/api/disconnect");
      assert.equal(disconnect.status, 409, JSON.stringify(disconnect.data));
      assert.equal((await storedTokens(w))?.accessToken, tokens?.accessToken);

      const job = await jobDone(ui, 30_000);
      assert.equal(job.state, "done", JSON.stringify(job));
      assert.equal(job.id, started.data.job.id, "still the first job");
      assert.equal(job.summary.added.movies, 320);
      assert.equal(w.trakt.collectedMovies().length, 320);
      // The lock is free again: the CLI syncs (nothing left to do).
      const after = await runLimited(w, ["trakt", "sync", "--json"]);
      assert.equal(after.code, 0, after.stderr);
      assert.deepEqual(JSON.parse(after.stdout).planned, { movies: 0, episodes: 0 });
    });
  });
});

Deno.test({
  name:
    "dashboard API: while the CLI's sync runs, its sync and Disconnect are refused; a preview runs",
  ignore: !posix,
}, async () => {
  await log.withWorld(slowWorld(), async (w) => {
    await withUi(w, async (ui) => {
      const first = w.spawn(["trakt", "sync", "--json"], cliEnv());
      const firstOut = first.output();
      try {
        await until("the CLI's first batch", () => w.trakt.writes().length === 1);
        const status = await ui.api("GET", "/api/status");
        assert.match(status.data.running?.owner ?? "", /`complexionist trakt sync` \(pid \d+\)/);

        const sync = await ui.api("POST", "/api/jobs", { kind: "sync" });
        assert.equal(sync.status, 202, JSON.stringify(sync.data));
        const refusedJob = await jobDone(ui);
        assert.equal(refusedJob.state, "refused", JSON.stringify(refusedJob));
        assert.equal(refusedJob.error.code, 75);
        assert.match(refusedJob.error.message, /Another sync is already running/);
        assert.match(
          refusedJob.error.message,
          new RegExp(`\`complexionist trakt sync\` \\(pid ${first.pid}\\)`),
        );
        assert.equal(w.trakt.writes().length, 1, "the refused sync sent nothing");

        const preview = await ui.api("POST", "/api/jobs", { kind: "preview" });
        assert.equal(preview.status, 202, JSON.stringify(preview.data));
        const previewJob = await jobDone(ui);
        assert.equal(previewJob.kind, "preview");
        assert.equal(previewJob.state, "done", JSON.stringify(previewJob));
        assert.equal(previewJob.summary.dry_run, true);
        assert.equal(previewJob.summary.plex.movies, 320);
        assert.equal(w.trakt.writes().length, 1, "the preview sent nothing");

        // Disconnecting now would kill the CLI's sync half-way: refused, the login kept.
        const before = await storedTokens(w);
        const off = await ui.api("POST", "/api/disconnect");
        assert.equal(off.status, 409, JSON.stringify(off.data));
        assert.match(off.data.error, /A sync is running \(`complexionist trakt sync`/);
        assert.deepEqual(await storedTokens(w), before);
        assert.equal(w.trakt.log.filter((e) => e.path === "/oauth/revoke").length, 0);
      } finally {
        const done = await firstOut;
        const stderr = new TextDecoder().decode(done.stderr);
        log.record(w, ["trakt", "sync", "--json"], {
          code: done.code,
          stdout: new TextDecoder().decode(done.stdout),
          stderr,
        });
        assert.equal(done.code, 0, stderr);
      }
      assert.equal(w.trakt.collectedMovies().length, 320);
    });
  });
});

// ---- 4. settings and reload ----------------------------------------------------------------

Deno.test("dashboard API: settings show the config, never a secret; reload reports a broken file", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    await withUi(w, async (ui) => {
      const s = await ui.api("GET", "/api/settings");
      assert.equal(s.status, 200);
      assert.equal(s.data.config_path, w.configPath);
      assert.deepEqual(
        s.data.servers.map((x: { name: string; url: string }) => ({ name: x.name, url: x.url })),
        [{ name: "Main Server", url: w.plexUrl }],
      );
      assert.equal(s.data.trakt.client_id, CLIENT_ID);
      assert.equal(s.data.trakt.api_url, w.traktUrl);
      assert.equal(s.data.store_path, w.storePath);
      assert.equal(s.data.config_error, undefined);
      const raw = JSON.stringify(s.data);
      assert.equal(leakedPart(raw, [CLIENT_SECRET, PLEX_TOKEN]), undefined, raw);
      assert.doesNotMatch(raw, /secret|token/i, "no secret field at all");

      const good = await Deno.readTextFile(w.configPath);
      await Deno.writeTextFile(w.configPath, good + "\nthis line is not a setting\n");
      const broken = await ui.api("POST", "/api/reload");
      assert.equal(broken.status, 200, JSON.stringify(broken.data));
      assert.equal(typeof broken.data.config_error, "string", JSON.stringify(broken.data));
      assert.ok(
        broken.data.config_error.includes(w.configPath),
        `names the file: ${broken.data.config_error}`,
      );
      assert.deepEqual(broken.data.servers, []);
      const brokenRaw = JSON.stringify(broken.data);
      assert.equal(leakedPart(brokenRaw, [CLIENT_SECRET, PLEX_TOKEN]), undefined, brokenRaw);
      const red = await ui.api("GET", "/api/status");
      assert.equal(red.data.dot, "red");
      assert.equal(red.data.config_error, broken.data.config_error);
      assert.ok(
        red.data.reasons.some((r: string) => r.includes(w.configPath)),
        JSON.stringify(red.data.reasons),
      );
      // Nothing that needs the config runs meanwhile.
      const job = await ui.api("POST", "/api/jobs", { kind: "preview" });
      assert.equal(job.status, 409, JSON.stringify(job.data));
      assert.match(job.data.error, /configuration has an error/);

      await Deno.writeTextFile(w.configPath, good);
      const fixed = await ui.api("POST", "/api/reload");
      assert.equal(fixed.data.config_error, undefined, JSON.stringify(fixed.data));
      assert.equal(fixed.data.config_path, w.configPath);
      assert.equal(fixed.data.servers.length, 1);
      const green = await ui.api("GET", "/api/status");
      assert.equal(green.data.config_error, undefined, JSON.stringify(green.data));
      assert.equal(green.data.trakt.connected, true);
      assert.equal(green.data.servers[0].reachable, true);
      assert.ok(!green.data.reasons.some((r: string) => r.includes("configuration")));
    });
  });
});

// ---- 5. connect flow -----------------------------------------------------------------------

Deno.test("dashboard API: connect approved, then denied, then cancelled", async () => {
  await log.withWorld(manualLoginWorld(), async (w) => {
    await withUi(w, async (ui) => {
      const idle = await ui.api("GET", "/api/connect");
      assert.deepEqual(idle.data, { state: "idle" });
      assert.equal((await ui.api("GET", "/api/status")).data.trakt.connected, false);

      // Approved.
      const start = await ui.api("POST", "/api/connect");
      assert.equal(start.status, 200, JSON.stringify(start.data));
      assert.equal(start.data.state, "pending");
      assert.match(start.data.user_code, /^[0-9A-Z]{6,}$/);
      assert.ok(
        start.data.verification_url.startsWith(w.traktUrl),
        `on the fake: ${start.data.verification_url}`,
      );
      assert.equal(start.data.link, `${w.traktUrl}/activate/${start.data.user_code}`);
      assert.ok(Date.parse(start.data.expires_at) > Date.now());
      const again = await ui.api("POST", "/api/connect");
      assert.equal(again.data.user_code, start.data.user_code, "one flow at a time");
      assert.equal((await ui.api("GET", "/api/connect")).data.state, "pending");
      assert.equal(await storedTokens(w), undefined);
      assert.ok(w.trakt.decideDevice(start.data.user_code, "approve"));
      const ok = await connectSettled(ui);
      assert.equal(ok.state, "connected", JSON.stringify(ok));
      assert.equal(ok.username, "plexfan");
      const status = await ui.api("GET", "/api/status");
      assert.equal(status.data.trakt.connected, true, JSON.stringify(status.data));
      assert.equal(status.data.trakt.username, "plexfan");
      const tokens = await storedTokens(w);
      assert.ok(tokens, "the login is stored");

      // Denied: says so; the login from before stays.
      const second = await ui.api("POST", "/api/connect");
      assert.equal(second.data.state, "pending", JSON.stringify(second.data));
      assert.notEqual(second.data.user_code, start.data.user_code);
      assert.ok(w.trakt.decideDevice(second.data.user_code, "deny"));
      const denied = await connectSettled(ui);
      assert.equal(denied.state, "denied", JSON.stringify(denied));
      assert.match(denied.message, /denied/i);
      assert.equal((await storedTokens(w))?.accessToken, tokens.accessToken);

      // Cancelled: says so, and stops asking Trakt.
      const third = await ui.api("POST", "/api/connect");
      assert.equal(third.data.state, "pending", JSON.stringify(third.data));
      const cancel = await ui.api("POST", "/api/connect/cancel");
      assert.equal(cancel.status, 200);
      assert.equal(cancel.data.state, "cancelled", JSON.stringify(cancel.data));
      assert.equal(typeof cancel.data.message, "string");
      const code3 = deviceCodes(w.trakt.log).at(-1)!;
      const polls = () =>
        w.trakt.log.filter((e) =>
          e.path === "/oauth/device/token" && (e.body as { code?: string }).code === code3
        ).length;
      await new Promise((r) => setTimeout(r, 300));
      const pollsAfterCancel = polls();
      // Approving the cancelled code on Trakt now must not log anyone in.
      assert.ok(w.trakt.decideDevice(third.data.user_code, "approve"));
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(polls(), pollsAfterCancel, "no more polling after cancel");
      assert.equal((await ui.api("GET", "/api/connect")).data.state, "cancelled");
      assert.equal((await storedTokens(w))?.accessToken, tokens.accessToken);
    });
  });
});

Deno.test("dashboard API: a code nobody approves in time ends the connect flow as expired", async () => {
  await log.withWorld({
    ...sampleLibrary(),
    loggedIn: false,
    trakt: {
      deviceOutcome: "manual",
      activationPage: true,
      deviceInterval: 0.2,
      deviceExpiresIn: 1,
    },
  }, async (w) => {
    await withUi(w, async (ui) => {
      const start = await ui.api("POST", "/api/connect");
      assert.equal(start.data.state, "pending", JSON.stringify(start.data));
      const end = await connectSettled(ui);
      assert.equal(end.state, "expired", JSON.stringify(end));
      assert.match(end.message, /expired/i);
      assert.equal(await storedTokens(w), undefined);
      assert.equal((await ui.api("GET", "/api/status")).data.trakt.connected, false);
      // A new flow can start afterwards.
      const again = await ui.api("POST", "/api/connect");
      assert.equal(again.data.state, "pending", JSON.stringify(again.data));
      assert.notEqual(again.data.user_code, start.data.user_code);
      assert.equal((await ui.api("POST", "/api/connect/cancel")).data.state, "cancelled");
    });
  });
});

// ---- 6. stopping and bad flags -------------------------------------------------------------

Deno.test({
  name: "dashboard API: Ctrl-C stops an idle ui with 0 and closes the port",
  ignore: !posix,
}, async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    const ui = await startUi(w);
    assert.equal((await ui.api("GET", "/api/status")).status, 200);
    assert.equal(await refused("127.0.0.1", ui.port), false);
    const stopped = await ui.stop("SIGINT");
    log.record(w, ["ui", "--no-open"], { code: stopped.code, stdout: "", stderr: stopped.stderr });
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(await refused("127.0.0.1", ui.port), "the port is closed after the stop");
  });
});

Deno.test({
  name: "dashboard API: Ctrl-C during a dashboard sync exits 130",
  ignore: !posix,
}, async () => {
  await log.withWorld(slowWorld(), async (w) => {
    const ui = await startUi(w);
    let stopped: { code: number; stderr: string } | undefined;
    try {
      const started = await ui.api("POST", "/api/jobs", { kind: "sync" });
      assert.equal(started.status, 202, JSON.stringify(started.data));
      await until("the dashboard's first batch", () => w.trakt.writes().length === 1);
      stopped = await ui.stop("SIGINT");
    } finally {
      stopped ??= await ui.stop("SIGKILL");
      log.record(w, ["ui", "--no-open"], {
        code: stopped.code,
        stdout: "",
        stderr: stopped.stderr,
      });
    }
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /Interrupted/);
    assert.ok(await refused("127.0.0.1", ui.port), "the port is closed after the stop");
    // The lock was released: a CLI sync runs at once and completes the work.
    const after = await runLimited(w, ["trakt", "sync", "--json"]);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(w.trakt.collectedMovies().length, 320);
  });
});

Deno.test("dashboard API: a bad --port or a taken port exits 2 naming it", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    for (const bad of ["abc", "70000", "-1"]) {
      const r = await runLimited(w, ["ui", "--no-open", "--port", bad]);
      assert.equal(r.code, 2, `--port ${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--port/, bad);
      assert.ok(r.stderr.includes(bad), `names the value ${bad}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Dashboard: http/, "no dashboard was served");
    }
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (taken.addr as Deno.NetAddr).port;
    try {
      const r = await runLimited(w, ["ui", "--no-open", "--port", String(port)]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`Port ${port}\\b`));
      assert.match(r.stderr, /already in use/);
      assert.doesNotMatch(r.stderr, /Dashboard: http/);
    } finally {
      taken.close();
    }
  });
});

// ---- 7. status per server ------------------------------------------------------------------

Deno.test("dashboard API: status says which server is reachable, and the last sync with its not-found list", async () => {
  const lib = sampleLibrary();
  const gonePort = closedPort();
  const servers = `[plex:0]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n\n` +
    `[plex:1]\nname = Gone Server\nurl = http://127.0.0.1:${gonePort}\ntoken = ${PLEX_TOKEN}\n`;
  await log.withWorld({ ...lib, ini: iniText({ servers }) }, async (w) => {
    await withUi(w, async (ui) => {
      const s = await ui.api("GET", "/api/status");
      assert.equal(s.status, 200, JSON.stringify(s.data));
      const [main, gone] = s.data.servers;
      assert.equal(main.name, "Main Server");
      assert.equal(main.url, w.plexUrl);
      assert.equal(main.reachable, true, JSON.stringify(main));
      assert.equal(main.error, undefined);
      assert.equal(main.last_sync, undefined, "never synced");
      assert.equal(gone.name, "Gone Server");
      assert.equal(gone.reachable, false, JSON.stringify(gone));
      assert.equal(typeof gone.error, "string");
      assert.ok(gone.error.length > 0);
      assert.equal(leakedPart(JSON.stringify(s.data), [PLEX_TOKEN]), undefined);
    });
  });

  await log.withWorld(lib, async (w) => {
    await withUi(w, async (ui) => {
      const before = w.trakt.collectedMovies().length;
      const beforeEpisodes = w.trakt.collectedEpisodes().length;
      const started = await ui.api("POST", "/api/jobs", { kind: "sync" });
      assert.equal(started.status, 202, JSON.stringify(started.data));
      const job = await jobDone(ui);
      assert.equal(job.state, "done", JSON.stringify(job));

      const s = await ui.api("GET", "/api/status");
      const main = s.data.servers.find((x: { name: string }) => x.name === "Main Server");
      assert.ok(main, JSON.stringify(s.data.servers));
      assert.equal(main.reachable, true);
      const last = main.last_sync;
      assert.ok(last, `a last sync: ${JSON.stringify(main)}`);
      assert.equal(last.outcome, "success");
      assert.equal(s.data.dot, "green", JSON.stringify(s.data.reasons));
      assert.ok(Math.abs(Date.parse(last.at) - Date.now()) < 60_000, last.at);
      // Added: what the fake Trakt gained, counted there.
      assert.deepEqual(last.added, {
        movies: w.trakt.collectedMovies().length - before,
        episodes: w.trakt.collectedEpisodes().length - beforeEpisodes,
      });
      assert.ok(last.added.movies > 0 && last.added.episodes > 0);
      assert.deepEqual(last.added, job.summary.added);
      assert.deepEqual(last.existing, job.summary.existing);

      // Not found: the sample's one movie the catalogue lacks, with its Plex ids.
      const known = new Set<string | number>(
        lib.catalog.movies.flatMap((m) => [m.imdb, m.tmdb]).filter((x) => x !== undefined),
      );
      const unknown = lib.sections.flatMap((sec) => sec.movies ?? []).filter((m) => {
        const ids = [m.ids?.imdb, m.ids?.tmdb].filter((x) => x !== undefined);
        return ids.length > 0 && !ids.some((x) => known.has(x));
      });
      assert.equal(unknown.length, 1, "the sample has one movie Trakt does not know");
      const missing = unknown[0]!;
      assert.deepEqual(last.notFound, { movies: 1, episodes: 0 });
      assert.ok(last.not_found_items, JSON.stringify(last));
      assert.equal(last.not_found_items.total, 1);
      assert.deepEqual(last.not_found_items.movies, [{
        title: missing.title,
        year: missing.year,
        ids: missing.ids,
      }]);
      assert.deepEqual(last.not_found_items.episodes, []);
      assert.ok(
        !w.trakt.collectedMovies().some((m) => (m as { title?: string }).title === missing.title),
      );
    });
  });
});

// ---- 8. what the review found ----------------------------------------------------------------

Deno.test({
  name: "dashboard API: a hanging Trakt costs status one short try, and Ctrl-C still stops at once",
  ignore: !posix,
}, async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    w.trakt.faults.delayPath = "/users/settings";
    w.trakt.faults.delayMs = 60_000;
    const ui = await startUi(w, [], { COMPLEXIONIST_TIMEOUT_MS: "300" });
    try {
      const s = await ui.api("GET", "/api/status");
      assert.equal(s.status, 200, JSON.stringify(s.data));
      assert.equal(s.data.dot, "red");
      assert.equal(s.data.trakt.connected, true, "a login Trakt could not confirm still stands");
      assert.match(s.data.trakt.error, /no answer within/);
      assert.equal(
        w.trakt.log.filter((e) => e.path === "/users/settings").length,
        1,
        "one try, no retries",
      );
      assert.equal(s.data.servers[0].reachable, true, "Plex is shown all the same");
    } finally {
      // A status request stalled on Trakt must not hold the stop up.
      const pending = ui.api("GET", "/api/status").catch(() => undefined);
      await until(
        "the stalled request",
        () => w.trakt.log.filter((e) => e.path === "/users/settings").length === 2,
      );
      const stopped = await ui.stop("SIGINT");
      await pending;
      log.record(w, ["ui", "--no-open"], {
        code: stopped.code,
        stdout: "",
        stderr: stopped.stderr,
      });
      assert.equal(stopped.code, 0, stopped.stderr);
    }
  });
});

Deno.test("dashboard API: Connect pressed three times at once asks Trakt for one code", async () => {
  await log.withWorld(manualLoginWorld(), async (w) => {
    await withUi(w, async (ui) => {
      const starts = await Promise.all([1, 2, 3].map(() => ui.api("POST", "/api/connect")));
      const codes = new Set(starts.map((r) => r.data.user_code));
      assert.equal(codes.size, 1, JSON.stringify(starts.map((r) => r.data)));
      assert.equal(w.trakt.log.filter((e) => e.path === "/oauth/device/code").length, 1);
      await ui.api("POST", "/api/connect/cancel");
    });
  });
});

Deno.test("dashboard API: without [trakt] client_id the page still shows the servers, red, and why", async () => {
  const ini = iniText().replace(/client_id = .*\n/, "");
  await log.withWorld({ ...sampleLibrary(), ini }, async (w) => {
    await withUi(w, async (ui) => {
      const s = await ui.api("GET", "/api/status");
      assert.equal(s.status, 200, JSON.stringify(s.data));
      assert.equal(s.data.dot, "red");
      assert.equal(s.data.trakt.connected, false);
      assert.match(s.data.trakt.error, /\[trakt\] client_id/);
      assert.equal(s.data.servers.length, 1);
      assert.equal(s.data.servers[0].reachable, true);
      const c = await ui.api("POST", "/api/connect");
      assert.equal(c.status, 502);
      assert.match(c.data.error, /client_id/);
    });
  });
});

Deno.test("dashboard API: with two servers, each server's last sync says it counts the whole run", async () => {
  const lib = sampleLibrary();
  const servers = [0, 1].map((i) =>
    `[plex:${i}]\nname = ${i ? "Den" : "Main Server"}\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n`
  ).join("\n");
  await log.withWorld({ ...lib, ini: iniText({ servers }) }, async (w) => {
    await withUi(w, async (ui) => {
      assert.equal((await ui.api("POST", "/api/jobs", { kind: "sync" })).status, 202);
      const job = await jobDone(ui);
      assert.equal(job.state, "done", JSON.stringify(job));
      const s = await ui.api("GET", "/api/status");
      const lasts = s.data.servers.map((x: { last_sync: { servers?: string[] } }) => x.last_sync);
      assert.equal(lasts.length, 2);
      for (const last of lasts) assert.deepEqual(last.servers, ["Main Server", "Den"]);
      assert.deepEqual(lasts[0].added, lasts[1].added);
      assert.equal(lasts[0].added.movies, job.summary.added.movies);
    });
  });
});

Deno.test("dashboard API: Disconnect when Trakt cannot revoke still forgets the login, and says so", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    await withUi(w, async (ui) => {
      w.trakt.faults.failNext.push(
        ...Array.from({ length: 6 }, () => ({ path: "/oauth/revoke", status: 503 })),
      );
      const r = await ui.api("POST", "/api/disconnect");
      assert.equal(r.status, 200, JSON.stringify(r.data));
      assert.equal(r.data.disconnected, true);
      assert.match(r.data.warning, /Forgotten here, but Trakt could not be told: .*503/);
      assert.equal(await storedTokens(w), undefined);
    });
  });
});

Deno.test("dashboard API: an open page's refreshes read the collection again only when it changed", async () => {
  await log.withWorld(sampleLibrary(), async (w) => {
    await withUi(w, async (ui) => {
      const reads = () => w.trakt.log.filter((e) => e.path.startsWith("/sync/collection/")).length;
      const first = await ui.api("GET", "/api/status");
      assert.equal(first.status, 200);
      const afterFirst = reads();
      assert.ok(afterFirst >= 2, "movies and shows read once");
      const again = await ui.api("GET", "/api/status");
      assert.deepEqual(again.data.trakt, first.data.trakt);
      assert.equal(reads(), afterFirst, "nothing changed on Trakt: no collection read");

      assert.equal((await ui.api("POST", "/api/jobs", { kind: "sync" })).status, 202);
      assert.equal((await jobDone(ui)).state, "done");
      const beforeStatus = reads(); // the sync itself read the collection too
      const after = await ui.api("GET", "/api/status");
      assert.ok(reads() > beforeStatus, "the sync moved Trakt's stamps: read again");
      assert.equal(
        after.data.trakt.collection.movies,
        w.trakt.collectedMovies().length,
        "the counts after the sync are Trakt's",
      );
    });
  });
});
