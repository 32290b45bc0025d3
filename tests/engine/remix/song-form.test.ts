import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { countClicks } from "../../../engine/quality/clicks.ts";
import { remixExtend } from "../../../engine/remix/index.ts";
import { clickSong } from "./signals.ts";

const rate = 22050;
const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02 };

/** A song with an intro (rising out of silence over 5 s), a body of distinct bars, and a fade to 1 s of silence. */
function songWithForm(seconds: number, seed: number): PcmAudio {
  const song = clickSong({ seconds, seed, endingSeconds: 1 });
  return { sampleRate: rate, channels: song.channels.map((c) => c.map((v, i) => v * Math.min(1, i / (5 * rate)))) };
}

const same = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const lastSound = (samples: Float32Array) => {
  let i = samples.length - 1;
  while (i > 0 && Math.abs(samples[i]!) < 1e-4) i--;
  return i + 1;
};

/** Positions where `block` occurs in `samples`, sample for sample. */
function occurrences(samples: Float32Array, block: Float32Array): number[] {
  const found: number[] = [];
  for (let p = 0; p + block.length <= samples.length; p++) {
    if (samples[p] === block[0] && same(samples.subarray(p, p + block.length), block)) found.push(p);
  }
  return found;
}

describe("song form", () => {
  const song = songWithForm(90, 11);
  const input = song.channels[0]!;

  test("a song with an ending, extended to 3x: its intro once at the start, its own ending at the very end, no restart", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 270, seed: 1 });
    const out = result.audio.channels[0]!;
    expect(result.form).toBe("song");
    expect(result.formReason).toMatch(/ending of its own/);
    expect(out.length).toBe(270 * rate);

    // The intro, sample for sample, up to the first seam's crossfade.
    expect(result.introSeconds).toBeGreaterThanOrEqual(5);
    expect(result.introSeconds).toBeLessThanOrEqual(0.3 * 90);
    expect(result.seams[0]).toBeGreaterThanOrEqual(result.introSeconds - 0.01);
    const intro = Math.round((result.seams[0]! - 0.02) * rate);
    expect(same(out.subarray(0, intro), input.subarray(0, intro))).toBe(true);

    // The song's own ending: its last 8 s of sound end the result (at most a bar of silence after it).
    const outEnd = lastSound(out);
    const inEnd = lastSound(input);
    expect(out.length - outEnd).toBeLessThan(2 * rate + (input.length - inEnd));
    const tail = 8 * rate;
    expect(same(out.subarray(outEnd - tail, outEnd), input.subarray(inEnd - tail, inEnd))).toBe(true);

    // The opening (2 s from its first second) is heard once: no da capo.
    const opening = input.subarray(rate, 3 * rate);
    expect(occurrences(out, opening)).toEqual([rate]);
    // No silence inside the result: the ending's silence is heard once, at the end.
    const gaps = occurrences(out, new Float32Array(Math.round(0.5 * rate)));
    expect(gaps.every((p) => p > outEnd)).toBe(true);
    expect(countClicks(result.audio.channels, rate, result.seams)).toBe(0);
  });

  test("the body re-orders the song: no contiguous copy over 45 s after the intro, many joins", async () => {
    const result = await remixExtend(song, { ...options, targetSeconds: 270, seed: 2 });
    // The intro's run goes on past the intro up to the first seam; every later run lies between two seams.
    const runs = [result.seams[0]! - result.introSeconds, ...result.segments.map((s) => s.seconds)];
    expect(Math.max(...runs)).toBeLessThanOrEqual(45);
    expect(result.seams.length).toBeGreaterThanOrEqual(6);
  });

  test("an input with no ending (cut mid-phrase) is kept whole and continued after", async () => {
    const clip = clickSong({ seconds: 60, seed: 12 });
    const result = await remixExtend(clip, { ...options, targetSeconds: 150, seed: 1 });
    expect(result.form).toBe("continue");
    expect(result.formReason).toMatch(/no ending of its own/);
    expect(result.introSeconds).toBeCloseTo(60, 6);
    clip.channels.forEach((channel, c) => {
      expect(same(result.audio.channels[c]!.subarray(0, channel.length), channel)).toBe(true);
    });
  });

  test("--form overrides the detection both ways, and says so", async () => {
    const continued = await remixExtend(song, { ...options, targetSeconds: 200, seed: 1, form: "continue" });
    expect(continued.form).toBe("continue");
    expect(continued.formReason).toMatch(/asked for/);
    // The reason reaches the cloud's email and result page too, where the form is asked for by metadata, not --form.
    expect(continued.formReason).not.toMatch(/--form/);
    // Asked to continue a song that ends (a fade to 1 s of silence): the result fades and falls silent mid-way, then
    // goes on. The reason says so, as the song form's says what it found.
    expect(continued.formReason).toMatch(
      /^continue: asked for, although the input has an ending of its own \(.*silence.*\): the whole input plays, its ending too, before the continuation/,
    );
    const clip = clickSong({ seconds: 60, seed: 12 });
    const shaped = await remixExtend(clip, { ...options, targetSeconds: 150, seed: 1, form: "song" });
    expect(shaped.form).toBe("song");
    expect(shaped.formReason).toMatch(
      /^song: asked for, although the input has no ending of its own \(.*\): the result ends with the input's last seconds$/,
    );
    expect(shaped.formReason).not.toMatch(/--form/);
    const asked = await remixExtend(clip, { ...options, targetSeconds: 150, seed: 1, form: "continue" });
    expect(asked.formReason).toMatch(/^continue: asked for; the input has no ending of its own either \(.*\)$/);
    // Ends with the clip's own last seconds: at most 0.1 s of it trimmed (or padded) to be on time, and 5 ms faded.
    const out = shaped.audio.channels[0]!;
    const inputEnd = clip.channels[0]!.length;
    const tail = clip.channels[0]!.subarray(inputEnd - 5 * rate, inputEnd - Math.round(0.11 * rate));
    const found = occurrences(out, tail);
    expect(found).toHaveLength(1);
    expect(Math.abs(found[0]! + 5 * rate - out.length)).toBeLessThan(0.1 * rate);
  });
});
