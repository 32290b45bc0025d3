import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full collection before every reading, and array buffers freed by it at once (not by a background sweeper), so
// that a reading counts what is held, not garbage waiting to be swept.
setFlagsFromString("--expose-gc");
setFlagsFromString("--no-concurrent-array-buffer-sweeping");
const gc = runInNewContext("gc") as () => void;

/** MB of array buffers the process holds after a full collection. */
export function heldBuffersMb(): number {
  gc();
  return process.memoryUsage().arrayBuffers / 2 ** 20;
}
