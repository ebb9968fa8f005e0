/**
 * An end-to-end test world: a fake Plex and a fake Trakt on 127.0.0.1, a temporary config and
 * token store, and `run()` that starts the real CLI as a subprocess against them.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FakePlex, type FakePlexOptions, type FakeSection } from "../emulators/fake_plex.ts";
import { FakeTrakt, type FakeTraktOptions } from "../emulators/fake_trakt.ts";
import type { Catalog, InitialCollection } from "../emulators/catalog.ts";
import { openStore } from "../../lib/store/store.ts";
import { tokensFrom } from "../../lib/trakt/session.ts";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const MAIN = join(REPO, "main.ts");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WorldOptions {
  sections: FakeSection[];
  catalog: Catalog;
  collection?: InitialCollection;
  trakt?: Omit<Partial<FakeTraktOptions>, "catalog" | "collection">;
  plex?: Omit<Partial<FakePlexOptions>, "sections">;
  /** Seed a stored login (default true); numbers override the token lifetime. */
  loggedIn?: boolean | { expiresIn?: number; createdAt?: number };
  /** Extra lines for the [trakt] section. */
  traktIni?: string;
  /** Replace the whole config file (placeholders: {plex}, {trakt}). */
  ini?: string;
}

export interface World {
  dir: string;
  configPath: string;
  storePath: string;
  plex: FakePlex;
  trakt: FakeTrakt;
  plexUrl: string;
  traktUrl: string;
  run(args: string[], env?: Record<string, string>): Promise<CliResult>;
  spawn(args: string[], env?: Record<string, string>): Deno.ChildProcess;
  /** Runs the CLI with the terminal as its stdout and stderr (the demo). */
  runInherit(args: string[], env?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export const PLEX_TOKEN = "plex-token-e2e-0123456789";

let cachedDenoDir: string | undefined;

function denoDir(): string {
  cachedDenoDir ??= Deno.env.get("DENO_DIR") ?? String(
    JSON.parse(
      new TextDecoder().decode(
        new Deno.Command(Deno.execPath(), {
          args: ["info", "--json"],
          stdout: "piped",
          stderr: "null",
        })
          .outputSync().stdout,
      ),
    ).denoDir,
  );
  return cachedDenoDir;
}

export async function startWorld(o: WorldOptions): Promise<World> {
  const dir = await Deno.makeTempDir({ prefix: "complexionist-e2e-" });
  const plex = new FakePlex({
    token: PLEX_TOKEN,
    friendlyName: "Main Server",
    ...o.plex,
    sections: o.sections,
  });
  const trakt = new FakeTrakt({
    writeIntervalMs: 0,
    deviceInterval: 0.05,
    ...o.trakt,
    catalog: o.catalog,
    ...(o.collection ? { collection: o.collection } : {}),
  });
  const plexServer = await plex.start();
  const traktServer = await trakt.start();
  const configPath = join(dir, "complexionist.ini");
  const storePath = join(dir, "state", "complexionist.kv");
  const ini = o.ini ??
    `[plex:0]\nname = Main Server\nurl = {plex}\ntoken = ${PLEX_TOKEN}\n\n` +
      `[trakt]\nclient_id = test-client-id\nclient_secret = test-client-secret\n` +
      `api_url = {trakt}\nauth_url = {trakt}\nwrite_interval_ms = 0\n${o.traktIni ?? ""}`;
  await Deno.writeTextFile(
    configPath,
    ini.replaceAll("{plex}", plexServer.url).replaceAll("{trakt}", traktServer.url),
    { mode: 0o600 },
  );
  if (o.loggedIn !== false) {
    const lifetime = typeof o.loggedIn === "object" ? o.loggedIn : {};
    const store = await openStore(storePath);
    await store.saveTokens({
      ...tokensFrom({ ...trakt.issueTokens(lifetime) }),
      username: "plexfan",
      vip: false,
    });
    store.close();
  }
  const envFor = (extra: Record<string, string> = {}) => ({
    // HOME is the world's temp dir; keep Deno's own cache where it is, or every world would
    // download and transpile the dependencies again.
    DENO_DIR: denoDir(),
    COMPLEXIONIST_CONFIG: configPath,
    COMPLEXIONIST_STORE: storePath,
    COMPLEXIONIST_RETRY_BASE_MS: "10",
    HOME: dir,
    NO_COLOR: "1",
    ...extra,
  });
  const command = (
    args: string[],
    env?: Record<string, string>,
    stdio: "piped" | "inherit" = "piped",
  ) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", "--config", join(REPO, "deno.json"), MAIN, ...args],
      env: envFor(env),
      cwd: dir,
      stdin: "null",
      stdout: stdio,
      stderr: stdio,
    });
  return {
    dir,
    configPath,
    storePath,
    plex,
    trakt,
    plexUrl: plexServer.url,
    traktUrl: traktServer.url,
    async run(args, env) {
      const out = await command(args, env).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    },
    spawn: (args, env) => command(args, env).spawn(),
    async runInherit(args, env) {
      return (await command(args, env, "inherit").output()).code;
    },
    async close() {
      await plexServer.close();
      await traktServer.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
