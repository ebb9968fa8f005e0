import assert from "node:assert/strict";
import { parseIni } from "./ini.ts";
import { expectConfigError } from "./test_util.ts";

const F = "/etc/complexionist.ini";

Deno.test("ini: sections, settings, comments, quotes, CRLF and BOM", () => {
  const doc = parseIni(
    '\uFEFF; comment\r\n# another\r\n[plex:0]\r\n  Name = "Main Server"  \r\nurl=http://a:1\r\n' +
      "token = ab#cd;ef\r\n\r\n[Trakt] ; trailing comment\r\nclient_id = 'x'\r\nempty =\r\n",
    F,
  );
  assert.equal(doc.sections.length, 2);
  const [plex, trakt] = doc.sections;
  assert.equal(plex?.name, "plex:0");
  assert.deepEqual(plex?.entries.get("name"), { value: "Main Server", line: 4 });
  assert.deepEqual(plex?.entries.get("url"), { value: "http://a:1", line: 5 });
  // No inline comments: a # or ; inside a value is part of it (configparser keeps it too).
  assert.equal(plex?.entries.get("token")?.value, "ab#cd;ef");
  assert.equal(trakt?.name, "Trakt");
  assert.equal(trakt?.entries.get("client_id")?.value, "x");
  assert.equal(trakt?.entries.get("empty")?.value, "");
});

Deno.test("ini: a repeated key keeps the first value and records the repeat", () => {
  const doc = parseIni("[a]\nk = 1\nK = 2\n", F);
  assert.equal(doc.sections[0]?.entries.get("k")?.value, "1");
  assert.equal(doc.sections[0]?.duplicates.get("k"), 3);
});

Deno.test("ini: a value with = keeps everything after the first =", () => {
  const doc = parseIni("[a]\nk = x=y==\n", F);
  assert.equal(doc.sections[0]?.entries.get("k")?.value, "x=y==");
});

Deno.test("ini: malformed lines are ConfigErrors naming the line, never its text", () => {
  const cases: [string, string, string | undefined][] = [
    ["[plex:0]\nurl = http://a\nhunter2secret\n", "line 3", "plex:0"],
    ["[plex:0\ntoken = hunter2secret\n", "line 1", undefined],
    ["[trakt]\n[plex:1 hunter2secret\n", "line 2", "trakt"],
    ["[plex:0] hunter2secret\n", "line 1", undefined],
    ["[]\n", "line 1", undefined],
    ["[trakt]\n= hunter2secret\n", "line 2", "trakt"],
  ];
  for (const [text, include, section] of cases) {
    const err = expectConfigError(() => parseIni(text, F), {
      file: F,
      includes: [include],
      excludes: ["hunter2secret"],
    });
    assert.equal(err.section, section, text);
  }
});

Deno.test("ini: a setting before any section is an error naming the key", () => {
  expectConfigError(() => parseIni("# hi\ntoken = hunter2secret\n[plex:0]\n", F), {
    file: F,
    key: "token",
    includes: ["line 2", "before any [section]"],
    excludes: ["hunter2secret"],
  });
});

Deno.test("ini: configparser's `key: value` and indented continuation lines", () => {
  const doc = parseIni(
    "[paths]\nmovie_dirs = /mnt/a\n    /mnt/b\n\n  ; a comment inside\n    /mnt/c\n" +
      "exclude: samples\n[plex:0]\n  name = Main\n  url = http://a:32400\n",
    F,
  );
  const paths = doc.sections[0]!;
  assert.equal(paths.entries.get("movie_dirs")?.value, "/mnt/a\n/mnt/b\n/mnt/c");
  assert.equal(paths.entries.get("exclude")?.value, "samples");
  // Settings indented alike are settings of their own; `=` before `:` ends the key.
  const plex = doc.sections[1]!;
  assert.equal(plex.entries.get("name")?.value, "Main");
  assert.equal(plex.entries.get("url")?.value, "http://a:32400");
  assert.equal(plex.entries.get("url")?.line, 10);
  // An indented `name = value` under a key is a setting of its own (an optional setting of our
  // template, uncommented by deleting its `;` only), where configparser would continue the value.
  const trakt = parseIni("[trakt]\nclient_id = abc\n token_store = ~/x.kv\n    more\n", F)
    .sections[0]!;
  assert.equal(trakt.entries.get("client_id")?.value, "abc");
  assert.equal(trakt.entries.get("token_store")?.value, "~/x.kv\nmore");
  // Any indented line with a `=` before any `:` is a setting, as the previous reader had it.
  const loose = parseIni('[plex:0]\nname = A\n  "verify_tls" = false\n  1x = y\n', F).sections[0]!;
  assert.deepEqual([...loose.entries.keys()], ["name", '"verify_tls"', "1x"]);
  // So is an indented `[section]` header (the template's second server, uncommented likewise).
  const two = parseIni("[plex:0]\nurl = http://a\n [plex:1]\n url = http://b\n", F);
  assert.deepEqual(two.sections.map((x) => [x.name, x.entries.get("url")?.value]), [
    ["plex:0", "http://a"],
    ["plex:1", "http://b"],
  ]);
});
