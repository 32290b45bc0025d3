import { applyGain, createFader, levelStep, type Fader, type RawLoudness } from "./fader.ts";
import { copyOp, Timeline } from "./timeline.ts";

/**
 * Riding the level across joins, as an engineer rides a fader. Where a join steps between material of different
 * short-term loudness (a crescendo's loud last phrase followed by one of its quieter ones), the level moves over
 * seconds instead of at the join: into quieter material the outgoing phrase sinks to the incoming one's level over
 * the RIDE_SECONDS before the join; into louder material the incoming phrase starts at the outgoing one's level and
 * rises to its own over the RIDE_SECONDS after it (raised cosines: a 4 LU step moves at most 0.8 dB/s). Both are cuts, so a ride
 * never clips. Only the re-sequenced part is touched: nothing before `protectedEnd` (the untouched original, the
 * intro), and the gain is exactly 1 wherever no ride runs and from `unityFrom` on (the song's own ending). Where the
 * outgoing side is protected, quieter incoming material is raised instead, as far as the input's own peak allows.
 */

/** A ride takes this long (a raised cosine). */
export const RIDE_SECONDS = 8;
/** A ride before a join is cut short by the join before it; shorter than this it would be heard as a fade. */
const MIN_SINK_SECONDS = 2;
/** Joins whose short-term loudness changes by more than this are ridden (the quality target is 1 LU). */
export const RIDE_FROM_LU = 1;
/** Larger steps are the music's own structure (an entrance after a final decay, a breakdown): left as they are. */
export const MAX_RIDE_DB = 9;
/** A side quieter than this (LUFS) is silence or nearly: nothing to match. */
const QUIET_LUFS = -50;

export interface LevelRideOptions {
  readonly sampleRate: number;
  /** Join positions in the output, samples, ascending. */
  readonly seams: readonly number[];
  /** Output samples before this are never changed (the untouched original, the intro). */
  readonly protectedEnd: number;
  /** Half-width of the gain's change at a join, samples (the crossfade): the gain moves with the crossfade. */
  readonly transitionSamples: number;
  /** The gain is exactly 1 from this output sample on (the song's own ending ends at its own level). */
  readonly unityFrom?: number;
  /**
   * The input's own step into the material from unityFrom on (short-term loudness before its start minus after, LU).
   * A join there into quieter material is ridden down to this step whatever its size: the song approaches its ending
   * that way, so a larger drop is the planner's, not the music's structure.
   */
  readonly ownStepIntoUnity?: number;
  /** No sample may be raised above this magnitude (the input's own peak); asked for only when a ride raises a level. */
  readonly peak: number | (() => number);
  /** The output's loudness as rendered, read from the input's (fast); without it, measured on the output. */
  readonly rawLoudness?: RawLoudness;
}

export interface LevelRideSummary {
  /** Joins across which the level was ridden. */
  readonly ridden: number;
  /** The largest level step ridden, LU (0 when none). */
  readonly largestStepLu: number;
}

/** A gain in dB: `delta` at output sample `start`, back to 0 dB at start + length (raised cosine). */
interface Ride {
  readonly start: number;
  readonly delta: number;
  readonly length: number;
}

const rideDb = (ride: Ride | undefined, at: number): number => {
  if (!ride || at >= ride.start + ride.length) return 0;
  const u = Math.max(0, at - ride.start) / ride.length;
  return ride.delta * 0.5 * (1 + Math.cos(Math.PI * u));
};

/** A sink before a join: 0 dB at `start`, `depth` dB (negative) from `end` on (raised cosine). */
interface Sink {
  readonly start: number;
  readonly end: number;
  readonly depth: number;
}

const sinkDb = (sink: Sink | undefined, at: number): number => {
  if (!sink || at < sink.start) return 0;
  const u = Math.min(1, (at - sink.start) / Math.max(1, sink.end - sink.start));
  return sink.depth * 0.5 * (1 - Math.cos(Math.PI * u));
};

/** What a join's ride is: a sink of the outgoing side, a ride of the incoming side, or neither. */
interface JoinRide {
  readonly sink?: Sink;
  readonly ride?: Ride;
  readonly step: number;
}

/** Rides the level of `out` (every channel alike) in place across each join; see the file's comment. */
export function rideLevels(out: Float32Array[], options: LevelRideOptions): LevelRideSummary {
  const total = out[0]?.length ?? 0;
  const timeline = new Timeline(out.length, total, options.sampleRate);
  timeline.add(copyOp(out, 0, 0, total));
  const summary = rideLevelsOn(timeline, options);
  const ridden = timeline.read(0, total);
  for (const [c, channel] of out.entries()) channel.set(ridden[c]!);
  return summary;
}

