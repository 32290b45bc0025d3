/** Collects encoder output chunks (copying them: WASM encoders reuse their output buffers) into one array. */
export class ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk.slice());
    this.total += chunk.length;
  }

  get length(): number {
    return this.total;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

/** Called with the frames (per channel) encoded so far and the total. */
export type EncodeProgress = (doneFrames: number, totalFrames: number) => void;

/** Frames handed to an encoder per call: small enough for smooth progress, large enough to be cheap. */
export const ENCODE_BLOCK_FRAMES = 1 << 16;

/** Lets the event loop run (progress bars, heartbeats) between blocks of CPU-bound encoding. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
