/** Runs a command and measures it as a whole process: wall time and peak resident memory (VmHWM, sampled). */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

export interface Measured {
  readonly seconds: number;
  readonly peakMb: number;
  /** CPU time of all its threads (user + system, /proc/<pid>/stat as last sampled, within 50 ms of its end). */
  readonly cpuSeconds: number;
  readonly ok: boolean;
  /** The last line it wrote to stderr. */
  readonly note: string;
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times. */
const CLOCK_TICKS = 100;

export function measureProcess(command: string, args: readonly string[]): Promise<Measured> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let peakKb = 0;
    let cpuTicks = 0;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const timer = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
        // utime and stime, fields 14 and 15, after the command name in parentheses
        const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        cpuTicks = Math.max(cpuTicks, Number(fields[11] ?? 0) + Number(fields[12] ?? 0));
      } catch {
        // exited between two samples
      }
    }, 50);
    child.on("exit", (code) => {
      clearInterval(timer);
      const lastLine = stderr.trim().split("\n").at(-1) ?? "";
      done({
        seconds: (performance.now() - started) / 1000,
        peakMb: peakKb / 1024,
        cpuSeconds: cpuTicks / CLOCK_TICKS,
        ok: code === 0,
        note: lastLine,
      });
    });
  });
}
