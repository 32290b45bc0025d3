import { runJobOnThread, type ExtensionJobInput, type ExtensionJobOutput } from "./job.ts";
import { startInputThread, type InputThread } from "./analysis/input-thread.ts";

/** Extension jobs run one after another in one process, sharing what can be loaded once. */
export interface JobRunner {
  /** runExtensionJob, on the runner's input-analysis thread. */
  run(job: ExtensionJobInput): Promise<ExtensionJobOutput>;
  /** Ends the input-analysis thread; call once the last job is done. */
  close(): void;
}

/**
 * A runner for a batch of songs: the model loads once (loadPredictor and loadConductor keep it for the process), and
 * one input-analysis thread, started now so that it loads its modules while the first song is read, serves every job. A
 * job that fails may leave its thread busy or holding a reply: that thread is ended and the next job gets a new one.
 */
export function createJobRunner(): JobRunner {
  let thread: InputThread | undefined = startInputThread();
  return {
    run: async (job) => {
      if (thread === undefined || thread.stopped) thread = startInputThread();
      const current = thread;
      try {
        return await runJobOnThread(job, current);
      } catch (error) {
        current.stop();
        throw error;
      }
    },
    close: () => {
      thread?.stop();
      thread = undefined;
    },
  };
}
