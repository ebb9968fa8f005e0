import assert from "node:assert/strict";
import { cloudflareRayId, describeBody, describeUnquoted } from "./errors_body.ts";
import { addSecret, redact, redactedJson } from "./redact.ts";

// The secret registry is module state: each test registers values of its own.

// ---- redact --------------------------------------------------------------------------------

Deno.test("redact() replaces a registered secret everywhere it appears", () => {
  const secret = "a1b2c3d4e5f6-access";
  addSecret(secret);
  const text = `token ${secret} and again:${secret}; json {"t":"${secret}"}`;
  const out = redact(text);
  assert.ok(!out.includes(secret));
  assert.equal(out, 'token *** and again:***; json {"t":"***"}');
});

Deno.test("redact() scrubs several registered secrets, including regex characters", () => {
  const a = "refresh+token/with.dots";
  const b = "(plex)[token]*";
  addSecret(a);
  addSecret(b);
  assert.equal(redact(`${a}|${b}|${a}`), "***|***|***");
});

Deno.test("redact() hides a secret shorter than 6 characters only where it stands alone", () => {
  addSecret("q7Z");
  addSecret("a+b");
  addSecret("");
  addSecret(undefined);
  assert.equal(redact("bad token q7Z; q7Zebra xq7Z q7Z"), "bad token ***; q7Zebra xq7Z ***");
  assert.equal(redact("X-Plex-Token:a+b. a+bc"), "X-Plex-Token:***. a+bc");
  assert.equal(redact("nothing here"), "nothing here");
});

Deno.test("redact() scrubs X-Plex-Token and OAuth query values nobody registered", () => {
  assert.equal(
    redact("GET http://10.0.0.2:32400/library/sections?X-Plex-Token=unregistered1&type=1"),
    "GET http://10.0.0.2:32400/library/sections?X-Plex-Token=***&type=1",
  );
  assert.equal(
    redact("http://plex.test/x?a=1&x-plex-token=zzzzzz9 next"),
    "http://plex.test/x?a=1&x-plex-token=*** next",
  );
  assert.equal(
    redact("https://auth.test/cb?code=abcdef123&access_token=t0k3n&refresh_token=r3fr3sh"),
    "https://auth.test/cb?code=***&access_token=***&refresh_token=***",
  );
  assert.equal(redact('"url":"http://h/?token=abc123"'), '"url":"http://h/?token=***"');
});

Deno.test("redact() scrubs Bearer tokens nobody registered", () => {
  assert.equal(
    redact("Authorization: Bearer eyJhbGciOi.JIUzI1-NiJ9_x~y+z/w= sent"),
    "Authorization: Bearer *** sent",
  );
  assert.equal(redact("bearer-less text stays"), "bearer-less text stays");
});

Deno.test("redact() scrubs token fields of JSON nobody registered, also when it is cut short", () => {
  const access = "02552b54c0ffee11223344556677889900aabbccddeeff00112233445566778899";
  const cut = `{"access_token":"${access}","token_type":"bearer","refresh_token":"r3fr3sh-v4lue"`;
  const out = redact(cut);
  assert.ok(!out.includes(access) && !out.includes("r3fr3sh-v4lue"), out);
  assert.equal(out, '{"access_token":"***","token_type":"bearer","refresh_token":"***"');
  assert.equal(
    redact('{"device_code": "d3v1c3c0d3", "user_code": "AB12CD34"}'),
    '{"device_code": "***", "user_code": "AB12CD34"}',
  );
  assert.equal(
    redact('{"authToken":"plexT0ken","accessToken":"x9y8z7w6"}'),
    '{"authToken":"***","accessToken":"***"}',
  );
  // Cut inside the value: what is left of it goes too.
  assert.equal(redact('{"access_token":"0255'), '{"access_token":"***');
  assert.equal(redact('{"token_expires_at":"2026-12-01"}'), '{"token_expires_at":"2026-12-01"}');
  // Only string values: JSON with a null or a number in such a field stays JSON.
  assert.equal(redact('{"token": null, "access_token": 5}'), '{"token": null, "access_token": 5}');
  assert.equal(redact('Last sync of "Token": ok'), 'Last sync of "Token": ok');
  assert.equal(redact('{"X-Plex-Token":"plexT0kenValue"}'), '{"X-Plex-Token":"***"}');
});

Deno.test("describeBody() never shows a token of a token answer that is not JSON", () => {
  const access = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
  const text = `{"access_token":"${access}","token_type":"bea`;
  const said = describeBody(text, "application/json");
  assert.ok(!said.includes(access.slice(0, 12)), said);
  assert.match(said, /"access_token":"\*\*\*"/);
});

Deno.test("redact() leaves ordinary text alone", () => {
  const text = "POST https://api.trakt.tv/sync/collection → 201 in 120 ms";
  assert.equal(redact(text), text);
});

// ---- describeBody --------------------------------------------------------------------------

