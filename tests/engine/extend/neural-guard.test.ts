import { describe, expect, it } from "vitest";
import { peak, rms } from "../../../engine/audio/levels.ts";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { extendAudio } from "../../../engine/extend/extend.ts";
import type { Predictor } from "../../../engine/extend/types.ts";
import { createPredictor } from "../../../engine/model/predictor.ts";
import { mulberry32 } from "../../../engine/random.ts";
import { synthesizeFormSong } from "../../../engine/synth/form-song.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { growingModel } from "./growing-model.ts";

/** A stand-in for a model that has learnt nothing: white noise at the context's level. */
function noisePredictor(): Predictor & { calls: number } {
  const random = mulberry32(7);
  const predictor = {
    sampleRate: 4000,
    contextSeconds: 20,
    horizonSeconds: 10,
    backend: "fake",
    calls: 0,
    async predict(context: Float32Array) {
      predictor.calls += 1;
      const level = rms(context) * Math.sqrt(3);
      return Float32Array.from({ length: 40_000 }, () => level * (2 * random() - 1));
    },
  };
  return predictor;
}

/** The loudest 3 s RMS, stepped by 1 s. */
function loudest3s(samples: Float32Array, sampleRate: number): number {
  let loudest = 0;
  for (let s = 0; s + 3 * sampleRate <= samples.length; s += sampleRate) {
    loudest = Math.max(loudest, rms(samples.subarray(s, s + 3 * sampleRate)));
  }
  return loudest;
}

describe("the neural engine stays sane", () => {
  const song: PcmAudio = synthesizeSong({ seconds: 25, sampleRate: 22050, channels: 2, seed: 5 });

  it("stops a chain that diverges (a model whose weights make its output grow) and lets the planner finish", async () => {
    const result = await extendAudio(song, {
      targetSeconds: 80,
      engine: "neural",
      predictor: createPredictor(growingModel(1.5)),
      fadeOutSeconds: 3,
    });
    for (const [c, channel] of result.audio.channels.entries()) {
      const original = song.channels[c]!;
      expect(channel.length).toBe(80 * 22050);
      expect(channel.subarray(0, original.length)).toEqual(original);
      // Never louder than the song: its peak, and its loudest 3 s.
      expect(peak(channel)).toBeLessThanOrEqual(peak(original));
      expect(loudest3s(channel.subarray(original.length), 22050)).toBeLessThanOrEqual(
        loudest3s(original, 22050) * 1.001,
      );
    }
    const notes = result.notes.join("\n");
    expect(notes).toMatch(/the neural chain stopped at prediction 2 \(0:3\d\): its prediction is \d+\.\d dB louder/);
    expect(notes).toMatch(/the model-free planner made the rest after 10\.0 s of the model's output/);
    expect(result.engine).toBe("neural");
    // The planner's joins follow the model's last second.
    expect(result.seams.filter((s) => s > 35).length).toBeGreaterThan(0);
  });

  it("stops at the first prediction that is noise: the whole extension is the planner's, and it says so", async () => {
    const predictor = noisePredictor();
    const result = await extendAudio(song, { targetSeconds: 45, engine: "neural", predictor, fadeOutSeconds: 3 });
    expect(predictor.calls).toBe(1);
    expect(result.engine).toBe("remix");
    expect(result.notes[0]).toMatch(
      /the neural chain stopped at its first prediction: its prediction turned to noise \(spectral flatness 0\.5\d; the song's 0\.\d\d, the limit 0\.30\); the model-free planner made the whole extension/,
    );
    const planned = await extendAudio(song, { targetSeconds: 45, engine: "remix", fadeOutSeconds: 3 });
    expect(result.form).toBe(planned.form);
    expect(result.audio.channels).toEqual(planned.audio.channels);
  });

  it("when the first prediction fails, the planner keeps a song's ending at the end (song form), unless told otherwise", async () => {
    const formed = synthesizeFormSong({ sampleRate: 22050, seed: 2 });
    const result = await extendAudio(formed, {
      targetSeconds: 150,
      engine: "neural",
      predictor: noisePredictor(),
      fadeOutSeconds: 3,
    });
    // Continuing after the whole song would play its ending and the silence after it mid-result.
    expect(result.form).toBe("song");
    expect(result.engine).toBe("remix");
    const told = await extendAudio(formed, {
      targetSeconds: 150,
      engine: "neural",
      predictor: noisePredictor(),
      form: "continue",
      fadeOutSeconds: 3,
    });
    expect(told.form).toBe("continue");
  });

  it("the hybrid engine stops following a prediction that is noise, and says so", async () => {
    const predictor = noisePredictor();
    // A song with phrases enough that the rules leave the model a choice. (Seed 5 no longer does: the walk's
    // look-ahead sees a repeat coming there and admits one phrase only, so the model is never asked.)
    const longer = synthesizeSong({ seconds: 60, sampleRate: 22050, channels: 2, seed: 3 });
    const result = await extendAudio(longer, { targetSeconds: 120, engine: "hybrid", predictor, fadeOutSeconds: 3 });
    expect(predictor.calls).toBe(1);
    expect(result.notes.join("\n")).toMatch(
      /its prediction turned to noise .*: the rules alone chose every phrase from there on/,
    );
  });
});
