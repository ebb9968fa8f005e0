/**
 * Random INI-ish text: loadConfig must either return a sane Config or throw a ConfigError,
 * never anything else, and a secret value must never appear in the message. Seeded, so a
 * failure names the seed that reproduces it.
 */

import assert from "node:assert/strict";
import { isAbsolute } from "node:path";
import { ConfigError } from "../errors.ts";
import { SERVER_KEYS, TRAKT_KEYS } from "./keys.ts";
import { loadConfig } from "./load.ts";
import { withTempDir, writeIni } from "./test_util.ts";
import { mulberry32 } from "../../tests/helpers/prng.ts";

const SECTIONS = [
  "[plex:0]",
  "[plex:1]",
  "[plex:01]",
  "[plex]",
  "[PLEX:2]",
  "[trakt]",
  "[tmdb]",
  "[options]",
  "[plex:x]",
  "[plex:0",
  "[]",
  "[trakt] ; c",
  "[a.b]",
  "[__proto__]",
  "[trakt]x",
];
const KEYS = [
  ...SERVER_KEYS,
  ...TRAKT_KEYS,
  "api_key",
  "constructor",
  "__proto__",
  "URL",
  "",
];
const PIECES = [
  "http://",
  "https://",
  "localhost",
  ":32400",
  "/",
  "?",
  "#",
  ";",
  "=",
  "$",
  "${",
  "}",
  "$HOME",
  "${DEFINED}",
  "${UNDEFINED}",
  "$$",
  "~",
  '"',
  "'",
  " ",
  "\t",
  "é",
  "\u0000",
  "100",
  "-1",
  "1.5",
  "true",
  "no",
  "your_token",
  "api.trakt.tv",
  "[",
  "]",
  ":",
  "\\",
  "%",
];
const SECRET_PIECES = ["a", "B", "7", "-", "_", " ", "é", "#", ";", '"', "your_", ""];
const SECRET_KEYS = new Set(["token", "client_secret", "access_token", "refresh_token"]);

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)] as T;
}

function value(rand: () => number, key: string): string {
  const parts: string[] = [];
  const n = Math.floor(rand() * 5);
  if (SECRET_KEYS.has(key)) {
    for (let i = 0; i < n; i++) parts.push(pick(rand, SECRET_PIECES));
    parts.splice(Math.floor(rand() * (n + 1)), 0, "hunter2");
  } else {
    for (let i = 0; i < n; i++) parts.push(pick(rand, PIECES));
  }
  return parts.join("");
}

const TEMPLATE = [
  "[plex:0]",
  "name = Main",
  "url = http://localhost:32400",
  "token = abc",
  "verify_tls = true",
  "[plex:1]",
  "url = https://nas:32400/",
  "token = ${DEFINED}",
  "[trakt]",
  "client_id = id",
  "client_secret = sec",
  "api_url = http://127.0.0.1:9",
  "write_interval_ms = 5",
  "access_token = acc",
  "token_expires = 1767225600",
];

function randomLine(rand: () => number): string {
  const r = rand();
  if (r < 0.2) return pick(rand, SECTIONS);
  if (r < 0.3) return pick(rand, ["", "; c", "# c", "   ", "garbage", "key: v"]);
  const key = pick(rand, KEYS);
  const sep = pick(rand, [" = ", "=", " =", "= ", " : "]);
  return pick(rand, ["", "  "]) + key + sep + value(rand, key);
}

/** Half the time pure noise; otherwise a valid file with a few lines changed, so that the
 * validation behind the syntax checks is reached too. */
function document(rand: () => number): string {
  const lines: string[] = [];
  if (rand() < 0.5) {
    const count = Math.floor(rand() * 14);
    for (let i = 0; i < count; i++) lines.push(randomLine(rand));
  } else {
    lines.push(...TEMPLATE);
    const edits = 1 + Math.floor(rand() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rand() * lines.length);
      const r = rand();
      const line = lines[at] ?? "";
      const key = line.split("=")[0]?.trim() ?? "";
      if (r < 0.5 && line.includes("=")) lines[at] = `${key} = ${value(rand, key)}`;
      else if (r < 0.8) lines.splice(at, 0, randomLine(rand));
      else lines.splice(at, 1);
    }
  }
  return lines.join(pick(rand, ["\n", "\r\n", "\r"]));
}

Deno.test("fuzz: loadConfig returns a sane Config or throws ConfigError", async () => {
  const base = Number(Deno.env.get("FUZZ_SEED") ?? 20260731);
  const env = { HOME: "/home/fuzz", DEFINED: "value" };
  let loaded = 0;
  let refused = 0;
  await withTempDir((dir) => {
    for (let i = 0; i < 600; i++) {
      const seed = base + i;
      const text = document(mulberry32(seed));
      const path = writeIni(dir, text);
      try {
        const config = loadConfig(path, env, { cwd: dir });
        loaded++;
        const indexes = config.servers.map((s) => s.index);
        assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b), `seed ${seed}`);
        for (const url of [...config.servers.map((s) => s.url), config.trakt.apiUrl]) {
          assert.match(url, /^https?:\/\/[^/]/, `seed ${seed}`);
          assert.ok(!url.endsWith("/"), `seed ${seed}: ${url}`);
        }
        assert.ok(config.trakt.writeIntervalMs >= 0, `seed ${seed}`);
        assert.ok(isAbsolute(config.storePath), `seed ${seed}`);
      } catch (err) {
        if (!(err instanceof ConfigError)) {
          throw new Error(`seed ${seed}: not a ConfigError for ${JSON.stringify(text)}`, {
            cause: err,
          });
        }
        refused++;
        assert.ok(!err.message.includes("hunter2"), `seed ${seed}: secret in ${err.message}`);
      }
    }
  });
  // The generator must exercise both outcomes, or this test proves nothing.
  console.log(`loaded ${loaded}, refused ${refused}`);
  assert.ok(loaded > 20 && refused > 20, `loaded ${loaded}, refused ${refused}`);
});
