import { InterruptedError } from "../errors.ts";

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A sleep that ends early with InterruptedError when the run is interrupted. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    function onAbort() {
      clearTimeout(timer);
      reject(new InterruptedError());
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
