/**
 * Trakt's OAuth calls (device flow, refresh, revoke) on the separate auth host
 * (trakt-api.md §1, §4). Non-200 device answers have empty bodies: we decide on status alone.
 */
import type { z } from "zod";
import { AuthError, RemoteError, UsageError } from "../errors.ts";
import type { HttpClient, HttpResponse } from "../http/client.ts";
import { describeUnquoted } from "../http/errors_body.ts";
import { addSecret } from "../http/redact.ts";
import type { Sleep } from "../http/sleep.ts";
import { readTokenResponse } from "./answers.ts";
import { cloudflareBlock, readTraktJson } from "./http.ts";
import type { DeviceCode, TokenResponse } from "./models.ts";

export interface OAuthOptions {
  authUrl: string;
  clientId: string;
  clientSecret: string;
  http: HttpClient;
  /**
   * For renewing the login, when it must not be cut short (Trakt rotates the refresh token as it
   * answers); `http` otherwise.
   */
  refreshHttp?: HttpClient;
}

const OOB = "urn:ietf:wg:oauth:2.0:oob";

/** How a device login ended without a token: the dashboard words each case its own way. */
export type DeviceFailure = "expired" | "denied" | "used" | "unknown-code";

export class DeviceLoginError extends AuthError {
  constructor(message: string, readonly reason: DeviceFailure) {
    super(message);
  }
}
const DEVICE_STATUSES = [400, 401, 404, 409, 410, 418, 429];

/**
 * One /oauth call, `what` naming it in messages. Cloudflare's 403 page is not Trakt's verdict,
 * whatever each call makes of a 403 (a refused client_id, a refused refresh token, an already
 * revoked one): it is reported as the block it is (trakt-api.md §11), and the login is kept.
 */
async function post(
  o: OAuthOptions,
  what: string,
  path: string,
  body: unknown,
  pass: number[] = [],
  http = o.http,
): Promise<HttpResponse> {
  const res = await http.request({
    method: "POST",
    url: o.authUrl + path,
    headers: { "trakt-api-key": o.clientId, "trakt-api-version": "2" },
    body,
    passStatuses: pass,
  });
  const blocked = res.status === 403 ? cloudflareBlock(res, what) : undefined;
  if (blocked) throw blocked;
  return res;
}

/**
 * An /oauth answer is never quoted, not even redacted: it carries tokens, and may echo the
 * refresh token, client secret or device code it was sent, in forms redact cannot all know.
 */
function unexpected(res: HttpResponse, what: string): never {
  throw new RemoteError(
    `Trakt failed ${what} (HTTP ${res.status}: ${
      describeUnquoted(res.text, res.headers.get("content-type"))
    }). Check [trakt] auth_url and try again later`,
    "trakt",
    res.status,
  );
}

/** readTraktJson, but an answer that is not JSON is described, not quoted (see `unexpected`). */
async function oauthJson<T extends z.ZodType>(
  res: HttpResponse,
  pick: (models: typeof import("./models.ts")) => T,
  what: string,
  byHand?: (data: unknown) => z.infer<T> | undefined,
): Promise<z.infer<T>> {
  try {
    JSON.parse(res.text);
  } catch {
    throw new RemoteError(
      `Trakt answered ${what} with ${
        describeUnquoted(res.text, res.headers.get("content-type"))
      } (HTTP ${res.status}). Try again later; if it persists, check https://status.trakt.tv ` +
        "and [trakt] auth_url",
      "trakt",
      res.status,
    );
  }
  return await readTraktJson(res, pick, what, byHand);
}

export async function requestDeviceCode(o: OAuthOptions): Promise<DeviceCode> {
  const res = await post(
    o,
    "starting the device login",
    "/oauth/device/code",
    { client_id: o.clientId },
    [401, 403],
  );
  if (res.status === 401 || res.status === 403) {
    throw new AuthError(
      `Trakt refused the app's client_id (HTTP ${res.status}). Check [trakt] client_id (or ` +
        "$TRAKT_CLIENT_ID, which overrides it) against https://app.trakt.tv/settings/apps",
    );
  }
  if (res.status !== 200) unexpected(res, "starting the device login");
  const code = await oauthJson(res, (m) => m.DeviceCode, "starting the device login");
  // Whoever holds it can finish the login: the CLI's `trakt auth` and the dashboard alike.
  addSecret(code.device_code);
  return code;
}

