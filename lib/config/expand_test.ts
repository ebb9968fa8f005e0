import assert from "node:assert/strict";
import { expandVariables, type Where } from "./expand.ts";
import { expectConfigError } from "./test_util.ts";

const W: Where = { file: "/x/complexionist.ini", section: "plex:1", key: "token", line: 7 };
const env = { PLEX_TOKEN_4K: "tok4k", HOST: "nas", EMPTY: "" };

Deno.test("expand: ${VAR} and $VAR, alone and inside text", () => {
  assert.deepEqual(expandVariables("${PLEX_TOKEN_4K}", env, W), {
    value: "tok4k",
    variables: ["PLEX_TOKEN_4K"],
  });
  assert.equal(expandVariables("$PLEX_TOKEN_4K", env, W).value, "tok4k");
  assert.equal(
    expandVariables("http://$HOST:32400/${HOST}x", env, W).value,
    "http://nas:32400/nasx",
  );
  assert.equal(expandVariables("a${EMPTY}b", env, W).value, "ab");
});

Deno.test("expand: $$ is a literal $, a lone $ stays", () => {
  assert.equal(expandVariables("$$HOST", env, W).value, "$HOST");
  assert.equal(expandVariables("cost $5 and $ and end$", env, W).value, "cost $5 and $ and end$");
  assert.deepEqual(expandVariables("plain", env, W).variables, []);
});

Deno.test("expand: an unset variable names section, key, variable and the fix", () => {
  const cases: [string, Where][] = [
    ["${NOPE_TOKEN}", W],
    ["$NOPE_TOKEN", { ...W, key: "url" }],
    ["pre-${NOPE_TOKEN}-post", W],
  ];
  for (const [raw, where] of cases) {
    expectConfigError(() => expandVariables(raw, env, where), {
      file: W.file,
      section: "plex:1",
      key: where.key,
      includes: ["NOPE_TOKEN", "line 7", "Set NOPE_TOKEN or edit the value."],
    });
  }
});

Deno.test("expand: a `$name` inside a secret is not repeated (it may be the rest of the secret); $$ is suggested", () => {
  for (const key of ["token", "client_secret", "access_token", "refresh_token"]) {
    expectConfigError(
      () => expandVariables("abc$pLxTok3nQw7Er9Ty", env, { ...W, key, section: "trakt" }),
      {
        key,
        includes: [
          "uses an environment variable that is not set",
          "not repeated here",
          "Write $$ for a $ that is part of the value itself",
          "line 7",
        ],
        excludes: ["pLxTok3nQw7Er9Ty", "abc"],
      },
    );
  }
  // Braces say it is a variable: then it is named, as for any key.
  expectConfigError(() => expandVariables("ab${pLxTok3n}", env, W), {
    includes: ["pLxTok3n, which is not set"],
  });
  assert.equal(expandVariables("abc$$pLxTok3n", env, W).value, "abc$pLxTok3n");
});

Deno.test("expand: an unclosed ${ or a bad name is an error without the value", () => {
  expectConfigError(() => expandVariables("hunter2${HOST", env, W), {
    key: "token",
    includes: ["without a closing `}`"],
    excludes: ["hunter2"],
  });
  expectConfigError(() => expandVariables("${hunter 2}", env, W), {
    key: "token",
    includes: ["not a variable name"],
    excludes: ["hunter"],
  });
});

Deno.test("expand: values from the environment say so", () => {
  expectConfigError(
    () => expandVariables("$NOPE", env, { ...W, line: undefined, fromEnv: "TRAKT_API_URL" }),
    { includes: ["from $TRAKT_API_URL"] },
  );
});
