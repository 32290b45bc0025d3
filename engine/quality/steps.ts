import { yieldToEventLoop } from "../audio/encode/bytes.ts";

/**
 * A long computation cut into steps: a generator that yields between pieces of work (each a few milliseconds), so
 * that a caller can let the event loop turn in between (a stop signal is then handled at once, not when the whole
 * measurement ends) or run it through in one go.
 */
export type Steps<T> = Generator<void, T, undefined>;

/** Runs `steps` to the end in one go. */
export function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * How long the steps run before the event loop gets a turn, milliseconds: a stop is handled within this and one step.
 * (Turns every 50 ms measured a little higher peaks, by the garbage collector's timing: the noise is about as large.)
 */
const TURN_MS = 200;

/** Runs `steps` to the end, letting the event loop turn about every TURN_MS. */
export async function finishYielding<T>(steps: Steps<T>): Promise<T> {
  const turnIfDue = turnEvery();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await turnIfDue();
  }
}

/** For a loop of awaited steps: each call lets the event loop turn when TURN_MS have passed since its last turn. */
export function turnEvery(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < TURN_MS) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}
