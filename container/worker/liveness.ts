import { writeFileSync } from "node:fs";
import { LIVENESS_FILE } from "../../contract/pipeline.ts";

/**
 * The worker's liveness file: rewritten every LIVENESS_INTERVAL_MS from a timer, which fires only while the
 * event loop is free (the engine computes in its own thread). The task definition's health check fails when
 * the file is older than LIVENESS_MAX_AGE_MS, so a hung worker is replaced.
 */
export { LIVENESS_CHECK_COMMAND, LIVENESS_FILE } from "../../contract/pipeline.ts";
export const LIVENESS_INTERVAL_MS = 30_000;

export function startLiveness(file = LIVENESS_FILE, intervalMs = LIVENESS_INTERVAL_MS): () => void {
  const touch = () => writeFileSync(file, new Date().toISOString());
  touch();
  const timer = setInterval(touch, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
