import { readFileSync } from "node:fs";
import { isMainThread, threadId } from "node:worker_threads";

/**
 * With HARMONIZER_STAGES=1 in the environment, `stage` prints each stage a job reaches to stderr, with the
 * milliseconds since the process started, from every thread, to find a job's critical path (which thread waits for
 * which), and the process's resident set, its peak so far (VmHWM) and the thread's live heap and array buffers
 * (MB). Without it, it does nothing.
 */
const on = process.env.HARMONIZER_STAGES === "1";
const ORIGIN_VARIABLE = "HARMONIZER_STAGES_ORIGIN";

// The main thread's start, passed on to the threads it starts later (they copy its environment).
if (on && isMainThread) process.env[ORIGIN_VARIABLE] ??= String(performance.timeOrigin);
const origin = Number(process.env[ORIGIN_VARIABLE] ?? performance.timeOrigin);

export function stage(name: string): void {
  if (!on) return;
  const at = performance.timeOrigin + performance.now() - origin;
  process.stderr.write(
    `[stage] ${at.toFixed(0).padStart(6)} ms  ${memory()}  ${isMainThread ? "main" : `thread ${threadId}`}  ${name}\n`,
  );
}

function memory(): string {
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
  const peak = /VmHWM:\s*(\d+) kB/.exec(procStatus())?.[1];
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0).padStart(4);
  return `rss ${mb(rss)} peak ${peak === undefined ? "   ?" : mb(Number(peak) * 1024)} heap ${mb(heapUsed)} buffers ${mb(arrayBuffers)} MB`;
}

/** The process's status lines where Linux keeps them; "" elsewhere (the peak then prints as "?"). */
function procStatus(): string {
  try {
    return readFileSync("/proc/self/status", "utf8");
  } catch {
    return "";
  }
}
