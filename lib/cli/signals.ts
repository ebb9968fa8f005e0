/** SIGINT/SIGTERM become an AbortSignal the engine checks between steps (exit 130). */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
    },
  };
}

/** Runs `work` with SIGINT/SIGTERM as its AbortSignal; the listeners go when it ends. */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { signal, dispose } = interruptSignal();
  try {
    return await work(signal);
  } finally {
    dispose();
  }
}
