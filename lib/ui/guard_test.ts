import assert from "node:assert/strict";
import { checkRequest, newKey, sameKey } from "./guard.ts";

const key = "0123456789abcdef0123456789abcdef";
const port = 4711;
const base = `http://127.0.0.1:${port}`;

function req(
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Request {
  return new Request(base + path, {
    method,
    headers: { host: `127.0.0.1:${port}`, ...headers },
  });
}

Deno.test("guard: the page's own requests pass, by query key or header key", () => {
  assert.deepEqual(checkRequest(req(`/?key=${key}`), { key, port }), { ok: true });
  assert.deepEqual(
    checkRequest(req("/api/status", { "x-complexionist-key": key }), { key, port }),
    { ok: true },
  );
  assert.deepEqual(
    checkRequest(
      req("/api/jobs", { "x-complexionist-key": key, origin: base }, "POST"),
      { key, port },
    ),
    { ok: true },
  );
  assert.deepEqual(
    checkRequest(
      req(`/?key=${key}`, { host: `localhost:${port}`, "sec-fetch-site": "none" }),
      { key, port },
    ),
    { ok: true },
  );
});

Deno.test("guard: refuses a missing or wrong key, a foreign Host, a foreign Origin", () => {
  const cases: [string, Request, RegExp][] = [
    ["no key", req("/api/status"), /key/],
    ["wrong key", req(`/?key=${key.slice(0, -1)}0`), /key/],
    ["longer key", req(`/?key=${key}0`), /key/],
    ["rebinding Host", req(`/?key=${key}`, { host: `evil.example:${port}` }), /Host/],
    ["other port", req(`/?key=${key}`, { host: `127.0.0.1:${port + 1}` }), /Host/],
    [
      "foreign Origin",
      req("/api/status", { "x-complexionist-key": key, origin: "http://evil.example" }),
      /cross-site/,
    ],
    [
      "cross-site fetch",
      req("/api/status", { "x-complexionist-key": key, "sec-fetch-site": "cross-site" }),
      /cross-site/,
    ],
    [
      "POST without Origin",
      req("/api/disconnect", { "x-complexionist-key": key }, "POST"),
      /Origin/,
    ],
  ];
  for (const [name, r, reason] of cases) {
    const v = checkRequest(r, { key, port });
    assert.equal(v.ok, false, name);
    if (!v.ok) {
      assert.equal(v.status, 403, name);
      assert.match(v.reason, reason, name);
      assert.ok(!v.reason.includes(key), `${name}: the reason never echoes the key`);
    }
  }
});

Deno.test("guard: keys are fresh and compared exactly", () => {
  const a = newKey();
  const b = newKey();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, b);
  assert.ok(sameKey(a, a));
  assert.ok(!sameKey("", a));
  assert.ok(!sameKey(a.toUpperCase(), a));
});

Deno.test("guard: on port 80 the browser's Host and Origin carry no port", () => {
  const r = new Request("http://127.0.0.1/api/jobs", {
    method: "POST",
    headers: { host: "127.0.0.1", origin: "http://127.0.0.1", "x-complexionist-key": key },
  });
  assert.deepEqual(checkRequest(r, { key, port: 80 }), { ok: true });
  assert.equal(checkRequest(r, { key, port: 8080 }).ok, false);
});
