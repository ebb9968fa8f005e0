/**
 * Trakt's OAuth calls against scripted answers: what their errors say, and that nothing secret
 * they send or receive can reach a message.
 */
import assert from "node:assert/strict";
import { HttpClient } from "../http/client.ts";
import { redact } from "../http/redact.ts";
import { type OAuthOptions, requestDeviceCode } from "./oauth.ts";

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
