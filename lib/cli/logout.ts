/** `complexionist trakt logout`: revoke at Trakt, then forget the tokens locally. */
import { disconnect } from "../app/connect.ts";
import { createContext, type GlobalFlags, traktParts } from "./context.ts";
import { withInterrupt } from "./signals.ts";

export async function logoutCommand(flags: GlobalFlags): Promise<void> {
  const ctx = createContext(flags);
  await withInterrupt((signal) => logout(ctx, signal));
}

async function logout(ctx: ReturnType<typeof createContext>, signal: AbortSignal): Promise<void> {
  const t = await traktParts(ctx, signal);
  try {
    const done = await disconnect(t, `\`complexionist trakt logout\` (pid ${Deno.pid})`);
    if (!done) {
      ctx.out.info("Trakt is not connected; nothing to do.");
      return;
    }
    // Forgotten here either way; Trakt not hearing of it is still an error worth the exit code.
    if (done.revokeError !== undefined) throw done.revokeError;
    const tokens = done.tokens;
    ctx.out.success(
      `Disconnected from Trakt${tokens.username ? ` (${tokens.username})` : ""}. ` +
        "Run `complexionist trakt auth` to connect again",
    );
  } finally {
    t.store.close();
  }
}
