/** `complexionist trakt logout`: revoke at Trakt, then forget the tokens locally. */
import { disconnect } from "../app/connect.ts";
import { createContext, type GlobalFlags, traktParts } from "./context.ts";

export async function logoutCommand(flags: GlobalFlags): Promise<void> {
  const ctx = createContext(flags);
  const t = await traktParts(ctx);
  try {
    const tokens = await disconnect(t);
    if (!tokens) {
      ctx.out.info("Trakt is not connected; nothing to do.");
      return;
    }
    ctx.out.success(
      `Disconnected from Trakt${tokens.username ? ` (${tokens.username})` : ""}. ` +
        "Run `complexionist trakt auth` to connect again",
    );
  } finally {
    t.store.close();
  }
}
