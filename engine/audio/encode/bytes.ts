/** Called with the frames (per channel) encoded so far and the total. */
export type EncodeProgress = (doneFrames: number, totalFrames: number) => void;

/** Frames handed to an encoder per call: small enough for smooth progress, large enough to be cheap. */
export const ENCODE_BLOCK_FRAMES = 1 << 16;

/** Lets the event loop run (progress bars, heartbeats) between blocks of CPU-bound encoding. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
