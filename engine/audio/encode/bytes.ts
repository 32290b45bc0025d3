/** Called with the frames (per channel) encoded so far and the total. */
export type EncodeProgress = (doneFrames: number, totalFrames: number) => void;

/** Frames handed to an encoder per call: small enough for smooth progress, large enough to be cheap. */
export const ENCODE_BLOCK_FRAMES = 1 << 16;

/** Lets the event loop run (progress bars, heartbeats) between blocks of CPU-bound encoding. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The parts' bytes one after another, in a new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
