/**
 * A strict, line-numbered INI reader for complexionist.ini.
 *
 * Why not `npm:ini`: it is lenient in ways that hurt here. It cuts values at an inline `#` or
 * `;` (a token containing one is silently truncated), turns `true` into a boolean, nests
 * `[a.b]` sections, drops every key after a `[__proto__]` header, and accepts an unclosed
 * `[section` or a line without `=` without a word. The file is ComPlexionist's, which Python's
 * configparser reads, so this follows configparser where it matters:
 * - whole-line comments start with `#` or `;`; there are no inline comments (a `#` inside a
 *   value is part of the value, as configparser keeps it);
 * - keys are case-insensitive (lower-cased); section names are matched lower-cased too;
 * - `key = value` and `key: value` alike (the first `=` or `:` ends the key);
 * - a line indented deeper than the key that opened a value continues that value (joined with a
 *   newline), as configparser writes multi-line values: ComPlexionist's own sections may hold
 *   them, and a file it reads must load here. complexionist's own keys refuse a multi-line value
 *   (lib/config/expand.ts), naming the key. One exception, where configparser would continue: an
 *   indented `name = value` line is a setting of its own and an indented `[section]` a header, as
 *   they always were here (our template's optional settings and second server are commented
 *   `; name = …`, `; [plex:1]`, and uncommenting one may leave its space);
 * - a setting before any `[section]` is an error, as is a repeated key or section.
 * It differs in one small way: one pair of matching quotes around a value is removed
 * (`name = "Main Server"`). Nothing from a value is ever put in an error message: values may
 * be tokens.
 */

import { ConfigError } from "../errors.ts";

export interface IniEntry {
  value: string;
  line: number;
}

export interface IniSection {
  /** As written between the brackets, trimmed. */
  name: string;
  line: number;
  /** Keys lower-cased. A repeated key keeps its first line in `duplicates`. */
  entries: Map<string, IniEntry>;
  /** Keys that appeared more than once, with the line of the repeat. */
  duplicates: Map<string, number>;
}

export interface IniDocument {
  /** In file order. Repeated sections appear twice; the caller decides if that matters. */
  sections: IniSection[];
}

const SECTION_RE = /^\[([^\]]*)\]\s*(?:[#;].*)?$/;
const SETTING_RE = /^([^=:]*?)\s*[=:]\s*(.*)$/;
/**
 * A `=` before any `:`: a setting even when indented, as every such line always was here. (A
 * continued value such as a path or URL has a `:` first, or no `=`.)
 */
const INDENTED_SETTING_RE = /^[^=:]+=/;

/** Splits text into sections and settings; throws ConfigError naming the line of the fault. */
export function parseIni(text: string, file: string): IniDocument {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  /** The value the last setting opened, and its key's indentation: deeper lines continue it. */
  let open: { lines: string[]; indent: number } | undefined;
  const raws: { entry: IniEntry; lines: string[] }[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? "";
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const indent = raw.length - raw.trimStart().length;
    if (
      open && indent > open.indent && !INDENTED_SETTING_RE.test(line) && !SECTION_RE.test(line)
    ) {
      open.lines.push(line);
      continue;
    }
    open = undefined;
    if (line.startsWith("[")) {
      current = parseHeader(line, lineNo, file, current);
      sections.push(current);
      continue;
    }
    const m = SETTING_RE.exec(line);
    const key = m?.[1]?.trim().toLowerCase();
    if (!m || !key) {
      throw new ConfigError(
        file,
        current?.name,
        undefined,
        `line ${lineNo} is not a \`key = value\` setting, a \`[section]\` header or a comment`,
        `Write it as \`key = value\`, or start it with # to make it a comment.`,
      );
    }
    if (!current) {
      throw new ConfigError(
        file,
        undefined,
        key,
        `line ${lineNo} is a setting before any [section] header`,
        "Move it under the section it belongs to, e.g. [plex:0] or [trakt].",
      );
    }
    // A repeated key's value (and its continuation lines) is read but not kept.
    open = { lines: [m[2] ?? ""], indent };
    if (current.entries.has(key)) {
      if (!current.duplicates.has(key)) current.duplicates.set(key, lineNo);
      continue;
    }
    const entry: IniEntry = { value: "", line: lineNo };
    current.entries.set(key, entry);
    raws.push({ entry, lines: open.lines });
  }
  // A continued value keeps its newlines (configparser's "\nabc" for `key =` then `  abc`): our own
  // keys refuse it by them (lib/config/expand.ts).
  for (const { entry, lines } of raws) {
    entry.value = lines.length === 1 ? unquote(lines[0]!) : lines.join("\n");
  }
  return { sections };
}

function parseHeader(
  line: string,
  lineNo: number,
  file: string,
  previous: IniSection | undefined,
): IniSection {
  const m = SECTION_RE.exec(line);
  if (!m) {
    const problem = line.includes("]")
      ? `line ${lineNo} has text after the closing \`]\` of a section header`
      : `line ${lineNo} opens a section header with \`[\` but never closes it with \`]\``;
    throw new ConfigError(
      file,
      previous?.name,
      undefined,
      problem,
      "Write section headers as [name] alone on their line, e.g. [plex:0] or [trakt].",
    );
  }
  const name = (m[1] ?? "").trim();
  if (name === "") {
    throw new ConfigError(
      file,
      previous?.name,
      undefined,
      `line ${lineNo} is an empty section header \`[]\``,
      "Name the section, e.g. [plex:0] or [trakt], or delete the line.",
    );
  }
  return { name, line: lineNo, entries: new Map(), duplicates: new Map() };
}

/** Removes one pair of matching surrounding quotes, as most INI readers do. */
function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2) {
    const first = v[0];
    if ((first === '"' || first === "'") && v[v.length - 1] === first) return v.slice(1, -1);
  }
  return v;
}
