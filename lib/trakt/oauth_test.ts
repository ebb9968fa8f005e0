/**
 * Trakt's OAuth calls against scripted answers: what their errors say, and that nothing secret
 * they send or receive can reach a message.
 */
import assert from "node:assert/strict";
import { HttpClient } from "../http/client.ts";
import { redact } from "../http/redact.ts";
import { RemoteError } from "../errors.ts";
import { caught } from "../../tests/helpers/caught.ts";
import { type OAuthOptions, refreshToken, requestDeviceCode, revokeToken } from "./oauth.ts";

const AUTH = "http://auth.test";

/** OAuth options whose every request is answered by `answer` (no retries, no waiting). */
function scripted(answer: (req: Request, body: string) => Response): OAuthOptions {
  const http = new HttpClient({
    service: "trakt",
    label: "Trakt",
    baseHeaders: { "Content-Type": "application/json" },
    timeoutMs: 5_000,
    retries: 0,
    backoffMs: 0,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const req = new Request(input, init);
      return answer(req, await req.text());
    }) as typeof fetch,
    sleep: () => Promise.resolve(),
  });
  return { authUrl: AUTH, clientId: "client-id-1", clientSecret: "client-secret-oauth-test", http };
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json" },
  });
}

Deno.test("requestDeviceCode() registers the device code as a secret, for the CLI and the dashboard alike", async () => {
  const deviceCode = "devCodeOauthTest4Rt5Yu6Io7PzQw";
  const oauth = scripted(() =>
    json(200, {
      device_code: deviceCode,
      user_code: "AB12CD34",
      verification_url: "https://trakt.tv/activate",
      expires_in: 600,
      interval: 5,
    })
  );
  const code = await requestDeviceCode(oauth);
  assert.equal(code.device_code, deviceCode);
  assert.equal(redact(`unknown device code ${deviceCode}`), "unknown device code ***");
});

const ACCESS = "oauthTestAcc7Qw3Rt9Yu1Io5PzLk";
const REFRESH = "oauthTestRef2Kd8Lm4Nb6Vc0XsJh";

Deno.test("refreshToken(): a token answer that is not JSON is described, never quoted", async () => {
  const answers: [string, string | null][] = [
    [
      `access_token=${ACCESS}&refresh_token=${REFRESH}&expires_in=7776000`,
      "application/x-www-form-urlencoded",
    ],
    [`{access_token: '${ACCESS}', refresh_token: '${REFRESH}'}`, null],
    [`<html><title>${ACCESS}</title></html>`, "text/html"],
    [`ok ${ACCESS.slice(3, 20)} ${REFRESH.slice(5, 22)}`, "text/plain"],
  ];
  for (const [body, type] of answers) {
    const oauth = scripted(() =>
      new Response(body, { status: 200, headers: type ? { "content-type": type } : {} })
    );
    const err = await caught(refreshToken(oauth, "old-refresh-token-0123"), RemoteError);
    const bytes = new TextEncoder().encode(body).length;
    assert.match(err.message, new RegExp(`with (an? |text)[^(]*\\(${bytes} bytes, `), err.message);
    assert.match(err.message, /\(HTTP 200\)\. Try again later/);
    for (const piece of [ACCESS.slice(3, 13), REFRESH.slice(5, 15), "title"]) {
      assert.ok(!err.message.includes(piece), err.message);
    }
  }
});

Deno.test("OAuth error answers are described, never quoted (they may echo what was sent)", async () => {
  const echo = scripted((_req, body) =>
    new Response(`could not process ${body.replaceAll('"', "")}`, {
      status: 500,
      headers: { "content-type": "text/plain" },
    })
  );
  const err = await caught(refreshToken(echo, "echoedRefreshTok3nXyZ"), RemoteError);
  assert.match(
    err.message,
    /^Trakt failed renewing the login \(HTTP 500: text that is not JSON \(\d+ bytes, content type text\/plain\)\)/,
  );
  assert.ok(!err.message.includes("echoedRefreshTok3nXyZ") && !err.message.includes("process"));
  const revoke = await caught(revokeToken(echo, "echoedAccessTok3nXyZ"), RemoteError);
  assert.ok(!revoke.message.includes("echoedAccessTok3nXyZ"), revoke.message);
});
