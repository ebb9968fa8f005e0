/**
 * `[plex:N]` sections and `--server` selection.
 *
 * ComPlexionist's older single `[plex]` section (url, token, optional name) is accepted as
 * server 0, named "Plex Server" unless it has a name, exactly as ComPlexionist reads it. Like
 * ComPlexionist, it is ignored when any `[plex:N]` section exists (with a warning), so a file
 * that ComPlexionist accepts loads here too.
 */

import { ConfigError, UsageError } from "../errors.ts";
import { configError, expandVariables, type Where } from "./expand.ts";
import type { IniDocument, IniSection } from "./ini.ts";
import { misspeltAs, SERVER_KEYS } from "./keys.ts";
import type { Config, Env, PlexServerConfig } from "./types.ts";
import { parseBool, parseHttpUrl, parseSecret } from "./values.ts";

const PLEX_N_RE = /^plex:(.*)$/;

const TOKEN_FIX = "Put the server's X-Plex-Token here (how to find it: " +
  "https://support.plex.tv/articles/204059436-finding-an-authentication-token-x-plex-token/).";

export function readServers(
  doc: IniDocument,
  file: string,
  env: Env,
): { servers: PlexServerConfig[]; warnings: string[] } {
  const warnings: string[] = [];
  const numbered = new Map<number, IniSection>();
  let legacy: IniSection | undefined;
  for (const section of doc.sections) {
    const lower = section.name.toLowerCase();
    if (lower === "plex") {
      if (legacy) throw duplicateSection(file, section, legacy.line);
      legacy = section;
      continue;
    }
    const m = PLEX_N_RE.exec(lower);
    if (!m) continue;
    const n = (m[1] ?? "").trim();
    const index = /^\d{1,6}$/.test(n) ? Number(n) : NaN;
    if (!Number.isInteger(index)) {
      throw new ConfigError(
        file,
        section.name,
        undefined,
        `line ${section.line}: the server number must be a whole number from 0 to 999999`,
        "Number Plex sections [plex:0], [plex:1], and so on.",
      );
    }
    const earlier = numbered.get(index);
    if (earlier) throw duplicateSection(file, section, earlier.line);
    numbered.set(index, section);
  }
  const servers = [...numbered.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, section]) => readServer(section, index, `Plex ${index}`, file, env));
  if (legacy && servers.length > 0) {
    warnings.push(
      `${file}: [${legacy.name}] (line ${legacy.line}) is ignored because [plex:N] sections ` +
        "exist; delete it or turn it into one of them",
    );
  } else if (legacy) {
    servers.push(readServer(legacy, 0, "Plex Server", file, env));
  }
  checkUniqueNames(servers, file);
  return { servers, warnings };
}

function duplicateSection(file: string, section: IniSection, firstLine: number): ConfigError {
  return new ConfigError(
    file,
    section.name,
    undefined,
    `line ${section.line} repeats a server already defined on line ${firstLine}`,
    "Give each Plex server its own number: [plex:0], [plex:1], and so on.",
  );
}

function readServer(
  section: IniSection,
  index: number,
  defaultName: string,
  file: string,
  env: Env,
): PlexServerConfig {
  for (const [key, line] of section.duplicates) {
    if (SERVER_KEYS.includes(key)) {
      throw configError(
        { file, section: section.name, key, line },
        "is set twice in this section",
        "Keep one of the two lines.",
      );
    }
  }
  const get = (key: string) => {
    const entry = section.entries.get(key);
    const where: Where = { file, section: section.name, key, line: entry?.line };
    if (!entry) return { where, value: undefined, variables: [] };
    return { where, ...expandVariables(entry.value, env, where) };
  };

  const url = get("url");
  if (url.value === undefined) {
    throw configError(
      url.where,
      `is missing${misspeltAs(section, "url", SERVER_KEYS)}`,
      `Add url = http://HOST:32400 (the address of the Plex server) to [${section.name}].`,
    );
  }
  const token = get("token");
  if (token.value === undefined) {
    throw configError(
      token.where,
      `is missing${misspeltAs(section, "token", SERVER_KEYS)}`,
      `Add token = YOUR_PLEX_TOKEN. ${TOKEN_FIX}`,
    );
  }
  const name = get("name");
  const verify = get("verify_tls");
  return {
    index,
    name: name.value?.trim() || defaultName,
    url: parseHttpUrl(url.where, url.value, url.variables, "http://192.168.1.10:32400"),
    token: parseSecret(token.where, token.value, token.variables, TOKEN_FIX),
    verifyTls: verify.value === undefined || verify.value.trim() === ""
      ? true
      : parseBool(verify.where, verify.value),
  };
}

function checkUniqueNames(servers: readonly PlexServerConfig[], file: string): void {
  const seen = new Map<string, PlexServerConfig>();
  for (const server of servers) {
    const key = server.name.toLowerCase();
    const other = seen.get(key);
    if (other) {
      throw new ConfigError(
        file,
        `plex:${server.index}`,
        "name",
        `"${server.name}" is also the name of [plex:${other.index}] (names are compared ` +
          "ignoring case)",
        "Give each server a different name; --server picks servers by name.",
      );
    }
    seen.set(key, server);
  }
}

/** `0 "Main Server", 1 "4K Server"` */
export function describeServers(servers: readonly PlexServerConfig[]): string {
  return servers.map((s) => `${s.index} "${s.name}"`).join(", ");
}

/**
 * `--server`: undefined → the first server (lowest index); `all` → every server; a number →
 * the server with that index; otherwise a name, ignoring case. A name made of digits that is
 * not an index still matches by name; `all` always means every server.
 */
export function selectServers(config: Config, selector: string | undefined): PlexServerConfig[] {
  const servers = config.servers;
  const first = servers[0];
  if (!first) {
    throw new ConfigError(
      config.path,
      undefined,
      undefined,
      "no Plex server is configured",
      "Add a [plex:0] section with url = http://HOST:32400 and token = YOUR_PLEX_TOKEN.",
    );
  }
  if (selector === undefined) return [first];
  const wanted = selector.trim();
  if (wanted.toLowerCase() === "all") return [...servers];
  if (/^\d+$/.test(wanted)) {
    const byIndex = servers.find((s) => s.index === Number(wanted));
    if (byIndex) return [byIndex];
  }
  const lower = wanted.toLowerCase();
  const byName = servers.find((s) => s.name.toLowerCase() === lower);
  if (byName) return [byName];
  throw new UsageError(
    `--server "${selector}" matches no Plex server in ${config.path}; configured: ` +
      `${describeServers(servers)}. Use --server with one of these names (any case) or ` +
      "numbers, or --server all for every server.",
  );
}
