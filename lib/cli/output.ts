/**
 * Everything the CLI prints goes through here: human lines on stderr (a live progress line
 * on a TTY, plain lines otherwise, suited to journald), JSON on stdout, secrets redacted.
 */
import { redact, redactedJson } from "../http/redact.ts";

export interface OutputOptions {
  verbose: boolean;
  quiet: boolean;
  color: boolean;
  /** stderr is a terminal: progress may redraw one line. */
  tty: boolean;
}

const enc = new TextEncoder();

export function outputOptions(
  flags: { verbose?: boolean; quiet?: boolean; color?: boolean },
): OutputOptions {
  const tty = Deno.stderr.isTerminal();
  const noColorEnv = (Deno.env.get("NO_COLOR") ?? "") !== "";
  return {
    verbose: Boolean(flags.verbose),
    quiet: Boolean(flags.quiet) && !flags.verbose,
    color: tty && !noColorEnv && flags.color !== false,
    tty,
  };
}

export class Output {
  readonly o: OutputOptions;
  #progressShown = false;

  constructor(o: OutputOptions) {
    this.o = o;
  }

  #write(text: string): void {
    if (this.#progressShown) {
      Deno.stderr.writeSync(enc.encode("\r\x1b[2K"));
      this.#progressShown = false;
    }
    Deno.stderr.writeSync(enc.encode(redact(text) + "\n"));
  }

  #paint(code: string, text: string): string {
    return this.o.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  info(line: string): void {
    if (!this.o.quiet) this.#write(line);
  }

  success(line: string): void {
    if (!this.o.quiet) this.#write(this.#paint("32", line));
  }

  /** Printed even with --quiet: what the user must see to go on (the dashboard's address). */
  notice(line: string): void {
    this.#write(this.#paint("1", line));
  }

  warn(line: string): void {
    this.#write(this.#paint("33", `warning: ${line}`));
  }

  error(line: string): void {
    this.#write(this.#paint("31", `error: ${line}`));
  }

  debug(line: string): void {
    if (this.o.verbose) this.#write(this.#paint("2", line));
  }

  /** A redrawn line on a TTY; on a pipe only `final` steps are printed, as plain lines. */
  progress(line: string, final = false): void {
    if (this.o.quiet) return;
    if (!this.o.tty) {
      if (final) this.#write(line);
      return;
    }
    Deno.stderr.writeSync(enc.encode(`\r\x1b[2K${redact(line)}`));
    this.#progressShown = true;
    if (final) {
      Deno.stderr.writeSync(enc.encode("\n"));
      this.#progressShown = false;
    }
  }

  json(value: unknown): void {
    Deno.stdout.writeSync(enc.encode(redactedJson(value, 2) + "\n"));
  }
}
