/** The one place where errors become exit codes and user-facing messages (design §6). */
import { AppError } from "../errors.ts";
import { redact } from "../http/redact.ts";

export function exitCodeFor(err: unknown): number {
  return err instanceof AppError ? err.exitCode : 1;
}

export function messageFor(err: unknown, verbose: boolean): string {
  if (err instanceof AppError && !verbose) return redact(err.message);
  if (err instanceof AppError) {
    const cause = err.cause instanceof Error ? `\ncaused by: ${err.cause.stack ?? err.cause}` : "";
    return redact(`${err.message}\n${err.stack ?? ""}${cause}`);
  }
  const text = err instanceof Error ? err.message : String(err);
  const base = `unexpected internal error: ${text}. This is a bug in complexionist: please ` +
    "report it with the output of the same command run with --verbose";
  return redact(verbose && err instanceof Error ? `${base}\n${err.stack}` : base);
}
