/** Helpers shared by the lib/config tests (not a test file itself). */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";

export async function withTempDir<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "complexionist-config-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

export function writeIni(dir: string, text: string, name = "complexionist.ini"): string {
  const path = join(dir, name);
  Deno.writeTextFileSync(path, text);
  return path;
}

export interface ExpectedError {
  file?: string;
  section?: string;
  key?: string;
  /** Substrings the message must contain. */
  includes?: string[];
  /** Substrings the message must not contain (secrets). */
  excludes?: string[];
}

/** Runs fn, asserts it throws a ConfigError matching `expected`, and returns it. */
export function expectConfigError(fn: () => unknown, expected: ExpectedError): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  const msg = caught.message;
  if (expected.file !== undefined) {
    assert.equal(caught.file, expected.file);
    assert.ok(msg.includes(expected.file), `message should name the file: ${msg}`);
  }
  if (expected.section !== undefined) {
    assert.equal(caught.section, expected.section);
    assert.ok(msg.includes(`[${expected.section}]`), `message should name the section: ${msg}`);
  }
  if (expected.key !== undefined) {
    assert.equal(caught.key, expected.key);
    assert.ok(msg.includes(` ${expected.key}:`), `message should name the key: ${msg}`);
  }
  for (const s of expected.includes ?? []) {
    assert.ok(msg.includes(s), `message should contain ${JSON.stringify(s)}: ${msg}`);
  }
  for (const s of expected.excludes ?? []) {
    assert.ok(!msg.includes(s), `message must not contain ${JSON.stringify(s)}: ${msg}`);
  }
  assert.match(msg, /\.\s*$/, `message should end with the fix, as a sentence: ${msg}`);
  return caught;
}
