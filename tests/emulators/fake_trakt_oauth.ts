/**
 * The fake Trakt's OAuth side (§4): device codes and their polling state machine, access and
 * single-use rotating refresh tokens, revocation. Responses follow Trakt's habit of answering
 * device-flow refusals with a status code and no body.
 */

import {
  emptyResponse,
  isRecord,
  type JsonRecord,
  jsonResponse,
  stringOf,
} from "./fake_trakt_http.ts";

/** The token object of §4.4, as `/oauth/device/token` and `/oauth/token` return it. */
export interface TokenObject {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token: string;
  scope: "public";
  /** Unix epoch seconds. */
  created_at: number;
}

/** "manual": pending until someone decides on the activation page (or `decideDevice`). */
export type DeviceOutcome = "approve" | "deny" | "expire" | "manual";
export type RefreshFailure = "json400" | "empty400" | "json401";

export interface AuthSettings {
  clientId: string;
  clientSecret: string;
  tokenExpiresIn: number;
  deviceOutcome: DeviceOutcome;
  approveAfterPolls: number;
  deviceInterval: number;
  deviceExpiresIn: number;
  refreshFailure: RefreshFailure;
  /** Point verification_url at the fake's own /activate page instead of trakt.tv. */
  activationPage: boolean;
}

type DeviceState = "pending" | "consumed" | "denied" | "expired";

interface DeviceCode {
  state: DeviceState;
  userCode: string;
  /** What the user chose on the activation page (manual outcome only). */
  decision?: "approve" | "deny";
  /** `performance.now()` deadline. */
  expiresAt: number;
  polls: number;
  lastPollAt: number | null;
}

/** Timer slack so a client that sleeps exactly `interval` is never told to slow down. */
const POLL_SLACK_MS = 5;
const OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob";

function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}

function oauthError(status: number, error: string, description: string): Response {
  return jsonResponse(status, { error, error_description: description });
}

export class FakeTraktAuth {
  readonly #settings: AuthSettings;
  readonly #devices = new Map<string, DeviceCode>();
  /** Live access tokens → expiry in epoch seconds; rotated or revoked tokens are deleted. */
  readonly #access = new Map<string, number>();
  /** Live refresh tokens → the access token issued with them. Spent ones are deleted. */
  readonly #refresh = new Map<string, string>();
  #refreshCount = 0;
  #successfulRefreshes = 0;
  #refusedRefreshes = 0;

  constructor(settings: AuthSettings) {
    this.#settings = settings;
  }

  get refreshCount(): number {
    return this.#refreshCount;
  }
  get successfulRefreshes(): number {
    return this.#successfulRefreshes;
  }
  get refusedRefreshes(): number {
    return this.#refusedRefreshes;
  }

  issueTokens(opts: { expiresIn?: number; createdAt?: number } = {}): TokenObject {
    const token: TokenObject = {
      access_token: randomHex(32),
      token_type: "bearer",
      expires_in: opts.expiresIn ?? this.#settings.tokenExpiresIn,
      refresh_token: randomHex(32),
      scope: "public",
      created_at: opts.createdAt ?? Math.floor(Date.now() / 1000),
    };
    this.#access.set(token.access_token, token.created_at + token.expires_in);
    this.#refresh.set(token.refresh_token, token.access_token);
    return token;
  }

  /** Known, not revoked, not rotated away and not past `created_at + expires_in`. */
  isValidAccessToken(token: string): boolean {
    const expiresAt = this.#access.get(token);
    return expiresAt !== undefined && Date.now() / 1000 < expiresAt;
  }