Deno.test("describeBody() names an HTML page by its title", () => {
  const html = "<!DOCTYPE html><html><head><title> Attention Required! | Cloudflare </title>" +
    "</head><body><h1>Sorry, you have been blocked</h1></body></html>";
  assert.equal(
    describeBody(html, "text/html"),
    'an HTML page ("Attention Required! | Cloudflare")',
  );
});

Deno.test("describeBody() falls back to the h1 of an HTML page", () => {
  assert.equal(
    describeBody("<html><body><h1>502 Bad Gateway</h1></body></html>", null),
    'an HTML page ("502 Bad Gateway")',
  );
  assert.equal(describeBody("<p>no title</p>", "text/html; charset=UTF-8"), "an HTML page");
});

Deno.test("describeBody() recognises HTML by its start when the content type is missing", () => {
  assert.match(describeBody("  <!doctype html><title>x</title>", null), /^an HTML page/);
  assert.match(describeBody("<HTML><TITLE>Upper</TITLE></HTML>", null), /\("Upper"\)/);
});

Deno.test("describeBody() reads the status of an XML answer (Plex maintenance)", () => {
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<Response code="503" title="Maintenance" status="Plex Media Server is currently running ' +
    'startup maintenance tasks."/>';
  assert.equal(
    describeBody(xml, "text/xml"),
    'an XML answer ("Plex Media Server is currently running startup maintenance tasks.")',
  );
  assert.equal(describeBody('<Response code="401"/>', null), "an XML answer");
  assert.equal(
    describeBody('<Response code="503" message="Down for upgrade" title="Maintenance"/>', null),
    'an XML answer ("Down for upgrade")',
  );
  assert.equal(
    describeBody('<Response code="503" title="Maintenance"/>', null),
    'an XML answer ("Maintenance")',
  );
});

Deno.test("describeBody() says so for an empty body", () => {
  assert.equal(describeBody("", "application/json"), "an empty body");
  assert.equal(describeBody(" \n\t ", null), "an empty body");
});

Deno.test("describeBody() quotes short text and truncates long text to 120 characters", () => {
  assert.equal(describeBody('{"error":"x"}', "application/json"), '"{"error":"x"}"');
  const long = "word ".repeat(60);
  const out = describeBody(long, "text/plain");
  assert.ok(out.endsWith('…"'), out);
  // Quote + 120 characters (trimmed, whitespace collapsed) + ellipsis + quote.
  assert.ok(out.length <= 123, `${out.length}`);
  assert.equal(describeBody("a\n\n  b", null), '"a b"');
  assert.equal(describeBody("x".repeat(120), null), `"${"x".repeat(120)}"`);
});

// ---- cloudflareRayId -----------------------------------------------------------------------

Deno.test("cloudflareRayId() takes the cf-ray header of a Cloudflare answer", () => {
  const h = new Headers({ server: "cloudflare", "cf-ray": "8f2a1b3c4d5e6f70-AMS" });
  assert.equal(cloudflareRayId(h, "<html>blocked</html>"), "8f2a1b3c4d5e6f70-AMS");
});

Deno.test("cloudflareRayId() finds the Ray ID in the page when the header is missing", () => {
  const page = "<p>Sorry, you have been blocked</p>" +
    '<span>Cloudflare Ray ID: <strong class="font-semibold">8f2a1b3c4d5e6f70</strong></span>';
  assert.equal(cloudflareRayId(new Headers(), page), "8f2a1b3c4d5e6f70");
  assert.equal(
    cloudflareRayId(new Headers({ server: "cloudflare" }), "Ray ID: 0123456789abcdef"),
    "0123456789abcdef",
  );
});

Deno.test("cloudflareRayId() says unknown for a Cloudflare answer without a Ray ID", () => {
  assert.equal(cloudflareRayId(new Headers({ Server: "Cloudflare" }), ""), "unknown");
});

Deno.test("cloudflareRayId() is undefined for answers that did not come from Cloudflare", () => {
  assert.equal(
    cloudflareRayId(new Headers({ server: "nginx" }), '{"error":"forbidden"}'),
    undefined,
  );
  assert.equal(cloudflareRayId(new Headers(), ""), undefined);
});

Deno.test('redact() masks a "code" JSON field (a device code echoed back), string values only', () => {
  assert.equal(
    redact('{"error":"invalid_grant","code":"d3v1c3-c0d3-unregistered"}'),
    '{"error":"invalid_grant","code":"***"}',
  );
  assert.equal(redact('{"code": 4, "message": "x"}'), '{"code": 4, "message": "x"}');
  assert.equal(redact('{"user_code":"AB12CD34"}'), '{"user_code":"AB12CD34"}');
});

