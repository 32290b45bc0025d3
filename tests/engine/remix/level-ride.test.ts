import { describe, expect, test } from "vitest";
import { frameCount, type PcmAudio } from "../../../engine/audio/pcm.ts";
import { countClicks } from "../../../engine/quality/clicks.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import { checkTargets } from "../../../engine/quality/targets.ts";
import { loudnessChangeAt } from "../../../engine/quality/seams.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { createLoudnessProfile } from "../../../engine/analysis/continuity.ts";
import { copiedLoudness } from "../../../engine/remix/fader.ts";
import { MAX_RIDE_DB, RIDE_SECONDS, rideLevels } from "../../../engine/remix/level-ride.ts";
import { clickSong } from "./signals.ts";

const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02 };

/** A crescendo in three steps of 4 dB (0–16 s at -8 dB, 16–32 s at -4 dB, then full level): cut loud, or an ending. */
function crescendo(seconds: number, seed: number, endingSeconds?: number): PcmAudio {
  const clip = clickSong({ seconds, seed, endingSeconds });
  const gain = (i: number) => 10 ** ((-4 * Math.max(0, 2 - Math.floor(i / clip.sampleRate / 16))) / 20);
  return { ...clip, channels: clip.channels.map((c) => c.map((v, i) => v * gain(i))) };
}

const peakOf = (audio: PcmAudio) =>
  Math.max(...audio.channels.map((c) => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));

describe("level riding across joins (continue form)", () => {
  test.each([[3, 150]])(
    "a crescendo (seed %i) continued to %i s: its joins between loud and quieter phrases are not level steps, the input stays untouched",
    async (seed, target) => {
      const clip = crescendo(48, seed);
      const result = await remixExtend(clip, { ...options, targetSeconds: target, seed: 1 });
      expect(result.form).toBe("continue");
      // The extension has to step between the loud end and quieter phrases (the rules refuse a loop of the end).
      expect(result.notes.join(" ")).toMatch(/level ridden across [1-9]/);
      const report = await measureExtension({ original: clip, result: result.audio, seams: result.seams });
      expect(report.seamLoudnessChangeLu!).toBeLessThanOrEqual(1);
      const missed = checkTargets(report, { inputHasEnding: false }).filter((c) => c.met === false);
      expect(missed.map((c) => c.label)).toEqual([]);
      expect(countClicks(result.audio.channels, clip.sampleRate, result.seams)).toBe(0);
      const length = frameCount(clip);
      result.audio.channels.forEach((channel, c) => {
        expect(differing(channel.subarray(0, length), clip.channels[c]!)).toBe(0);
      });
      expect(peakOf(result.audio)).toBeLessThanOrEqual(peakOf(clip));
    },
  );
});

describe("level riding across joins (song form)", () => {
  test("a crescendo with an ending of its own, extended to 150 s: no level steps at the joins, the intro and the song's own ending sample for sample", async () => {
    const song = crescendo(60, 5, 1);
    const result = await remixExtend(song, { ...options, targetSeconds: 150, seed: 2 });
    expect(result.form).toBe("song");
    const report = await measureExtension({
      original: song,
      result: result.audio,
      seams: result.seams,
      introSeconds: result.introSeconds,
    });
    expect(report.seamLoudnessChangeLu!).toBeLessThanOrEqual(1);
    expect(report.endsWithInputEnding).toBe(true);
    const edge = Math.round(0.02 * song.sampleRate);
    const intro = Math.round(result.seams[0]! * song.sampleRate) - edge;
    // The last run may begin a few bars before the ending proper (its approach, ridden): the ending proper is exact.
    const ending = result.segments.at(-1)!;
    const entered = result.notes.join(" ").match(/its ending \(the last ([\d.]+) s\) is entered/);
    const early = entered ? Math.round((ending.seconds - Number(entered[1]) + 0.1) * song.sampleRate) : 0;
    const from = Math.round(ending.outputStart * song.sampleRate) + edge + early;
    const source = Math.round(ending.sourceStart * song.sampleRate) + edge + early;
    const count = Math.round(ending.seconds * song.sampleRate) - 2 * edge - early;
    result.audio.channels.forEach((channel, c) => {
      expect(differing(channel.subarray(0, intro), song.channels[c]!.subarray(0, intro))).toBe(0);
      expect(differing(channel.subarray(from, from + count), song.channels[c]!.subarray(source, source + count))).toBe(
        0,
      );
    });
  });
});

