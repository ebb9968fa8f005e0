/**
 * Keys in complexionist's own sections that it does not read. A key one or two letters away from
 * a known one is almost surely a typo whose setting silently does nothing (`verify_tsl`,
 * `token_stor`), so it is a mistake, warned about on every run. Any other key is only a note for
 * --verbose: ComPlexionist may keep settings of its own in these sections.
 */

import { closestMatch } from "leven";
import type { IniDocument, IniSection } from "./ini.ts";

/** The keys a server section (`[plex:N]`, or the legacy `[plex]`) may hold. */
export const SERVER_KEYS: readonly string[] = ["name", "url", "token", "verify_tls"];

/** The keys `[trakt]` may hold. */
export const TRAKT_KEYS: readonly string[] = [
  "client_id",
  "client_secret",
  "api_url",
  "auth_url",
  "token_store",
  "write_interval_ms",
  "access_token",
  "refresh_token",
  "token_expires",
];

export interface UnknownKeys {
  /** Likely typos of a known key: worth a warning every run. */
  mistakes: string[];
  /** Other keys complexionist ignores: worth a line under --verbose. */
  notes: string[];
}

/** The known keys of a section complexionist reads, or undefined for a section it ignores. */
function knownKeys(sectionName: string, numberedServers: boolean): readonly string[] | undefined {
  const lower = sectionName.toLowerCase();
  if (lower === "trakt") return TRAKT_KEYS;
  // A legacy [plex] is ignored (with its own note) once [plex:N] sections exist.
  if (lower === "plex" && !numberedServers) return SERVER_KEYS;
  if (lower.startsWith("plex:")) return SERVER_KEYS;
  return undefined;
}

/** The known key `key` is probably a misspelling of, if any. */
export function likelyMeant(key: string, known: readonly string[]): string | undefined {
  // Letters only, and SSL read as TLS: `client-id`, `clientid` and `ClientID` all mean
  // client_id, `verify_ssl` verify_tls.
  const bare = (k: string) => k.toLowerCase().replace(/[^a-z0-9]/g, "").replace("ssl", "tls");
  const exact = known.find((k) => bare(k) === bare(key));
  if (exact) return exact;
  // A known key cut short, by a third at most: `write_interval`, `verify`; but `token` is not
  // token_store, whose value is a path (a token written there would become one).
  const short = bare(key);
  const start = short.length >= 5
    ? known.find((k) => bare(k).startsWith(short) && short.length * 3 >= bare(k).length * 2)
    : undefined;
  if (start) return start;
  // One edit for short keys (`uri` is url; `uid`, two edits away, is not), two for longer ones.
  const maxDistance = key.length <= 4 ? 1 : 2;
  return closestMatch(key, known, { maxDistance });
}

/**
 * For a required key that is missing: ` (line N has "tokn": a misspelling?)` when another key of
 * the section looks like it, else "".
 */
export function misspeltAs(section: IniSection, key: string, known: readonly string[]): string {
  for (const [other, entry] of section.entries) {
    if (!known.includes(other) && likelyMeant(other, known) === key) {
      return ` (line ${entry.line} has "${other}": a misspelling of ${key}?)`;
    }
  }
  return "";
}

export function unknownKeys(doc: IniDocument, file: string): UnknownKeys {
  const found: UnknownKeys = { mistakes: [], notes: [] };
  const numbered = doc.sections.some((s) => s.name.toLowerCase().startsWith("plex:"));
  for (const section of doc.sections) {
    const known = knownKeys(section.name, numbered);
    if (!known) continue;
    for (const [key, entry] of section.entries) {
      if (known.includes(key)) continue;
      const where = `${file}: [${section.name}] line ${entry.line}`;
      const meant = likelyMeant(key, known);
      if (meant) {
        found.mistakes.push(
          `${where}: "${key}" is not a setting complexionist reads, so it is ignored; ` +
            `did you mean "${meant}"?`,
        );
      } else {
        found.notes.push(`${where}: "${key}" is not a setting complexionist reads; ignored`);
      }
    }
  }
  return found;
}