/** Adds to `timeline` the gains that ride its level (every channel alike) across each join. */
export function rideLevelsOn(timeline: Timeline, options: LevelRideOptions): LevelRideSummary {
  const { sampleRate, transitionSamples: w } = options;
  const fader = createFader(timeline, options.rawLoudness);
  const total = timeline.length;
  const rideLength = Math.round(RIDE_SECONDS * sampleRate);
  const unityFrom = Math.min(total, options.unityFrom ?? total);
  let ride: Ride | undefined;
  let appliedTo = options.protectedEnd;
  let ridden = 0;
  let largestStepLu = 0;
  for (const seam of options.seams) {
    if (seam < options.protectedEnd || seam > unityFrom) continue;
    const from = Math.max(seam - w, options.protectedEnd, appliedTo);
    const to = Math.min(total, from + 2 * w);
    const running = ride;
    applyGain(fader, appliedTo, from, (i) => rideDb(running, i));
    const join = chooseJoinRide(fader, seam, rideDb(ride, from), {
      sinkFrom: Math.max(appliedTo, from - rideLength),
      sinkTo: from,
      outgoingProtected: seam <= options.protectedEnd,
      rideLength: Math.min(rideLength, unityFrom - seam),
      ownStep: seam === unityFrom ? options.ownStepIntoUnity : undefined,
      minLength: 2 * w,
      peak: options.peak,
      sampleRate,
    });
    if (join.sink) applyGain(fader, join.sink.start, from, (i) => sinkDb(join.sink, i));
    const previous = ride;
    // Across the crossfade the gain moves from the outgoing side's to the incoming side's.
    applyGain(fader, from, to, (i) => {
      const t = (i - from + 0.5) / Math.max(1, to - from);
      return (1 - t) * (rideDb(previous, i) + sinkDb(join.sink, i)) + t * rideDb(join.ride, i);
    });
    appliedTo = to;
    ride = join.ride;
    if (join.step !== 0) {
      ridden++;
      largestStepLu = Math.max(largestStepLu, Math.abs(join.step));
    }
  }
  const last = ride;
  applyGain(fader, appliedTo, Math.min(total, last ? last.start + last.length : appliedTo), (i) => rideDb(last, i));
  return { ridden, largestStepLu };
}

interface JoinLimits {
  /** Where a sink of the outgoing side may start and where it reaches its depth (output samples). */
  readonly sinkFrom: number;
  readonly sinkTo: number;
  readonly outgoingProtected: boolean;
  readonly rideLength: number;
  /** At the join into the song's own ending: the input's own step there (see ownStepIntoUnity). */
  readonly ownStep?: number;
  readonly minLength: number;
  readonly peak: number | (() => number);
  readonly sampleRate: number;
}

/**
 * The ride at one join, from the level step across it (outgoing as ridden so far against incoming): a step of
 * RIDE_FROM_LU..MAX_RIDE_DB is ridden, a smaller one too while a ride runs (the fader moves on from where it is).
 * Where the step can't be measured or is larger, a running ride (`carried`, dB) returns to unity from where it is.
 */
function chooseJoinRide(fader: Fader, seam: number, carried: number, limits: JoinLimits): JoinRide {
  const riding = Math.abs(carried) > 0.01;
  const carry: JoinRide = {
    ride: riding ? { start: seam, delta: carried, length: Math.max(1, limits.rideLength) } : undefined,
    step: 0,
  };
  // The level on either side of a join: EBU R128 short-term loudness (3 s).
  const sides = levelStep(fader, seam);
  // A side near silence has no level to match.
  const step = sides && sides.before > QUIET_LUFS && sides.after > QUIET_LUFS ? sides.before - sides.after : undefined;
  if (step !== undefined && limits.ownStep !== undefined && step > MAX_RIDE_DB) return intoEnding(step, limits, carry);
  if (step === undefined || Math.abs(step) > MAX_RIDE_DB || !(Math.abs(step) > RIDE_FROM_LU || riding)) return carry;
  if (
    step > 0 &&
    !limits.outgoingProtected &&
    limits.sinkTo - limits.sinkFrom >= MIN_SINK_SECONDS * limits.sampleRate
  ) {
    return { sink: { start: limits.sinkFrom, end: limits.sinkTo, depth: -step }, step };
  }
  // Into the song's own ending nothing after the join is ridden.
  if (limits.rideLength <= limits.minLength) return carry;
  if (step < 0) return { ride: { start: seam, delta: step, length: limits.rideLength }, step };
  const boost = { start: seam, delta: step, length: limits.rideLength };
  const delta = limitBoost(
    fader.timeline,
    boost,
    typeof limits.peak === "number" ? limits.peak : limits.peak(),
    limits.sinkTo,
  );
  return delta > 0 ? { ride: { ...boost, delta }, step } : carry;
}

/** Into a much quieter ending: the outgoing phrase sinks by the step beyond the song's own into its ending. */
function intoEnding(step: number, limits: JoinLimits, carry: JoinRide): JoinRide {
  const excess = step - Math.max(0, limits.ownStep ?? 0);
  if (excess <= RIDE_FROM_LU || limits.outgoingProtected) return carry;
  if (limits.sinkTo - limits.sinkFrom < MIN_SINK_SECONDS * limits.sampleRate) return carry;
  return { sink: { start: limits.sinkFrom, end: limits.sinkTo, depth: -excess }, step: excess };
}

/** A boost's delta, lowered where needed so that no sample from `from` on exceeds `peak`. */
function limitBoost(timeline: Timeline, ride: Ride, peak: number, from: number): number {
  const end = Math.min(timeline.length, ride.start + ride.length);
  // The output as rendered so far: no gain reaches past `from` yet.
  const out = timeline.read(Math.min(from, end), end);
  const peakDb = 20 * Math.log10(peak);
  let delta = ride.delta;
  for (let i = from; i < end; i++) {
    let sample = 0;
    for (const channel of out) sample = Math.max(sample, Math.abs(channel[i - from]!));
    if (sample === 0) continue;
    // Within the crossfade the gain is at most the full delta; after it, the ride's shape.
    const shape = i < ride.start ? 1 : rideDb({ ...ride, delta: 1 }, i);
    if (shape <= 0) continue;
    const headroom = peakDb - 20 * Math.log10(sample);
    if (delta * shape > headroom) delta = Math.max(0, headroom / shape);
  }
  return delta;
}