const rate = 8000;
const w = Math.round(0.02 * rate);

/** A 440 Hz tone (two channels, alike) in stretches of [seconds, amplitude]. */
function tone(stretches: readonly (readonly [number, number])[]): Float32Array[] {
  const total = Math.round(stretches.reduce((s, [seconds]) => s + seconds, 0) * rate);
  const samples = new Float32Array(total);
  let at = 0;
  for (const [seconds, amplitude] of stretches) {
    const n = Math.round(seconds * rate);
    for (let i = at; i < at + n; i++) samples[i] = amplitude * Math.sin((2 * Math.PI * 440 * i) / rate);
    at += n;
  }
  return [samples, samples.slice()];
}

/** How many samples differ between two equally long arrays (toEqual is slow on long arrays). */
function differing(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

/** The gain the ride applied around output sample `at` (dB), from the loudest samples of the 20 ms there. */
function gainDbAt(ridden: Float32Array, original: Float32Array, at: number): number {
  let a = 0;
  let b = 0;
  for (let i = at; i < at + Math.round(0.02 * rate); i++) {
    a = Math.max(a, Math.abs(ridden[i]!));
    b = Math.max(b, Math.abs(original[i]!));
  }
  return 20 * Math.log10(a / b);
}

const ride = (
  out: Float32Array[],
  seam: number,
  more: { protectedEnd?: number; unityFrom?: number; peak?: number } = {},
) =>
  rideLevels(out, {
    sampleRate: rate,
    seams: [seam * rate],
    protectedEnd: (more.protectedEnd ?? 2) * rate,
    transitionSamples: w,
    unityFrom: more.unityFrom === undefined ? undefined : more.unityFrom * rate,
    peak: more.peak ?? 1,
  });

const stepAt = (out: Float32Array[], seconds: number) =>
  Math.abs(loudnessChangeAt({ sampleRate: rate, channels: out }, seconds * rate));

describe("rideLevels", () => {
  test("into material 6 dB quieter: the outgoing phrase sinks to its level over the seconds before the join; the incoming one is untouched", () => {
    const original = tone([
      [20, 0.5],
      [20, 0.25],
    ]);
    const out = original.map((c) => c.slice());
    expect(stepAt(out, 20)).toBeGreaterThan(5.5);
    expect(ride(out, 20).ridden).toBe(1);
    expect(stepAt(out, 20)).toBeLessThanOrEqual(1);
    expect(gainDbAt(out[0]!, original[0]!, 20 * rate - 2 * w)).toBeCloseTo(-6, 0);
    expect(gainDbAt(out[0]!, original[0]!, Math.round((20 - RIDE_SECONDS / 2) * rate))).toBeCloseTo(-3, 0);
    const sinkStart = (20 - RIDE_SECONDS) * rate - w;
    expect(differing(out[0]!.subarray(0, sinkStart), original[0]!.subarray(0, sinkStart))).toBe(0);
    expect(differing(out[1]!.subarray(20 * rate + w), original[1]!.subarray(20 * rate + w))).toBe(0);
    expect(countClicks(out, rate, [20])).toBe(0);
  });

  test("into material 6 dB louder: the incoming phrase starts at the outgoing level and is back at its own after RIDE_SECONDS", () => {
    const original = tone([
      [20, 0.25],
      [20, 0.5],
    ]);
    const out = original.map((c) => c.slice());
    ride(out, 20);
    expect(stepAt(out, 20)).toBeLessThanOrEqual(1);
    expect(gainDbAt(out[0]!, original[0]!, 20 * rate + w)).toBeCloseTo(-6, 0);
    expect(differing(out[0]!.subarray(0, 20 * rate - w), original[0]!.subarray(0, 20 * rate - w))).toBe(0);
    const back = (20 + RIDE_SECONDS) * rate;
    expect(differing(out[0]!.subarray(back), original[0]!.subarray(back))).toBe(0);
    expect(countClicks(out, rate, [20])).toBe(0);
  });

  test("after the untouched original (protected up to the join), quieter material is raised, but never above the input's peak", () => {
    const original = tone([
      [20, 0.5],
      [20, 0.25],
    ]);
    const out = original.map((c) => c.slice());
    ride(out, 20, { protectedEnd: 20, peak: 0.4 });
    expect(differing(out[0]!.subarray(0, 20 * rate), original[0]!.subarray(0, 20 * rate))).toBe(0);
    expect(gainDbAt(out[0]!, original[0]!, 20 * rate + 2 * w)).toBeCloseTo(20 * Math.log10(0.4 / 0.25), 0);
    expect(out[0]!.subarray(20 * rate).reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(0.4 + 1e-6);
  });

  test("into the song's own ending (unityFrom at the join): the ending is heard at its own level from the join on", () => {
    for (const [outgoing, ending] of [
      [0.5, 0.25],
      [0.25, 0.5],
    ] as const) {
      const original = tone([
        [20, outgoing],
        [20, ending],
      ]);
      const out = original.map((c) => c.slice());
      ride(out, 20, { unityFrom: 20 });
      expect(differing(out[0]!.subarray(20 * rate + w), original[0]!.subarray(20 * rate + w))).toBe(0);
      // A quieter ending is met by the outgoing phrase sinking to it; a louder one is left as the song has it.
      expect(gainDbAt(out[0]!, original[0]!, 20 * rate - 2 * w)).toBeCloseTo(ending < outgoing ? -6 : 0, 0);
    }
  });

  test("into an ending 14 dB quieter: sunk to the step the song itself takes into its ending, whatever the size", () => {
    const original = tone([
      [20, 0.5],
      [20, 0.1],
    ]);
    const step = (ownStepIntoUnity?: number) => {
      const out = original.map((c) => c.slice());
      rideLevels(out, {
        sampleRate: rate,
        seams: [20 * rate],
        protectedEnd: 2 * rate,
        transitionSamples: w,
        unityFrom: 20 * rate,
        ownStepIntoUnity,
        peak: 1,
      });
      expect(differing(out[0]!.subarray(20 * rate + w), original[0]!.subarray(20 * rate + w))).toBe(0);
      expect(countClicks(out, rate, [20])).toBe(0);
      return stepAt(out, 20);
    };
    // The song reaches its ending at the ending's level: the planner's 14 dB drop is ridden away (the 3 s before the
    // join read a little of the sink's last slope).
    expect(step(0)).toBeLessThanOrEqual(2);
    // The song drops 14 dB into its ending itself, or nothing is known of it: left as it is (structure).
    expect(step(14)).toBeGreaterThan(13);
    expect(step(undefined)).toBeGreaterThan(13);
    // It drops 6 dB itself: the join keeps those 6.
    expect(Math.abs(step(6) - 6)).toBeLessThanOrEqual(1.5);
  });

  test("reading the levels from the input's loudness profile (the planner's) rides as measuring the output does", () => {
    const original = tone([
      [12, 0.5],
      [10, 0.25],
      [14, 0.4],
    ]);
    const seams = [12 * rate, 22 * rate];
    const exact = original.map((c) => c.slice());
    const fast = original.map((c) => c.slice());
    const options = { sampleRate: rate, seams, protectedEnd: 2 * rate, transitionSamples: w, peak: 1 };
    const profile = createLoudnessProfile({ sampleRate: rate, channels: original });
    const pieces = [{ output: 0, source: 0, count: original[0]!.length }];
    const a = rideLevels(exact, options);
    const b = rideLevels(fast, { ...options, rawLoudness: copiedLoudness(pieces, profile.lufs) });
    expect(b.ridden).toBe(2);
    expect(b.largestStepLu).toBeCloseTo(a.largestStepLu, 1);
    let largest = 0;
    for (let i = 0; i < exact[0]!.length; i++) largest = Math.max(largest, Math.abs(exact[0]![i]! - fast[0]![i]!));
    expect(largest).toBeLessThan(0.005);
  });

  test.each([
    ["a step within 1 LU", 0.47],
    [`a step of more than ${MAX_RIDE_DB} dB (the music's own structure)`, 0.1],
  ])("%s is left as it is", (_, quieter) => {
    const original = tone([
      [20, 0.5],
      [20, quieter],
    ]);
    const out = original.map((c) => c.slice());
    expect(ride(out, 20).ridden).toBe(0);
    for (const [c, channel] of out.entries()) expect(differing(channel, original[c]!)).toBe(0);
  });
});
