/**
 * Typed errors. Each kind carries its exit code (design §6); lib/cli/exit.ts is the one
 * place that turns them into a process exit. Messages must already be safe to print
 * (no secrets) and end with the next step for the user.
 */

export abstract class AppError extends Error {
  abstract readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Exit 2: bad command line or configuration. */
export class UsageError extends AppError {
  readonly exitCode = 2;
}

/** Exit 2: a problem in complexionist.ini, naming file, section, key and the fix. */
export class ConfigError extends UsageError {
  constructor(
    readonly file: string,
    readonly section: string | undefined,
    readonly key: string | undefined,
    problem: string,
    fix: string,
  ) {
    const where = [file, section ? `[${section}]` : undefined, key].filter(Boolean).join(" ");
    super(`${where}: ${problem}. ${fix}`);
  }
}

/** Exit 3: Trakt not connected or refused, or a Plex token refused. */
export class AuthError extends AppError {
  readonly exitCode = 3;
}

/** Exit 4: a remote service still failing after retries, or answering nonsense. */
export class RemoteError extends AppError {
  readonly exitCode = 4;
  constructor(
    message: string,
    readonly service: "plex" | "trakt",
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Exit 5: Trakt answered 420, the account's collection limit. */
export class AccountLimitError extends AppError {
  readonly exitCode = 5;
  constructor(message: string, readonly limit?: number) {
    super(message);
  }
}

/**
 * Exit 75 (EX_TEMPFAIL, "try again later"): another sync holds the store's sync lock. Not in
 * design §6: a timer or script can tell "busy" from a failure, and retry later.
 */
export class BusyError extends AppError {
  readonly exitCode = 75;
}

/**
 * Exit 130: SIGINT or SIGTERM. The message says what the user needs to know: nothing is left
 * half-done, and running the command again completes it.
 */
export class InterruptedError extends AppError {
  readonly exitCode = 130;
  constructor(
    message = "Interrupted (Ctrl-C or SIGTERM); nothing was left half-written. Run the command " +
      "again to finish",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
