/**
 * The stored Trakt login as a TokenSource: refreshes ahead of expiry and once after a 401,
 * always through the store's cross-process lease (design §5), because refresh tokens are
 * single-use.
 */
import { AuthError } from "../errors.ts";
import { addSecret } from "../http/redact.ts";
import type { Store, StoredTokens } from "../store/store.ts";
import type { TokenSource } from "./client.ts";
import type { TokenResponse } from "./models.ts";
import { type OAuthOptions, refreshToken } from "./oauth.ts";

/** Refresh this long before expiry (pytrakt uses the same margin). */
export const REFRESH_MARGIN_MS = 10 * 60_000;

export function tokensFrom(t: TokenResponse, extra?: Partial<StoredTokens>): StoredTokens {
  addSecret(t.access_token);
  addSecret(t.refresh_token);
  return {
    accessToken: t.access_token,
    refreshToken: t.refresh_token,
    createdAt: t.created_at * 1000,
    expiresAt: (t.created_at + t.expires_in) * 1000,
    scope: t.scope,
    ...extra,
  };
}

export class StoredSession implements TokenSource {
  #store: Store;
  #oauth: OAuthOptions;
  #now: () => number;
  #signal: AbortSignal | undefined;
  #owner = `${Deno.pid}-${crypto.randomUUID()}`;
  refreshed = 0;

  /** `signal`: the run's interruption, which ends a wait for another process's renewal. */
  constructor(
    store: Store,
    oauth: OAuthOptions,
    opts: { now?: () => number; signal?: AbortSignal } = {},
  ) {
    this.#store = store;
    this.#oauth = oauth;
    this.#now = opts.now ?? Date.now;
    this.#signal = opts.signal;
  }

  async current(): Promise<StoredTokens> {
    const t = await this.#store.getTokens();
    if (!t) {
      throw new AuthError("Trakt is not connected. Run `complexionist trakt auth`");
    }
    addSecret(t.accessToken);
    addSecret(t.refreshToken);
    return t;
  }

  async accessToken(): Promise<string> {
    const t = await this.current();
    if (t.expiresAt - this.#now() > REFRESH_MARGIN_MS) return t.accessToken;
    return (await this.#refresh((c) => c.expiresAt - this.#now() <= REFRESH_MARGIN_MS))
      .accessToken;
  }

  async afterUnauthorized(rejected: string): Promise<string> {
    // Another process may already have replaced the rejected token: then just use the new one.
    return (await this.#refresh((c) => c.accessToken === rejected)).accessToken;
  }

  async #refresh(needsRefresh: (c: StoredTokens) => boolean): Promise<StoredTokens> {
    const t = await this.#store.refreshWithLease({
      owner: this.#owner,
      ...(this.#signal ? { signal: this.#signal } : {}),
      needsRefresh,
      refresh: async (c) => {
        const t = await refreshToken(this.#oauth, c.refreshToken);
        this.refreshed++;
        return tokensFrom(t, {
          ...(c.username !== undefined ? { username: c.username } : {}),
          ...(c.vip !== undefined ? { vip: c.vip } : {}),
        });
      },
    });
    // Maybe the pair another process stored meanwhile: a secret this one has not seen yet.
    addSecret(t.accessToken);
    addSecret(t.refreshToken);
    return t;
  }
}
