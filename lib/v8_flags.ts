/**
 * V8 flags complexionist runs with: embedded in the release binary (scripts/compile.ts), passed by
 * the `deno run` command lines it writes itself (`trakt schedule` from source), and used by
 * `deno task bench`, so that what is measured is what users run.
 *
 * A young generation capped at 4 MiB semi-spaces (V8 grows them to 32 MiB on a machine like the
 * development one) promotes less of the page being parsed, and so keeps a big sync's peak memory
 * 30–50 MiB lower at 110,000 items, for a few per cent of time (README, Performance).
 */
export const V8_FLAGS: readonly string[] = ["--max-semi-space-size=4"];

/** The flags as one `deno run` / `deno compile` argument. */
export const V8_FLAGS_ARG = `--v8-flags=${V8_FLAGS.join(",")}`;
