// Entry of a worker thread: loads the TypeScript module named in workerData.entry, bundled or through tsx's loader
// (see load-ts.mjs; loader hooks are per thread).
import { workerData } from "node:worker_threads";
import { importTypeScript } from "./load-ts.mjs";

await importTypeScript(workerData.entry);
