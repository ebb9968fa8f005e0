/**
 * `complexionist trakt init [--path FILE]`: writes a commented complexionist.ini template for
 * people who do not use the ComPlexionist desktop app. It never overwrites anything: the file
 * is created with O_EXCL (`createNew`), so an existing file (or one appearing meanwhile) is
 * left untouched and the command exits 2 naming it. The folder is created 0700 and the file
 * 0600, as the file will hold tokens.
 */
import { dirname } from "node:path";
import type { Env } from "../config/types.ts";
import { homeDir, nonEmpty, resolvePath } from "../config/values.ts";
import { UsageError } from "../errors.ts";
import type { GlobalFlags } from "./context.ts";
import { Output, outputOptions } from "./output.ts";

export const DEFAULT_INIT_PATH = "~/.complexionist/complexionist.ini";

/** The placeholders a user replaces; the loader refuses them as they are (`your_…`). */
export const PLACEHOLDERS = ["your_plex_token", "your_trakt_client_id", "your_trakt_client_secret"];

export const INI_TEMPLATE =
  `; complexionist.ini: settings for complexionist (and the ComPlexionist app, which reads the
; same file). Written by \`complexionist trakt init\`.
;
; 1. Replace the three your_... values below.
; 2. Run \`complexionist trakt auth\` to connect your Trakt account (tokens are kept in a
;    separate store file, never in here).
; 3. Run \`complexionist trakt sync --dry-run\`, then \`complexionist trakt sync\`.
;
; Syntax: \`key = value\`; whole lines starting with ; or # are comments. \${VAR} or $VAR in a
; value is read from the environment (write $$ for a literal $). This file holds secrets:
; keep it readable by you only (chmod 600).

; One section per Plex server: [plex:0], [plex:1], ... \`trakt sync\` reads [plex:0] unless
; told otherwise (--server NAME, --server 1 or --server all).
[plex:0]
; A name for messages and for --server.
name = Main Server
; The server's address as this machine reaches it: http://IP:32400, or the
; https://....plex.direct:32400 address that Plex shows under Settings > Network.
url = http://localhost:32400
; Your X-Plex-Token: https://support.plex.tv/articles/204059436
token = your_plex_token

; A second server, if you have one:
; [plex:1]
; name = 4K Server
; url = https://10-0-0-5.abcdef.plex.direct:32400
; token = \${PLEX_TOKEN_4K}

[trakt]
; Your own Trakt app: create one at https://app.trakt.tv/settings/apps (any name, redirect
; URI urn:ietf:wg:oauth:2.0:oob) and copy its Client ID and Client Secret here.
client_id = your_trakt_client_id
client_secret = your_trakt_client_secret

; Optional (the defaults are shown):
; where the Trakt tokens, the last syncs and the not-found memory are kept
; token_store = ~/.complexionist/complexionist.kv
; Trakt's API and login hosts
; api_url = https://api.trakt.tv
; auth_url = https://auth.trakt.tv
; milliseconds between two writes to Trakt (never below 1100 against Trakt itself)
; write_interval_ms = 1100
`;

/** Where `trakt init` writes: --path, else --config, else $COMPLEXIONIST_CONFIG, else ~. */
export function initTarget(
  opts: { path?: string },
  flags: GlobalFlags,
  env: Env,
  cwd: string,
): { path: string; named: boolean } {
  const named = opts.path ?? flags.config ?? nonEmpty(env.COMPLEXIONIST_CONFIG);
  return {
    path: resolvePath(named ?? DEFAULT_INIT_PATH, homeDir(env), cwd),
    named: opts.path !== undefined,
  };
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

function alreadyThere(path: string): UsageError {
  return new UsageError(
    `${path} already exists; complexionist never overwrites a file. Edit that one, or write ` +
      "the template somewhere else with `complexionist trakt init --path FILE`",
  );
}

/** Creates the template at `path`; throws UsageError (exit 2) when anything is already there. */
export function writeTemplate(path: string, text: string = INI_TEMPLATE): void {
  if (exists(path)) throw alreadyThere(path);
  const dir = dirname(path);
  if (!exists(dir)) {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The umask may have taken bits away; this folder is ours, so set it exactly.
    if (Deno.build.os !== "windows") Deno.chmodSync(dir, 0o700);
  }
  try {
    Deno.writeTextFileSync(path, text, { createNew: true, mode: 0o600 });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) throw alreadyThere(path);
    if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable) {
      throw new UsageError(
        `cannot write ${path}: permission denied. Choose a folder you can write to with --path`,
      );
    }
    throw err;
  }
  if (Deno.build.os !== "windows") Deno.chmodSync(path, 0o600);
}

export function initCommand(flags: GlobalFlags, opts: { path?: string }): void {
  const out = new Output(outputOptions(flags));
  const env = Deno.env.toObject();
  const target = initTarget(opts, flags, env, Deno.cwd());
  writeTemplate(target.path);
  out.success(`Wrote ${target.path} (readable by you only).`);
  out.info(
    "Next: replace its your_plex_token, your_trakt_client_id and your_trakt_client_secret, " +
      "then run `complexionist trakt auth`.",
  );
  const home = resolvePath(DEFAULT_INIT_PATH, homeDir(env), Deno.cwd());
  if (target.named && target.path !== home) {
    out.info(
      `complexionist looks for ~/.complexionist/complexionist.ini by default: pass ` +
        `--config ${target.path} to every command, or set COMPLEXIONIST_CONFIG to it.`,
    );
  }
}