Deno.test("redact() masks name=value token fields at the start of a text (a form-encoded answer)", () => {
  assert.equal(
    redact("access_token=nAcc7Qw3Rt9Yu1Io5PzLk&refresh_token=nRef2Kd8Lm4Nb6Vc0XsJh&expires_in=7"),
    "access_token=***&refresh_token=***&expires_in=7",
  );
  assert.equal(
    redact("device_code=dCode4Rt5Yu6Io7PzQw&user_code=ABCD1234"),
    "device_code=***&user_code=ABCD1234",
  );
  assert.equal(
    redact("bad request: refresh_token=r3fr3sh-unreg client_secret=s3cr3t-unreg"),
    "bad request: refresh_token=*** client_secret=***",
  );
  assert.equal(redact("line one\ntoken=abc123def"), "line one\ntoken=***");
  // Not a field of its own: left alone.
  assert.equal(redact("my_token=abc123def"), "my_token=abc123def");
});

Deno.test("redact() masks JavaScript- and Python-style token fields", () => {
  assert.equal(
    redact("{access_token: 'nAcc7Qw3Rt9Yu1Io5PzLk', refresh_token: 'nRef2Kd8Lm4Nb6Vc0XsJh'}"),
    "{access_token: '***', refresh_token: '***'}",
  );
  assert.equal(
    redact("{'access_token': 'a1b2c3unreg', 'token_type': 'bearer'}"),
    "{'access_token': '***', 'token_type': 'bearer'}",
  );
  assert.equal(redact('{accessToken: "a1b2c3unreg"}'), '{accessToken: "***"}');
  assert.equal(redact("{'code': 'd3v1c3unreg'}"), "{'code': '***'}");
  // Prose and other keys stay as they are.
  assert.equal(
    redact("Plex refused the token: check it. token_expires_at: '2026-01-01'"),
    "Plex refused the token: check it. token_expires_at: '2026-01-01'",
  );
  assert.equal(redact("{user_code: 'AB12CD34'}"), "{user_code: 'AB12CD34'}");
});

Deno.test("describeUnquoted() gives kind, size and content type, never a byte of the body", () => {
  const form = "access_token=nAcc7Qw3Rt9Yu1Io5PzLk&refresh_token=nRef2Kd8Lm4Nb6Vc0XsJh";
  assert.equal(
    describeUnquoted(form, "application/x-www-form-urlencoded; charset=utf-8"),
    `text that is not JSON (${form.length} bytes, content type application/x-www-form-urlencoded)`,
  );
  assert.equal(describeUnquoted("", "text/plain"), "an empty body");
  assert.equal(
    describeUnquoted("<html><title>nAcc7Qw3</title></html>", null),
    "an HTML page (36 bytes, no content type)",
  );
  assert.equal(
    describeUnquoted('{"error":"invalid_grant","refresh_token":"x"}', "application/json"),
    'a JSON answer with error "invalid_grant" (45 bytes, content type application/json)',
  );
  assert.equal(
    describeUnquoted('{"error":"nAcc7Qw3Rt9Yu1Io5PzLk"}', "text/x-nAcc7Qw3 junk"),
    "a JSON answer (33 bytes, an unusual content type)",
  );
});

Deno.test("redact() also hides a secret's URL-encoded, base64 and JSON-escaped forms", () => {
  const s = 'Ab+/=Cd9"Xy\\7Wq-enc';
  addSecret(s);
  const forms = [
    s,
    encodeURIComponent(s),
    btoa(s),
    btoa(s).replace(/=+$/, ""),
    btoa(s).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_"),
    JSON.stringify(s).slice(1, -1),
  ];
  for (const form of forms) {
    assert.equal(redact(`echo ${form} end`), "echo *** end", form);
  }
  assert.equal(redact(`{"t":${JSON.stringify(s)}}`), '{"t":"***"}');
  // A secret outside Latin-1 is base64-encoded as UTF-8.
  addSecret("tökenÜnicode9");
  const utf8 = btoa(String.fromCharCode(...new TextEncoder().encode("tökenÜnicode9")));
  assert.equal(redact(`x ${utf8} y`), "x *** y");
});

Deno.test("redact() replaces the longest registered secret first", () => {
  addSecret("inner-secret-9");
  addSecret("outer-inner-secret-9-tail");
  assert.equal(redact("a outer-inner-secret-9-tail b"), "a *** b");
});

Deno.test("redactedJson() redacts string values only: keys, numbers and structure stay JSON", () => {
  addSecret("424242");
  addSecret("movies-secret");
  addSecret('q"uote\\secret');
  const value = {
    added: { movies: 424242, episodes: 3 },
    "movies-secret": "key stays",
    error: { code: 4, message: 'Plex said q"uote\\secret and 424242' },
    access_token: "an-unregistered-token",
    token_expires_at: "2026-12-01",
    list: ["movies-secret", null, true],
  };
  const text = redactedJson(value, 2);
  const back = JSON.parse(text);
  assert.deepEqual(back, {
    added: { movies: 424242, episodes: 3 },
    "movies-secret": "key stays",
    error: { code: 4, message: "Plex said *** and ***" },
    access_token: "***",
    token_expires_at: "2026-12-01",
    list: ["***", null, true],
  });
  assert.equal(redactedJson({ a: 1 }), '{"a":1}');
});
