import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { analyseSignal } from "../../../engine/analysis/beats.ts";
import { extendAudio } from "../../../engine/extend/extend.ts";
import { clickRatio, CLICK_RATIO_THRESHOLD } from "../../../engine/quality/clicks.ts";
import { measureResultSeams, seamReferenceOf } from "../../../engine/quality/span.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

const rate = 22050;

/** 4 s of a quiet 220 Hz hum with a hard drum attack (a step to 0.6, decaying) at 2 s. */
function humWithAttack(): Float32Array {
  const attack = 2 * rate;
  return Float32Array.from({ length: 4 * rate }, (_, i) => {
    const hum = 0.02 * Math.sin((2 * Math.PI * 220 * i) / rate);
    return i < attack
      ? hum
      : hum + 0.6 * Math.exp(-(i - attack) / (0.05 * rate)) * Math.cos((2 * Math.PI * 90 * (i - attack)) / rate);
  });
}

/** The song cut at `at` (s) straight into its own position `to` (s): no crossfade. */
function cut(song: Float32Array, at: number, to: number): Float32Array {
  const head = song.subarray(0, Math.round(at * rate));
  const tail = song.subarray(Math.round(to * rate));
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Seam readings of a one-seam result, with the song positions the seam joins. */
function readSeam(
  original: Float32Array,
  result: Float32Array,
  at: number,
  source: { fromSeconds: number; toSeconds: number },
) {
  const audio = (x: Float32Array): PcmAudio => ({ sampleRate: rate, channels: [x] });
  const shared = analyseSignal(audio(original));
  return measureResultSeams(
    { original: audio(original), result: audio(result), seams: [at], seamSources: [source], introSeconds: 0.5 },
    seamReferenceOf(shared),
  );
}

describe("a seam clicks only when its step is clearly larger than the song's own there", () => {
  const song = humWithAttack();

  test("a cut 1 ms before the song's drum attack: a steep step by the ratio alone, no click beside the song's own", () => {
    // Cut at 1 s into 1.999 s: the attack lands 1 ms after the seam, exactly as steep as in the song.
    const result = cut(song, 1, 1.999);
    expect(clickRatio([result], rate, rate)).toBeGreaterThan(CLICK_RATIO_THRESHOLD); // the old rule's click
    const metrics = readSeam(song, result, 1, { fromSeconds: 1, toSeconds: 1.999 });
    expect(metrics.clicksAtSeams).toBe(0);
    const [seam] = metrics.seamList;
    expect(seam!.click).toBe(false);
    expect(seam!.ownStep).toBeGreaterThanOrEqual(seam!.step * 0.99);
  });

  test("a cut that jumps the hum's level where the song is smooth is a click", () => {
    // The hum at 1 s cut into the decaying drum at 2.3 s: a step from near 0 to the drum's level mid-cycle.
    const result = cut(song, 1, 2.3005);
    const metrics = readSeam(song, result, 1, { fromSeconds: 1, toSeconds: 2.3005 });
    expect(metrics.clicksAtSeams).toBe(1);
    expect(metrics.seamList[0]).toMatchObject({ click: true, missed: expect.arrayContaining(["click"]) });
    expect(metrics.seamList[0]!.step).toBeGreaterThan(2 * metrics.seamList[0]!.ownStep!);
  });
});

/** Normalised correlation of two equally long stretches: 1 for the same shape at any gain. */
function correlation(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe("the seam list of a real extension", () => {
  test("lists every seam with its time in the result, the song positions it joins and its figures", async () => {
    const song = synthesizeSong({ seconds: 40, sampleRate: rate, seed: 5 });
    const shared = analyseSignal(song);
    const result = await extendAudio(song, {
      targetSeconds: 100,
      engine: "remix",
      fadeOutSeconds: 6,
      form: "continue",
      beats: shared.beats,
    });
    const metrics = measureResultSeams(
      {
        original: song,
        result: result.audio,
        seams: result.seams,
        seamSources: result.seamSources,
        introSeconds: result.introSeconds,
      },
      seamReferenceOf(shared),
    );
    expect(result.seams.length).toBeGreaterThan(1);
    expect(metrics.seamList.map((s) => s.atSeconds)).toEqual(result.seams.map((s) => Math.round(s * rate) / rate));
    expect(metrics.clicksAtSeams).toBe(metrics.seamList.filter((s) => s.click).length);
    const [left] = song.channels;
    const [out] = result.audio.channels;
    for (const seam of metrics.seamList) {
      expect(seam.fromSeconds).not.toBeNull();
      expect(seam.toSeconds).not.toBeNull();
      expect(Number.isFinite(seam.step) && Number.isFinite(seam.stepRatio)).toBe(true);
      // 100 ms either side (past the 20 ms crossfade) the result is the song at the positions the list names (at the
      // gain a level ride or an entrance fade gives it: compared in shape).
      const at = (seconds: number) => Math.round(seconds * rate);
      const after = at(seam.atSeconds) + at(0.1);
      const entered = at(seam.toSeconds!) + at(0.1);
      expect(correlation(out!.subarray(after, after + 512), left!.subarray(entered, entered + 512))).toBeGreaterThan(
        0.99,
      );
      const before = at(seam.atSeconds) - at(0.1);
      const leaving = at(seam.fromSeconds!) - at(0.1);
      // Before the first seam the result is the whole song; it leaves at its end.
      if (seam.atSeconds > 40)
        expect(
          correlation(out!.subarray(before - 512, before), left!.subarray(leaving - 512, leaving)),
        ).toBeGreaterThan(0.99);
      else expect(seam.fromSeconds).toBe(40);
    }
    // JSON-ready: what report.json holds reads back the same.
    expect(JSON.parse(JSON.stringify(metrics.seamList))).toEqual(metrics.seamList);
  }, 120_000);
});
