import assert from "node:assert/strict";
import { formatCount as n } from "./progress.ts";

Deno.test("progress counts are written as toLocaleString('en-US') writes them", () => {
  const values = [0, 1, -1, 12, 999, 1000, -1000, 9999, 10000, 110000, 999999, 1000000, 1234567];
  for (let x = 1; x < Number.MAX_SAFE_INTEGER / 7; x = x * 7 + 3) values.push(x, -x);
  values.push(Number.MAX_SAFE_INTEGER, 1.5, 1234.5678, NaN, Infinity, 2 ** 60);
  for (const x of values) assert.equal(n(x), x.toLocaleString("en-US"), String(x));
});
