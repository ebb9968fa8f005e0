import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { changelogSection } from "./changelog_section.ts";
import { VERSION } from "../lib/version.ts";

const SAMPLE = `# Changelog

All notable changes to this project are documented in this file.

## [Unreleased]

### Fixed

- Something after 1.1.0.

## [1.1.0] - 2026-12-01

### Added

- A thing.
- Another: see [the docs](https://example.com/docs).

## [1.0.0] - 2026-11-01

Initial release.

[Unreleased]: https://example.com/compare/v1.1.0...HEAD
[1.1.0]: https://example.com/compare/v1.0.0...v1.1.0
[1.0.0]: https://example.com/releases/tag/v1.0.0
`;

Deno.test("changelog: a version's body, without heading, next section or links", () => {
  assert.equal(
    changelogSection(SAMPLE, "1.1.0"),
    "### Added\n\n- A thing.\n- Another: see [the docs](https://example.com/docs).",
  );
  assert.equal(changelogSection(SAMPLE, "1.0.0"), "Initial release.");
});

Deno.test("changelog: the tag's v, Unreleased and CRLF line ends are fine", () => {
  assert.equal(changelogSection(SAMPLE, "v1.0.0"), "Initial release.");
  assert.equal(changelogSection(SAMPLE, "Unreleased"), "### Fixed\n\n- Something after 1.1.0.");
  assert.equal(changelogSection(SAMPLE.replaceAll("\n", "\r\n"), "1.0.0"), "Initial release.");
});

Deno.test("changelog: a missing or empty section is undefined, never a prefix match", () => {
  assert.equal(changelogSection(SAMPLE, "2.0.0"), undefined);
  assert.equal(changelogSection(SAMPLE, "1.1"), undefined);
  assert.equal(
    changelogSection("## [1.2.0] - 2026-01-01\n\n## [1.1.0]\n\nx\n", "1.2.0"),
    undefined,
  );
});

Deno.test("changelog: CHANGELOG.md has notes for the current version", async () => {
  const text = await Deno.readTextFile(fileURLToPath(new URL("../CHANGELOG.md", import.meta.url)));
  const notes = changelogSection(text, VERSION);
  assert.ok(notes, `CHANGELOG.md has a section for ${VERSION}`);
  assert.match(notes, /trakt sync/);
  assert.match(text, /^## \[Unreleased\]$/m);
});

Deno.test("changelog: the script prints the notes, and fails for an unknown version", async () => {
  const script = fileURLToPath(new URL("./changelog_section.ts", import.meta.url));
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/CHANGELOG.md`;
    await Deno.writeTextFile(file, SAMPLE);
    const run = (v: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--no-lock", "--allow-read", script, "--file", file, v],
        stdout: "piped",
        stderr: "piped",
      }).output();
    const ok = await run("v1.0.0");
    assert.equal(ok.code, 0);
    assert.equal(new TextDecoder().decode(ok.stdout), "Initial release.\n");
    const missing = await run("v9.9.9");
    assert.equal(missing.code, 1);
    assert.match(new TextDecoder().decode(missing.stderr), /has no notes for v9\.9\.9/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
