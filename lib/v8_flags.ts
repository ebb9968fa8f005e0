/**
 * V8 flags complexionist runs with: embedded in the release binary (scripts/compile.ts), passed by
 * the `deno run` command lines it writes itself (`trakt schedule` from source), and used by
 * `deno task bench`, so that what is measured is what users run. Each trades a little peak speed,
 * which a run of a few seconds never reaches, for memory (README, Performance):
 *
 * - `--max-semi-space-size=4`: a young generation capped at 4 MiB semi-spaces (V8 grows them to
 *   32 MiB on a machine like the development one) promotes less of the page being parsed.
 * - `--max-opt=2`: Maglev is the top compiler tier, not TurboFan, whose compilations and code
 *   pages a sync's few seconds of hot loops never repay.
 * - `--max-old-space-size=1024`: a 1 GiB heap, about 20 times what a 110,000-item sync keeps
 *   (some 350 bytes an item), makes V8 let its heap grow to 1.6 times what survived its last
 *   full collection instead of 4 times, the factor it allows a heap of 2 GiB or more (V8 sizes
 *   the heap, and so the factor, by the machine's memory). A library of over two million items
 *   would need more.
 */
export const V8_FLAGS: readonly string[] = [
  "--max-semi-space-size=4",
  "--max-opt=2",
  "--max-old-space-size=1024",
];

/** The flags as one `deno run` / `deno compile` argument. */
export const V8_FLAGS_ARG = `--v8-flags=${V8_FLAGS.join(",")}`;
