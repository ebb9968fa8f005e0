/**
 * Where complexionist.ini is (design §4): `--config PATH`, else `$COMPLEXIONIST_CONFIG`, else
 * beside the executable, else the working directory, else `~/.complexionist/complexionist.ini`.
 * The first found wins. A path the user named (flag or variable) must exist: a typo there is an
 * error, never a silent fall-through to another file.
 */

import { basename, dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import type { ConfigSource, Env, FoundConfig } from "./types.ts";
import { homeDir, nonEmpty } from "./values.ts";

export const CONFIG_FILE_NAME = "complexionist.ini";

export interface FindOptions {
  /** `--config PATH`, relative to cwd. */
  explicit?: string;
  env: Env;
  /**
   * The directory of the compiled binary. Leave undefined when running under the `deno`
   * runtime itself (`deno run main.ts`), where "beside the executable" would mean beside deno.
   */
  execDir?: string;
  cwd: string;
  /** Default: $HOME, else %USERPROFILE%, else the account's home directory. */
  home?: string;
}

type Kind = "file" | "missing" | "other";

/** "missing" only when the path does not exist; unreadable paths count as present. */
function kindOf(path: string): Kind {
  try {
    return Deno.statSync(path).isFile ? "file" : "other";
  } catch (err) {
    return err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory
      ? "missing"
      : "file";
  }
}

function named(path: string, source: ConfigSource, how: string): FoundConfig {
  const kind = kindOf(path);
  if (kind === "file") return { path, source };
  const fix = source === "--config"
    ? "Check the path, or leave out --config to use the default search."
    : "Check the path, or unset COMPLEXIONIST_CONFIG to use the default search.";
  throw new ConfigError(
    path,
    undefined,
    undefined,
    kind === "missing" ? `not found (named by ${how})` : `is not a file (named by ${how})`,
    fix,
  );
}

export function findConfig(opts: FindOptions): FoundConfig | undefined {
  if (opts.explicit !== undefined) {
    return named(resolve(opts.cwd, opts.explicit), "--config", "--config");
  }
  const fromEnv = nonEmpty(opts.env.COMPLEXIONIST_CONFIG);
  if (fromEnv !== undefined) {
    return named(resolve(opts.cwd, fromEnv), "$COMPLEXIONIST_CONFIG", "$COMPLEXIONIST_CONFIG");
  }
  const candidates: [string | undefined, ConfigSource][] = [
    [opts.execDir, "beside the executable"],
    [opts.cwd, "working directory"],
    [join(opts.home ?? homeDir(opts.env), ".complexionist"), "home"],
  ];
  for (const [dir, source] of candidates) {
    if (dir === undefined) continue;
    const path = resolve(opts.cwd, dir, CONFIG_FILE_NAME);
    if (kindOf(path) === "file") return { path, source };
  }
  return undefined;
}

/**
 * The `execDir` for findConfig: the compiled binary's folder, or undefined when this runs
 * under the deno runtime itself (`deno run main.ts`, `deno test`).
 */
export function executableDir(execPath: string = Deno.execPath()): string | undefined {
  const base = basename(execPath).toLowerCase();
  return base === "deno" || base === "deno.exe" ? undefined : dirname(execPath);
}
