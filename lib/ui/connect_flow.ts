/**
 * The dashboard's one device login at a time (Connect Trakt): request a code, poll in the
 * background, store the login. The page polls `state()`. Nothing here ever holds the device
 * code where the page could see it.
 */
import { completeLogin } from "../app/connect.ts";
import { InterruptedError } from "../errors.ts";
import { sleep } from "../http/sleep.ts";
import { DeviceLoginError, pollDeviceToken, requestDeviceCode } from "../trakt/oauth.ts";
import { type Context, traktParts } from "../cli/context.ts";
import { messageFor } from "../cli/exit.ts";

export type ConnectState =
  | { state: "idle" }
  | {
    state: "pending";
    user_code: string;
    verification_url: string;
    /** The activation page with the code filled in. */
    link: string;
    expires_at: string;
  }
  | { state: "connected"; username: string; vip: boolean }
  | { state: "denied" | "expired" | "cancelled" | "failed"; message: string };

export class ConnectFlow {
  #state: ConnectState = { state: "idle" };
  /** Bumped by every start: a flow's late result only lands while it is still the newest. */
  #generation = 0;
  /** A start in progress, shared by a second click that comes before the code does. */
  #starting: Promise<ConnectState> | undefined;
  #cancel: AbortController | undefined;
  readonly #life: AbortSignal;

  constructor(life: AbortSignal) {
    this.#life = life;
  }

  state(): ConnectState {
    return this.#state;
  }

  /** After Disconnect, the last flow's "connected" is no longer true. */
  reset(): void {
    this.#cancel?.abort();
    this.#generation++;
    this.#state = { state: "idle" };
  }

  start(ctx: Context): Promise<ConnectState> {
    if (this.#state.state === "pending") return Promise.resolve(this.#state);
    this.#starting ??= this.#start(ctx).finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #start(ctx: Context): Promise<ConnectState> {
    const generation = ++this.#generation;
    const cancel = new AbortController();
    // The HTTP side stops only with the dashboard: once Trakt has handed over a token, saving
    // it and asking for the username must finish, or a cancelled dialog would leave a login
    // without a name. Cancel stops the waiting between polls.
    const t = await traktParts(ctx, this.#life);
    let code;
    try {
      code = await requestDeviceCode(t.oauth);
    } catch (err) {
      t.store.close();
      throw err;
    }
    this.#cancel = cancel;
    const pending: ConnectState = {
      state: "pending",
      user_code: code.user_code,
      verification_url: code.verification_url,
      link: `${code.verification_url.replace(/\/$/, "")}/${code.user_code}`,
      expires_at: new Date(Date.now() + code.expires_in * 1000).toISOString(),
    };
    this.#state = pending;
    const finish = (next: ConnectState) => {
      if (this.#generation === generation) this.#state = next;
    };
    const waiting = AbortSignal.any([cancel.signal, this.#life]);
    pollDeviceToken(t.oauth, code, { sleep, now: Date.now, signal: waiting })
      .then((token) => completeLogin(t, token))
      .then((user) => finish({ state: "connected", ...user }))
      .catch((err) => finish(failure(err)))
      .finally(() => t.store.close());
    return pending;
  }

  cancel(): ConnectState {
    this.#cancel?.abort();
    if (this.#state.state === "pending") {
      this.#state = { state: "cancelled", message: "Connecting was cancelled." };
    }
    return this.#state;
  }
}

function failure(err: unknown): ConnectState {
  if (err instanceof InterruptedError) return { state: "cancelled", message: "Cancelled." };
  if (err instanceof DeviceLoginError && err.reason === "denied") {
    return {
      state: "denied",
      message: "The connection was denied on Trakt. Press Try again, and choose " +
        '"Yes" on Trakt\'s page.',
    };
  }
  if (err instanceof DeviceLoginError && err.reason === "expired") {
    return {
      state: "expired",
      message: "The code expired before it was approved. Press Try again for a new code.",
    };
  }
  return { state: "failed", message: messageFor(err, false) };
}
