/**
 * Connecting to and disconnecting from Trakt, as both front ends do it: the CLI's `trakt auth`
 * and `trakt logout`, and the dashboard's Connect and Disconnect buttons.
 */
import { BusyError, InterruptedError } from "../errors.ts";
import type { StoredTokens } from "../store/store.ts";
import type { TokenResponse } from "../trakt/models.ts";
import { revokeToken } from "../trakt/oauth.ts";
import { tokensFrom } from "../trakt/session.ts";
import type { TraktParts } from "../cli/context.ts";

/** Stores a fresh login, then asks Trakt who it is, so status can show the name offline. */
export async function completeLogin(
  t: TraktParts,
  token: TokenResponse,
): Promise<{ username: string; vip: boolean }> {
  await t.store.saveTokens(tokensFrom(token));
  const settings = await t.client.settings();
  const current = await t.session.current();
  const vip = settings.user.vip === true;
  await t.store.saveTokens({ ...current, username: settings.user.username, vip });
  return { username: settings.user.username, vip };
}

/**
 * Revokes the token at Trakt and forgets it here; undefined when nothing was stored. The local
 * copy goes even when Trakt cannot be reached (`revokeError` says so): the user asked. Not when
 * the revoke was interrupted (Ctrl-C, SIGTERM, the dashboard shutting down): then nothing
 * changes, and running it again completes it. While a sync runs (the timer's, say) it refuses:
 * that sync would die half-way with exit 3. It holds the sync lock itself until it is done, so
 * no sync starts half-way through it either. `who` names it to a sync refused meanwhile.
 */
export async function disconnect(
  t: TraktParts,
  who: string,
): Promise<{ tokens: StoredTokens; revokeError?: unknown } | undefined> {
  const tokens = await t.store.getTokens();
  if (!tokens) return undefined;
  const lock = await t.store.acquireSyncLock(`${DISCONNECTING}${who}`);
  if ("busy" in lock) {
    throw new BusyError(
      `A sync is running (${lock.busy.owner}); disconnecting now would stop it half-way. Wait ` +
        "for it to finish, then disconnect",
    );
  }
  try {
    let revokeError: unknown;
    try {
      await revokeToken(t.oauth, tokens.accessToken);
    } catch (err) {
      // An interrupted logout changes nothing: the login stays, at Trakt and here, to be undone
      // by running it again (forgetting it here would leave a live token at Trakt nobody holds).
      if (err instanceof InterruptedError) throw err;
      revokeError = err;
    }
    await t.store.deleteTokens();
    return revokeError === undefined ? { tokens } : { tokens, revokeError };
  } finally {
    await lock.release();
  }
}

/** How a disconnect names itself as the sync lock's holder (`disconnectBy` tells it apart). */
const DISCONNECTING = "disconnecting from Trakt: ";

/** Who is disconnecting, when the sync lock's holder is a disconnect rather than a sync. */
export function disconnectBy(owner: string): string | undefined {
  return owner.startsWith(DISCONNECTING) ? owner.slice(DISCONNECTING.length) : undefined;
}
