/** The second thread of a join search (see join-search-threads.ts): takes pairs until none is left. */
import { workerData } from "node:worker_threads";
import { type JoinSearchJob, takePairs } from "./join-search-threads.ts";

takePairs((workerData as { job: JoinSearchJob }).job);
