import assert from "node:assert/strict";
import { parseIni } from "./ini.ts";
import { likelyMeant, misspeltAs, SERVER_KEYS, TRAKT_KEYS, unknownKeys } from "./keys.ts";

Deno.test("keys: likely typos of a known key name it", () => {
  const cases: [string, readonly string[], string][] = [
    ["verify_tsl", SERVER_KEYS, "verify_tls"],
    ["verify_ssl", SERVER_KEYS, "verify_tls"],
    ["verify", SERVER_KEYS, "verify_tls"],
    ["uri", SERVER_KEYS, "url"],
    ["tokn", SERVER_KEYS, "token"],
    ["client-id", TRAKT_KEYS, "client_id"],
    ["clientid", TRAKT_KEYS, "client_id"],
    ["cliend_id", TRAKT_KEYS, "client_id"],
    ["client_secrect", TRAKT_KEYS, "client_secret"],
    ["token_stor", TRAKT_KEYS, "token_store"],
    ["write_interval", TRAKT_KEYS, "write_interval_ms"],
    ["auth_uri", TRAKT_KEYS, "auth_url"],
  ];
  for (const [key, known, meant] of cases) assert.equal(likelyMeant(key, known), meant, key);
});

Deno.test("keys: keys unlike any known one are not called typos", () => {
  for (const key of ["key", "uid", "library", "server", "username", "api_key", "path"]) {
    assert.equal(likelyMeant(key, SERVER_KEYS), undefined, key);
    assert.equal(likelyMeant(key, TRAKT_KEYS), undefined, key);
  }
});

Deno.test("keys: a key much shorter than a known one is not called its typo", () => {
  // `token` in [trakt] is not token_store: following that advice would make a token a path.
  assert.equal(likelyMeant("token", TRAKT_KEYS), undefined);
  assert.equal(likelyMeant("access", TRAKT_KEYS), undefined);
  assert.equal(likelyMeant("refresh", TRAKT_KEYS), undefined);
});

Deno.test("keys: only the sections complexionist reads are checked; typos are mistakes, the rest notes", () => {
  const doc = parseIni(
    [
      "[plex:0]",
      "url = http://localhost:32400",
      "token = secretPlexToken",
      "verify_ssl = false",
      "[plex]",
      "uri = http://old",
      "[trakt]",
      "client_id = id",
      "cliend_secret = s3cret",
      "username = plexfan",
      "[tmdb]",
      "api_kye = abc",
      "[options]",
      "verify_tsl = no",
    ].join("\n"),
    "/cfg/complexionist.ini",
  );
  const { mistakes, notes } = unknownKeys(doc, "/cfg/complexionist.ini");
  assert.deepEqual(mistakes, [
    '/cfg/complexionist.ini: [plex:0] line 4: "verify_ssl" is not a setting complexionist ' +
    'reads, so it is ignored; did you mean "verify_tls"?',
    '/cfg/complexionist.ini: [trakt] line 9: "cliend_secret" is not a setting complexionist ' +
    'reads, so it is ignored; did you mean "client_secret"?',
  ]);
  assert.deepEqual(notes, [
    '/cfg/complexionist.ini: [trakt] line 10: "username" is not a setting complexionist reads; ' +
    "ignored",
  ]);
  // Keys only, never a value from the file.
  for (const line of [...mistakes, ...notes]) {
    for (const value of ["secretPlexToken", "s3cret", "plexfan", "false"]) {
      assert.ok(!line.includes(value), line);
    }
  }
});

Deno.test("keys: a legacy [plex] is checked when it is the only server section", () => {
  const doc = parseIni("[plex]\nuri = http://old\ntoken = t\n", "c.ini");
  assert.deepEqual(unknownKeys(doc, "c.ini").mistakes, [
    'c.ini: [plex] line 2: "uri" is not a setting complexionist reads, so it is ignored; ' +
    'did you mean "url"?',
  ]);
});

Deno.test("keys: a missing required key points at its likely misspelling", () => {
  const [section] = parseIni("[plex:0]\nurl = http://a:32400\ntokn = abc\n", "c.ini").sections;
  assert.equal(
    misspeltAs(section!, "token", SERVER_KEYS),
    ' (line 3 has "tokn": a misspelling of token?)',
  );
  assert.equal(misspeltAs(section!, "name", SERVER_KEYS), "");
});
