/** `complexionist trakt auth`: the device-code login. */
import { sleep } from "../http/sleep.ts";
import { pollDeviceToken, requestDeviceCode } from "../trakt/oauth.ts";
import { completeLogin } from "../app/connect.ts";
import { createContext, type GlobalFlags, traktParts } from "./context.ts";
import { withInterrupt } from "./signals.ts";

export async function authCommand(flags: GlobalFlags): Promise<void> {
  const ctx = createContext(flags);
  await withInterrupt(async (signal) => {
    const t = await traktParts(ctx, signal);
    try {
      // A new login replaces the stored one once approved: say so before, not after.
      const stored = await t.store.getTokens();
      if (stored) {
        ctx.out.info(
          `Already connected${stored.username ? ` as ${stored.username}` : ""}: approving the ` +
            "code below replaces that login (Ctrl-C keeps it)",
        );
      }
      const code = await requestDeviceCode(t.oauth);
      const link = `${code.verification_url.replace(/\/$/, "")}/${code.user_code}`;
      // The code is the one thing the user must see, even with --quiet.
      ctx.out.success(`To connect complexionist to Trakt, open ${code.verification_url}`);
      ctx.out.success(`and enter the code ${code.user_code}  (or open ${link})`);
      ctx.out.info(
        `Waiting for approval (the code expires in ${Math.round(code.expires_in / 60)} min)…`,
      );
      const token = await pollDeviceToken(t.oauth, code, {
        sleep,
        now: Date.now,
        signal,
        onPoll: (left) => ctx.out.progress(`Waiting for approval… ${left} s left`),
      });
      const user = await completeLogin(t, token);
      ctx.out.progress("", false);
      ctx.out.success(
        `Connected to Trakt as ${user.username}${user.vip ? " (VIP)" : ""}. ` +
          "Next: `complexionist trakt sync --dry-run`",
      );
    } finally {
      t.store.close();
    }
  });
}
