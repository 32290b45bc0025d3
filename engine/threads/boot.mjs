// Entry of a measuring thread: registers tsx's loader in this thread (hooks are per thread), then loads the
// TypeScript module named in workerData.entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
