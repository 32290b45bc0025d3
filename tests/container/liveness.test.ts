import { execSync } from "node:child_process";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LIVENESS_CHECK_COMMAND, LIVENESS_FILE, startLiveness } from "../../container/worker/liveness.ts";

describe("worker liveness (the task definition's health check, issue 10 point 12)", () => {
  it("passes while the worker rewrites its file and fails once the file is stale", () => {
    const dir = mkdtempSync(join(tmpdir(), "liveness-"));
    const file = join(dir, "alive");
    const command = LIVENESS_CHECK_COMMAND.replace(LIVENESS_FILE, file);
    const healthy = () => {
      try {
        execSync(command, { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    };
    expect(healthy()).toBe(false); // no file: not started
    const stop = startLiveness(file, 60_000);
    expect(healthy()).toBe(true);
    stop();
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(file, old, old);
    expect(healthy()).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });
});
