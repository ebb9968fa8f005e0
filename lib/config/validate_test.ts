/**
 * Every validation error: the message names the file, section and key, ends with the fix, and
 * never contains a secret (every secret-looking value below contains "hunter2").
 */

import { loadConfig } from "./load.ts";
import { requireTrakt } from "./trakt.ts";
import { expectConfigError, withTempDir, writeIni } from "./test_util.ts";

const PLEX_OK = "url = http://nas:32400\ntoken = hunter2tok\n";

interface Case {
  name: string;
  ini: string;
  env?: Record<string, string>;
  section?: string;
  key?: string;
  includes: string[];
}

const CASES: Case[] = [
  // [plex:N]
  {
    name: "url missing",
    ini: "[plex:0]\ntoken = hunter2tok\n",
    section: "plex:0",
    key: "url",
    includes: ["is missing", "Add url ="],
  },
  {
    name: "url empty",
    ini: "[plex:0]\nurl =\ntoken = hunter2tok\n",
    section: "plex:0",
    key: "url",
    includes: ["is empty", "line 2"],
  },
  {
    name: "url empty after expansion",
    ini: "[plex:0]\nurl = ${PLEX_URL}\ntoken = x1\n",
    env: { PLEX_URL: "" },
    section: "plex:0",
    key: "url",
    includes: ["empty after expanding $PLEX_URL", "Set PLEX_URL"],
  },
  {
    name: "url not a URL",
    ini: "[plex:0]\nurl = http://hunter2 secret\ntoken = x1\n",
    section: "plex:0",
    key: "url",
    includes: ["not a valid URL"],
  },
  {
    name: "url without scheme",
    ini: "[plex:0]\nurl = localhost:32400\ntoken = x1\n",
    section: "plex:0",
    key: "url",
    includes: ["http:// or https://"],
  },
  {
    name: "url ftp",
    ini: "[plex:0]\nurl = ftp://nas\ntoken = x1\n",
    section: "plex:0",
    key: "url",
    includes: ["http:// or https://"],
  },
  {
    name: "url with credentials",
    ini: "[plex:0]\nurl = http://me:hunter2@nas\ntoken = x1\n",
    section: "plex:0",
    key: "url",
    includes: ["user name or password"],
  },
  {
    name: "url with token query",
    ini: "[plex:0]\nurl = http://nas/?X-Plex-Token=hunter2\ntoken = x1\n",
    section: "plex:0",
    key: "url",
    includes: ["query"],
  },
  {
    name: "token missing",
    ini: "[plex:2]\nurl = http://nas\n",
    section: "plex:2",
    key: "token",
    includes: ["is missing", "X-Plex-Token"],
  },
  {
    name: "token empty",
    ini: "[plex:0]\nurl = http://nas\ntoken =   \n",
    section: "plex:0",
    key: "token",
    includes: ["is empty"],
  },
  {
    name: "token with spaces",
    ini: "[plex:0]\nurl = http://nas\ntoken = hunter2 tok\n",
    section: "plex:0",
    key: "token",
    includes: ["contains spaces"],
  },
  {
    name: "token with an inline comment",
    ini: "[plex:0]\nurl = http://nas\ntoken = hunter2 ; my token\n",
    section: "plex:0",
    key: "token",
    includes: ["a ; or # after a value is part of it, not a comment", "line of its own"],
  },
  {
    name: "token missing beside its misspelling",
    ini: "[plex:0]\nurl = http://nas\ntokn = hunter2\n",
    section: "plex:0",
    key: "token",
    includes: ["is missing", 'line 3 has "tokn": a misspelling of token?'],
  },
  {
    name: "token non-ASCII",
    ini: "[plex:0]\nurl = http://nas\ntoken = hunter2tök\n",
    section: "plex:0",
    key: "token",
    includes: ["HTTP header"],
  },
  {
    name: "token placeholder",
    ini: "[plex:0]\nurl = http://nas\ntoken = your_plex_token\n",
    section: "plex:0",
    key: "token",
    includes: ["placeholder"],
  },
  {
    name: "token from unset var",
    ini: "[plex:0]\nurl = http://nas\ntoken = ${PLEX_TOKEN}\n",
    section: "plex:0",
    key: "token",
    includes: ["PLEX_TOKEN", "Set PLEX_TOKEN or edit the value."],
  },
  {
    name: "verify_tls not a bool",
    ini: `[plex:0]\n${PLEX_OK}verify_tls = sometimes\n`,
    section: "plex:0",
    key: "verify_tls",
    includes: ["true or false"],
  },
  {
    name: "key repeated",
    ini: `[plex:0]\n${PLEX_OK}token = hunter2again\n`,
    section: "plex:0",
    key: "token",
    includes: ["set twice", "line 4"],
  },
  {
    name: "section repeated",
    ini: `[plex:0]\n${PLEX_OK}[plex:00]\n${PLEX_OK}`,
    section: "plex:00",
    includes: ["line 4", "line 1"],
  },
  {
    name: "bad server number",
    ini: `[plex:main]\n${PLEX_OK}`,
    section: "plex:main",
    includes: ["whole number"],
  },
  {
    name: "negative server number",
    ini: `[plex:-1]\n${PLEX_OK}`,
    section: "plex:-1",
    includes: ["whole number"],
  },
  {
    name: "duplicate names",
    ini: `[plex:0]\nname = NAS\n${PLEX_OK}[plex:1]\nname = nas\n${PLEX_OK}`,
    section: "plex:1",
    key: "name",
    includes: ["[plex:0]", "different name"],
  },
  {
    name: "legacy [plex] url missing",
    ini: "[plex]\ntoken = hunter2tok\n",
    section: "plex",
    key: "url",
    includes: ["is missing"],
  },
  // [trakt]
  {
    name: "api_url invalid",
    ini: "[trakt]\napi_url = api.trakt.tv\n",
    section: "trakt",
    key: "api_url",
    includes: ["http:// or https://", "line 2"],
  },
  {
    name: "auth_url invalid",
    ini: "[trakt]\nauth_url = https://\n",
    section: "trakt",
    key: "auth_url",
    includes: ["not a valid URL"],
  },
  {
    name: "client_id empty after expansion",
    ini: "[trakt]\nclient_id = ${CID}\n",
    env: { CID: " " },
    section: "trakt",
    key: "client_id",
    includes: ["empty after expanding $CID", "app.trakt.tv/settings/apps"],
  },
  {
    name: "client_secret with spaces",
    ini: "[trakt]\nclient_secret = hunter2 x\n",
    section: "trakt",
    key: "client_secret",
    includes: ["contains spaces"],
  },
  {
    name: "client_secret placeholder",
    ini: "[trakt]\nclient_secret = your_trakt_client_secret\n",
    section: "trakt",
    key: "client_secret",
    includes: ["placeholder"],
  },
  {
    name: "write_interval_ms negative",
    ini: "[trakt]\nwrite_interval_ms = -5\n",
    section: "trakt",
    key: "write_interval_ms",
    includes: ["whole number"],
  },
  {
    name: "write_interval_ms fraction",
    ini: "[trakt]\nwrite_interval_ms = 1.5\n",
    section: "trakt",
    key: "write_interval_ms",
    includes: ["whole number"],
  },
  {
    name: "write_interval_ms with unit",
    ini: "[trakt]\nwrite_interval_ms = 1100ms\n",
    section: "trakt",
    key: "write_interval_ms",
    includes: ["without units"],
  },
  {
    name: "access_token with spaces",
    ini: "[trakt]\naccess_token = hunter2 x\n",
    section: "trakt",
    key: "access_token",
    includes: ["contains spaces", "trakt auth"],
  },
  {
    name: "trakt key repeated",
    ini: "[trakt]\nclient_id = a1\nclient_id = hunter2\n",
    section: "trakt",
    key: "client_id",
    includes: ["set twice"],
  },
  {
    name: "trakt section repeated",
    ini: "[trakt]\nclient_id = a1\n[trakt]\n",
    section: "trakt",
    includes: ["line 3", "line 1"],
  },
  // syntax
  {
    name: "line without =",
    ini: "[trakt]\nclient_secret hunter2\n",
    section: "trakt",
    includes: ["line 2"],
  },
  {
    name: "unclosed section",
    ini: "[trakt]\n[plex:0\ntoken = hunter2\n",
    section: "trakt",
    includes: ["line 2", "`]`"],
  },
];

for (const c of CASES) {
  Deno.test(`validate: ${c.name}`, async () => {
    await withTempDir((dir) => {
      const path = writeIni(dir, c.ini);
      // Through requireTrakt, as a Trakt command loads it: credentials are checked there.
      const load = () => requireTrakt(loadConfig(path, { HOME: dir, ...c.env }, { cwd: dir }));
      expectConfigError(load, {
        file: path,
        section: c.section,
        key: c.key,
        includes: c.includes,
        excludes: ["hunter2"],
      });
    });
  });
}
