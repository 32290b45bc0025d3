/**
 * The engine thread's output sinks (engine OutputSink) relayed to the worker's main thread, which owns the real
 * ones (S3 uploads): each write or patch is posted with its bytes moved, and resolves when the main thread has
 * passed it on, so the thread never runs ahead of the upload by more than one window.
 */
import type { MessagePort } from "node:worker_threads";
import type { OutputSink } from "#engine";

export type SinkName = "sink" | "wavSink";

/** From the thread: one operation on a sink. */
export interface SinkRequest {
  readonly type: "sink";
  readonly id: number;
  readonly name: SinkName;
  readonly offset?: number;
  readonly bytes: Uint8Array;
}

/** To the thread: that operation is done (or failed, in words). */
export interface SinkReply {
  readonly type: "sink-done";
  readonly id: number;
  readonly error?: string;
}

export const isSinkReply = (message: unknown): message is SinkReply =>
  (message as { type?: unknown } | null)?.type === "sink-done";

/** In the thread: a sink whose operations are carried out by the main thread. */
export function relayedSink(port: MessagePort, name: SinkName): OutputSink {
  return {
    write: (bytes) => send(port, name, undefined, bytes),
    patch: (offset, bytes) => send(port, name, offset, bytes),
  };
}

let nextId = 0;
const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

/** In the thread: settles the operation a reply names. */
export function settleSinkReply(reply: SinkReply): void {
  const pending = waiting.get(reply.id);
  waiting.delete(reply.id);
  if (reply.error === undefined) pending?.resolve();
  else pending?.reject(new Error(reply.error));
}

function send(port: MessagePort, name: SinkName, offset: number | undefined, bytes: Uint8Array): Promise<void> {
  const id = nextId++;
  const copy = bytes.slice(); // encoders reuse their buffers; the copy is moved, not cloned
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    const request: SinkRequest = { type: "sink", id, name, bytes: copy, ...(offset === undefined ? {} : { offset }) };
    port.postMessage(request, [copy.buffer as ArrayBuffer]);
  });
}

/** In the main thread: carries out a request on the job's own sink and replies. */
export async function serveSinkRequest(
  request: SinkRequest,
  sinks: Partial<Record<SinkName, OutputSink>>,
  reply: (message: SinkReply) => void,
): Promise<void> {
  try {
    const sink = sinks[request.name];
    if (sink === undefined) throw new Error(`the job has no ${request.name}`);
    if (request.offset === undefined) await sink.write(request.bytes);
    else await sink.patch(request.offset, request.bytes);
    reply({ type: "sink-done", id: request.id });
  } catch (error) {
    reply({ type: "sink-done", id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
}
