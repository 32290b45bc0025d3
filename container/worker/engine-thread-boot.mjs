// Entry of the engine thread: loads the TypeScript module named in workerData.entry (engine-thread-main.ts, or a
// stand-in in tests), bundled or through tsx's loader (see engine/threads/load-ts.mjs; loader hooks are per thread).
import { workerData } from "node:worker_threads";
import { importTypeScript } from "../../engine/threads/load-ts.mjs";

await importTypeScript(workerData.entry);