export interface PollOptions {
  sleep: Sleep;
  now: () => number;
  signal?: AbortSignal;
  onPoll?: (remainingSeconds: number) => void;
}

/** Polls until the user approves, denies, or the code expires (on Trakt's clock or ours). */
export async function pollDeviceToken(
  o: OAuthOptions,
  code: DeviceCode,
  p: PollOptions,
): Promise<TokenResponse> {
  const deadline = p.now() + code.expires_in * 1000;
  let interval = code.interval * 1000;
  const again = "Run `complexionist trakt auth` again";
  for (;;) {
    await p.sleep(interval, p.signal);
    if (p.now() > deadline) {
      throw new DeviceLoginError(
        `The code ${code.user_code} expired before it was approved. ${again}`,
        "expired",
      );
    }
    const res = await post(o, "finishing the device login", "/oauth/device/token", {
      code: code.device_code,
      client_id: o.clientId,
      client_secret: o.clientSecret,
    }, DEVICE_STATUSES);
    switch (res.status) {
      case 200:
        return await oauthJson(
          res,
          (m) => m.TokenResponse,
          "finishing the device login",
          readTokenResponse,
        );
      case 400:
        p.onPoll?.(Math.max(0, Math.round((deadline - p.now()) / 1000)));
        continue;
      case 429:
        // "Slow down": RFC 8628 adds 5 s to the interval.
        interval += 5000;
        continue;
      case 401:
        // The code is the one Trakt gave this app: what it refuses is the app's secret.
        throw new UsageError(
          "Trakt refused the app credentials while finishing the device login (HTTP 401). Check " +
            "[trakt] client_secret (and client_id) in complexionist.ini, or $TRAKT_CLIENT_SECRET " +
            "and $TRAKT_CLIENT_ID, which override them, against https://app.trakt.tv/settings/apps",
        );
      case 404:
        throw new DeviceLoginError(
          `Trakt does not know this device code (HTTP 404). ${again}`,
          "unknown-code",
        );
      case 409:
        throw new DeviceLoginError(
          `This device code was already used (HTTP 409). ${again}`,
          "used",
        );
      case 410:
        throw new DeviceLoginError(
          `The code ${code.user_code} expired (HTTP 410). ${again}`,
          "expired",
        );
      case 418:
        throw new DeviceLoginError(
          `The login was denied on Trakt (HTTP 418). ${again} and choose "Yes" to allow it`,
          "denied",
        );
      default:
        unexpected(res, "finishing the device login");
    }
  }
}

/** Spends the single-use refresh token; 400 or 401 (JSON or empty) means log in again. */
export async function refreshToken(o: OAuthOptions, refresh: string): Promise<TokenResponse> {
  const res = await post(
    o,
    "renewing the login",
    "/oauth/token",
    {
      refresh_token: refresh,
      client_id: o.clientId,
      client_secret: o.clientSecret,
      redirect_uri: OOB,
      grant_type: "refresh_token",
    },
    [400, 401, 403],
    o.refreshHttp,
  );
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    throw new AuthError(
      `Trakt refused to renew the login (HTTP ${res.status}). Run \`complexionist trakt auth\``,
    );
  }
  if (res.status !== 200) unexpected(res, "renewing the login");
  return await oauthJson(res, (m) => m.TokenResponse, "renewing the login", readTokenResponse);
}

export async function revokeToken(o: OAuthOptions, accessToken: string): Promise<void> {
  const res = await post(o, "revoking the login", "/oauth/revoke", {
    token: accessToken,
    client_id: o.clientId,
    client_secret: o.clientSecret,
  }, [400, 401, 403]);
  // An already invalid token is as good as revoked; the local copy is deleted either way.
  if (res.status >= 500) unexpected(res, "revoking the login");
}
