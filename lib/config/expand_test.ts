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
  for (const raw of ["${NOPE_TOKEN}", "$NOPE_TOKEN", "pre-${NOPE_TOKEN}-post"]) {
    expectConfigError(() => expandVariables(raw, env, W), {
      file: W.file,
      section: "plex:1",
      key: "token",
      includes: ["NOPE_TOKEN", "line 7", "Set NOPE_TOKEN or edit the value."],
    });
  }
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
