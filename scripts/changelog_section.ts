/**
 * `deno run --allow-read scripts/changelog_section.ts [--file CHANGELOG.md] VERSION`: prints the
 * notes of one version from a Keep a Changelog file (the body under `## [VERSION] - date`,
 * without the heading), for the release workflow's GitHub release. VERSION may carry the tag's
 * `v`. Exits 1 with one line when the version has no section or the section is empty, so a
 * release is never published with blank notes.
 */

/** The body of the `## [version]` section, trimmed; undefined when absent or empty. */
export function changelogSection(text: string, version: string): string | undefined {
  const wanted = version.trim().replace(/^v(?=\d)/, "").toLowerCase();
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let start = -1;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/^## /.test(line)) continue;
    if (start >= 0) {
      end = i;
      break;
    }
    // `## [1.2.3] - 2026-01-31`, `## 1.2.3 - …`, `## [v1.2.3]`, `## [Unreleased]`
    const m = /^## +\[?v?([^\]\s]+)\]?/.exec(line);
    if (m && m[1]!.toLowerCase() === wanted) start = i + 1;
  }
  if (start < 0) return undefined;
  const body = lines.slice(start, end)
    // Keep a Changelog puts link definitions (`[1.2.3]: https://…`) at the very end.
    .filter((l) => !/^\[[^\]]+\]: +\S+$/.test(l))
    .join("\n")
    .trim();
  return body === "" ? undefined : body;
}

if (import.meta.main) {
  const args = [...Deno.args];
  let file = "CHANGELOG.md";
  const at = args.indexOf("--file");
  if (at >= 0) {
    file = args[at + 1] ?? file;
    args.splice(at, 2);
  }
  const version = args[0];
  if (!version) {
    console.error("usage: changelog_section.ts [--file CHANGELOG.md] VERSION");
    Deno.exit(2);
  }
  const section = changelogSection(await Deno.readTextFile(file), version);
  if (section === undefined) {
    console.error(
      `${file} has no notes for ${version}: add a "## [${
        version.replace(/^v(?=\d)/, "")
      }] - YYYY-MM-DD" section before tagging`,
    );
    Deno.exit(1);
  }
  console.log(section);
}
