import assert from "node:assert/strict";

/** Awaits a rejection of the given class and returns the error for further checks. */
export async function caught<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${err}`);
    return err;
  }
  return assert.fail(`expected ${type.name}, got no error`);
}
