/** `complexionist trakt logout`: revoke at Trakt, then forget the tokens locally. */
import { revokeToken } from "../trakt/oauth.ts";
import { createContext, type GlobalFlags, traktParts } from "./context.ts";

export async function logoutCommand(flags: GlobalFlags): Promise<void> {
  const ctx = createContext(flags);
  const t = await traktParts(ctx);
  try {
    const tokens = await t.store.getTokens();
    if (!tokens) {
      ctx.out.info("Trakt is not connected; nothing to do.");
      return;
    }
    try {
      await revokeToken(t.oauth, tokens.accessToken);
    } finally {
      // Forget the token locally even when Trakt cannot be reached: the user asked to disconnect.
      await t.store.deleteTokens();
    }
    ctx.out.success(
      `Disconnected from Trakt${tokens.username ? ` (${tokens.username})` : ""}. ` +
        "Run `complexionist trakt auth` to connect again",
    );
  } finally {
    t.store.close();
  }
}
