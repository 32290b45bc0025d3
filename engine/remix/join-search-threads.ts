import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { downmix } from "../analysis/signal.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import { finish, finishYielding, type Steps } from "../quality/steps.ts";
import { quietestShift } from "./quiet-join.ts";

/**
 * The click search of many joins (quietestShift, one per pair of input positions) shared by this thread and a second
 * one. Both take the next pair from a shared counter and write its shift to shared memory; this thread never waits:
 * once the counter has run out, it searches itself whatever pair has no shift yet (at most the one the other thread is
 * on), so a second thread that starts late, or not at all, only means less help. The shifts are the ones a single
 * thread finds (each pair is searched by the same function on the same samples).
 */
export interface JoinSearchJob {
  /** The input in mono, in shared memory. */
  readonly mono: Float32Array;
  /** Pair k is (pairs[2k], pairs[2k + 1]): the outgoing and incoming input positions. */
  readonly pairs: Int32Array;
  /** Shift of pair k, NOT_SEARCHED until one thread has written it. */
  readonly shifts: Int32Array;
  /** The next pair to take. */
  readonly next: Int32Array;
  readonly search: number;
  readonly sampleRate: number;
  readonly half: number;
}

/** Shifts are 0 or earlier. */
const NOT_SEARCHED = 1;
/**
 * Below this many pairs (2.5-4 ms each with the SIMD kernel at load 8, 13 ms before it) a second thread would hardly
 * be up and running before this one is done, and its memory (an isolate, the input's mono copy) would buy little: a
 * 10-minute result of a 3:30 song has 28 pairs, an hour of it 226.
 */
const PAIRS_FOR_A_SECOND_THREAD = 64;

const BOOT = new URL("../threads/boot.mjs", import.meta.url);
const ENTRY = new URL("./join-search-thread-main.ts", import.meta.url);

/** Joins move up to this much earlier to where the crossfade is smoothest. */
export const QUIET_SEARCH_SECONDS = 0.03;

/** The input in mono, and the quiet shift of each join of a plan ("a,b" as memoisePair keys them). */
export interface JoinShifts {
  readonly mono: Float32Array;
  readonly shifts: ReadonlyMap<string, number>;
}

/** The input's mono and its joins' shifts (joinShiftSteps), letting the event loop turn while they are searched. */
export async function searchJoins(
  input: PcmAudio,
  ranges: readonly { readonly start: number; readonly end: number }[],
  crossfadeSamples: number,
): Promise<JoinShifts> {
  const mono = downmix(input);
  return { mono, shifts: await finishYielding(joinShiftSteps(mono, ranges, input.sampleRate, crossfadeSamples)) };
}

/**
 * quietestShift of every join of `ranges` (from each range's end to the next one's start, where they differ), keyed
 * "a,b" as memoisePair keeps them. Aligning a join leaves the next join's pair as planned, so these are all the pairs
 * alignJoins asks about. In steps (quality/steps.ts), one per pair searched on this thread, so that a caller can let
 * a stop through.
 */
export function* joinShiftSteps(
  mono: Float32Array,
  ranges: readonly { readonly start: number; readonly end: number }[],
  sampleRate: number,
  crossfadeSamples: number,
): Steps<Map<string, number>> {
  const search = Math.round(QUIET_SEARCH_SECONDS * sampleRate);
  const half = Math.max(1, Math.round(crossfadeSamples / 2));
  const pairs = new Map<string, [number, number]>();
  for (let i = 1; i < ranges.length; i++) {
    const [a, b] = [ranges[i - 1]!.end, ranges[i]!.start];
    if (a !== b) pairs.set(`${a},${b}`, [a, b]);
  }
  const shifts = yield* searchSteps(mono, [...pairs.values()], search, sampleRate, half);
  return new Map([...pairs.keys()].map((key, k) => [key, shifts[k]!]));
}

function* searchSteps(
  mono: Float32Array,
  pairs: readonly (readonly [number, number])[],
  search: number,
  sampleRate: number,
  half: number,
): Steps<number[]> {
  if (pairs.length < PAIRS_FOR_A_SECOND_THREAD || availableParallelism() < 2) {
    const shifts: number[] = [];
    for (const [a, b] of pairs) {
      shifts.push(quietestShift(mono, a, b, search, sampleRate, half));
      yield;
    }
    return shifts;
  }
  const job: JoinSearchJob = {
    mono: mono.buffer instanceof SharedArrayBuffer ? mono : sharedCopy(mono),
    pairs: sharedInts(2 * pairs.length),
    shifts: sharedInts(pairs.length).fill(NOT_SEARCHED),
    next: sharedInts(1),
    search,
    sampleRate,
    half,
  };
  job.pairs.set(pairs.flat());
  const helper = new Worker(BOOT, { workerData: { entry: ENTRY.href, job } });
  // Its failure (or a late start) costs only its help.
  helper.on("error", () => undefined);
  try {
    yield* pairSteps(job);
    return Array.from(job.shifts, (shift, k) =>
      shift === NOT_SEARCHED ? quietestShift(mono, pairs[k]![0], pairs[k]![1], search, sampleRate, half) : shift,
    );
  } finally {
    void helper.terminate();
  }
}

/** Searches pairs taken from the job's counter until it runs out. */
export function takePairs(job: JoinSearchJob): void {
  finish(pairSteps(job));
}

/** takePairs in steps, one per pair. */
function* pairSteps(job: JoinSearchJob): Steps<void> {
  const count = job.shifts.length;
  for (let k = Atomics.add(job.next, 0, 1); k < count; k = Atomics.add(job.next, 0, 1)) {
    const shift = quietestShift(
      job.mono,
      job.pairs[2 * k]!,
      job.pairs[2 * k + 1]!,
      job.search,
      job.sampleRate,
      job.half,
    );
    Atomics.store(job.shifts, k, shift);
    yield;
  }
}

const sharedInts = (count: number) => new Int32Array(new SharedArrayBuffer(4 * count));

function sharedCopy(samples: Float32Array): Float32Array {
  const copy = new Float32Array(new SharedArrayBuffer(samples.byteLength));
  copy.set(samples);
  return copy;
}