  /** Test hook: every access token issued so far stops working; refresh tokens still do. */
  expireAccessTokens(): void {
    for (const token of this.#access.keys()) this.#access.set(token, 0);
  }

  #clientMatches(body: JsonRecord, withSecret: boolean): boolean {
    return body.client_id === this.#settings.clientId &&
      (!withSecret || body.client_secret === this.#settings.clientSecret);
  }

  deviceCode(body: unknown, host?: string): Response {
    if (!isRecord(body) || !this.#clientMatches(body, false)) return emptyResponse(401);
    const deviceCode = randomHex(32);
    const userCode = randomHex(4).toUpperCase();
    this.#devices.set(deviceCode, {
      userCode,
      state: "pending",
      expiresAt: performance.now() + this.#settings.deviceExpiresIn * 1000,
      polls: 0,
      lastPollAt: null,
    });
    return jsonResponse(200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_url: this.#settings.activationPage && host
        ? `http://${host}/activate`
        : "https://trakt.tv/activate",
      expires_in: this.#settings.deviceExpiresIn,
      interval: this.#settings.deviceInterval,
    });
  }

  /**
   * Polling (§4.2/4.3): the first `approveAfterPolls` polls are pending (400); the next one plays
   * the configured outcome. Polls closer than `interval` get 429 and neither count nor move the
   * clock. Every non-200 answer has an empty body, as on the real API.
   */
  deviceToken(body: unknown): Response {
    if (!isRecord(body) || !this.#clientMatches(body, true)) return emptyResponse(401);
    const device = this.#devices.get(stringOf(body.code) ?? "");
    if (!device) return emptyResponse(404);
    const now = performance.now();
    if (device.state === "consumed") return emptyResponse(409);
    if (device.state === "denied") return emptyResponse(418);
    if (device.state === "expired" || now >= device.expiresAt) {
      device.state = "expired";
      return emptyResponse(410);
    }
    const intervalMs = this.#settings.deviceInterval * 1000;
    if (device.lastPollAt !== null && now - device.lastPollAt < intervalMs - POLL_SLACK_MS) {
      return emptyResponse(429);
    }
    device.lastPollAt = now;
    device.polls++;
    if (this.#settings.deviceOutcome === "manual") {
      if (device.decision === "approve") {
        device.state = "consumed";
        return jsonResponse(200, this.issueTokens());
      }
      if (device.decision === "deny") {
        device.state = "denied";
        return emptyResponse(418);
      }
      return emptyResponse(400);
    }
    if (device.polls <= this.#settings.approveAfterPolls) return emptyResponse(400);
    switch (this.#settings.deviceOutcome) {
      case "approve":
        device.state = "consumed";
        return jsonResponse(200, this.issueTokens());
      case "deny":
        device.state = "denied";
        return emptyResponse(418);
      case "expire":
        // Stands in for the user never acting: the code runs out as if `expires_in` had passed.
        device.state = "expired";
        return emptyResponse(410);
    }
  }

  /** The activation page's answer: false when no pending code has this user code. */
  decideDevice(userCode: string, decision: "approve" | "deny"): boolean {
    for (const device of this.#devices.values()) {
      if (device.userCode === userCode.toUpperCase() && device.state === "pending") {
        device.decision = decision;
        return true;
      }
    }
    return false;
  }

  /** `POST /oauth/token` with `grant_type: refresh_token`: rotate, or refuse per the knob. */
  refresh(body: unknown): Response {
    this.#refreshCount++;
    const response = this.#refreshAnswer(body);
    if (response.status === 200) this.#successfulRefreshes++;
    else this.#refusedRefreshes++;
    return response;
  }

  #refreshAnswer(body: unknown): Response {
    if (!isRecord(body)) return oauthError(400, "invalid_request", "Body must be a JSON object");
    if (body.grant_type !== "refresh_token") {
      return oauthError(400, "unsupported_grant_type", "Only refresh_token is supported here");
    }
    if (!this.#clientMatches(body, true)) {
      return oauthError(401, "invalid_client", "Client authentication failed");
    }
    if (body.redirect_uri !== OOB_REDIRECT) {
      return oauthError(400, "invalid_request", `redirect_uri must be ${OOB_REDIRECT}`);
    }
    const refreshToken = stringOf(body.refresh_token) ?? "";
    const oldAccess = this.#refresh.get(refreshToken);
    if (oldAccess === undefined) return this.#refusedGrant();
    // Single use: the old pair dies with this refresh (we chose to invalidate the access token).
    this.#refresh.delete(refreshToken);
    this.#access.delete(oldAccess);
    return jsonResponse(200, this.issueTokens());
  }

  #refusedGrant(): Response {
    const description = "The provided authorization grant is invalid, expired, revoked, does " +
      "not match the redirection URI used in the authorization request, or was issued to another client.";
    switch (this.#settings.refreshFailure) {
      case "json400":
        return oauthError(400, "invalid_grant", description);
      case "empty400":
        return emptyResponse(400);
      case "json401":
        return jsonResponse(401, { error: "invalid_grant", error_description: description }, {
          "www-authenticate": 'Bearer realm="Doorkeeper", error="invalid_grant"',
        });
    }
  }

  /** `POST /oauth/revoke`: kills the pair the token belongs to; unknown tokens are fine (RFC 7009). */
  revoke(body: unknown): Response {
    const token = isRecord(body) ? stringOf(body.token) ?? "" : "";
    for (const [refresh, access] of this.#refresh) {
      if (refresh !== token && access !== token) continue;
      this.#refresh.delete(refresh);
      this.#access.delete(access);
    }
    this.#access.delete(token);
    return jsonResponse(200, {});
  }
}
