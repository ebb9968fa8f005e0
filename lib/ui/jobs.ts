/**
 * The dashboard's one preview or sync at a time, run by the same sync job as `trakt sync`
 * (which also holds the cross-process lock). The page polls `current()` for progress.
 */
import { describeEvent } from "../app/progress.ts";
import { runSyncJob } from "../app/sync_job.ts";
import { BusyError, InterruptedError } from "../errors.ts";
import type { SyncSummary } from "../sync/report.ts";
import type { Context } from "../cli/context.ts";
import { exitCodeFor, messageFor } from "../cli/exit.ts";

export type JobKind = "preview" | "sync";

export interface JobState {
  id: number;
  kind: JobKind;
  state: "running" | "done" | "failed" | "refused" | "interrupted";
  started_at: string;
  finished_at?: string;
  progress: { text: string; done?: number; total?: number };
  /** The steps so far, oldest first (the last 100). */
  log: string[];
  warnings: string[];
  summary?: SyncSummary;
  error?: { code: number; message: string };
}

/** A request the dashboard cannot take now (HTTP 409), with the reason for the page. */
export class ConflictError extends Error {}

const OWNER = `the dashboard (complexionist ui, pid ${Deno.pid})`;

export class SyncJobs {
  #job: JobState | undefined;
  #done: Promise<void> = Promise.resolve();
  #next = 1;
  readonly #life: AbortSignal;

  constructor(life: AbortSignal) {
    this.#life = life;
  }

  current(): JobState | undefined {
    return this.#job;
  }

  running(): boolean {
    return this.#job?.state === "running";
  }

  start(ctx: Context, kind: JobKind): JobState {
    if (this.#job?.state === "running") {
      throw new ConflictError(
        `A ${this.#job.kind} is already running here: wait for it to finish.`,
      );
    }
    const job: JobState = {
      id: this.#next++,
      kind,
      state: "running",
      started_at: new Date().toISOString(),
      progress: { text: kind === "preview" ? "Starting the preview…" : "Starting the sync…" },
      log: [],
      warnings: [],
    };
    this.#job = job;
    this.#done = this.#run(ctx, job);
    return job;
  }

  async #run(ctx: Context, job: JobState): Promise<void> {
    try {
      const result = await runSyncJob(ctx, {
        // "Sync now" syncs everything the page shows.
        server: "all",
        dryRun: job.kind === "preview",
        full: false,
        owner: OWNER,
        signal: this.#life,
        onEvent: (e) => {
          if (e.type === "warning") return void job.warnings.push(e.message);
          const line = describeEvent(e);
          if (!line) return;
          job.progress = {
            text: line.text,
            ...(line.total !== undefined ? { done: line.done, total: line.total } : {}),
          };
          if (line.final) job.log = [...job.log, line.text].slice(-100);
        },
      });
      // A report needs both sides: without Trakt's collection its "already there" says 0.
      if (result.readPlex && result.readTrakt !== false) job.summary = result.summary;
      if (result.error !== undefined) throw result.error;
      job.state = "done";
    } catch (err) {
      job.error = { code: exitCodeFor(err), message: messageFor(err, false) };
      job.state = err instanceof InterruptedError
        ? "interrupted"
        : err instanceof BusyError
        ? "refused"
        : "failed";
    } finally {
      job.finished_at = new Date().toISOString();
    }
  }

  /** Waits for the running job; the caller aborts `life` first to make it stop. */
  async settled(): Promise<JobState | undefined> {
    await this.#done;
    return this.#job;
  }
}
