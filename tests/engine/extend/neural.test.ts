import { describe, expect, it } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { extendAudio } from "../../../engine/extend/extend.ts";
import type { Predictor } from "../../../engine/extend/types.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

/** A stand-in for a trained model: "predicts" a 330 Hz tone at a fixed level, and counts its calls. */
function tonePredictor(level = 0.01): Predictor & { calls: number; contexts: Float32Array[] } {
  const sampleRate = 4000;
  const predictor = {
    sampleRate,
    contextSeconds: 20,
    horizonSeconds: 10,
    backend: "fake",
    calls: 0,
    contexts: [] as Float32Array[],
    async predict(context: Float32Array) {
      predictor.calls += 1;
      predictor.contexts.push(context);
      return Float32Array.from(
        { length: 10 * sampleRate },
        (_, i) => level * Math.sin((2 * Math.PI * 330 * i) / sampleRate),
      );
    },
  };
  return predictor;
}

const rmsOf = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));

describe("neural engine (chained 10 s predictions)", () => {
  const song: PcmAudio = synthesizeSong({ seconds: 25, sampleRate: 22050, channels: 2, seed: 5 });

  it("reaches exactly the target length, keeps rate and channels, and leaves the original untouched", async () => {
    const predictor = tonePredictor();
    const result = await extendAudio(song, { targetSeconds: 61.3, engine: "neural", predictor, fadeOutSeconds: 3 });
    expect(result.audio.sampleRate).toBe(22050);
    expect(result.audio.channels).toHaveLength(2);
    for (const [c, channel] of result.audio.channels.entries()) {
      expect(channel.length).toBe(Math.round(61.3 * 22050));
      expect(channel.subarray(0, song.channels[c]!.length)).toEqual(song.channels[c]);
    }
    // 36.3 s to generate, 10 s per prediction overlapping by 0.5 s: 4 predictions.
    expect(result.chunks).toBe(4);
    expect(predictor.calls).toBe(4);
    expect(result.seams[0]).toBeCloseTo(25, 5);
    expect(result.engine).toBe("neural");
  });

  it("feeds its own output back as the next context (chaining)", async () => {
    const predictor = tonePredictor();
    await extendAudio(song, { targetSeconds: 50, engine: "neural", predictor, fadeOutSeconds: 0 });
    expect(predictor.contexts).toHaveLength(3);
    expect(predictor.contexts.every((c) => c.length === 20 * 4000)).toBe(true);
    // the second context ends with the first prediction (after the 0.5 s overlap is excluded): a 330 Hz tone
    const second = predictor.contexts[1]!;
    const tail = second.subarray(second.length - 4000);
    expect(rmsOf(tail)).toBeGreaterThan(0);
  });

  it("matches the extension's loudness to the song (within the gain cap) and fades out to silence", async () => {
    const result = await extendAudio(song, {
      targetSeconds: 60,
      engine: "neural",
      predictor: tonePredictor(0.05),
      fadeOutSeconds: 4,
    });
    const left = result.audio.channels[0]!;
    const songTail = song.channels[0]!.subarray(song.channels[0]!.length - 5 * 22050);
    const extensionMiddle = left.subarray(35 * 22050, 45 * 22050);
    const ratioDb = 20 * Math.log10(rmsOf(extensionMiddle) / rmsOf(songTail));
    expect(Math.abs(ratioDb)).toBeLessThan(3);
    expect(Math.abs(left[left.length - 1]!)).toBeLessThan(1e-3);
    expect(rmsOf(left.subarray(left.length - 2205))).toBeLessThan(rmsOf(extensionMiddle) / 4);
  });

  it("says so when the prediction is far quieter than the song instead of blowing up noise", async () => {
    const result = await extendAudio(song, {
      targetSeconds: 40,
      engine: "neural",
      predictor: tonePredictor(1e-6),
      fadeOutSeconds: 1,
    });
    expect(result.notes.join(" ")).toMatch(/quieter than the song; gain capped at \+24 dB/);
  });

  it("refuses to shorten (it only continues the whole song), naming both lengths and the engine that shortens", async () => {
    await expect(
      extendAudio(song, { targetSeconds: 20, engine: "neural", predictor: tonePredictor(), fadeOutSeconds: 1 }),
    ).rejects.toThrow(
      /neural engine only lengthens.*target of 20 s is shorter than the song \(25\.0 s\).*conductor and remix engines shorten/,
    );
  });

  it("refuses the neural engine without a model, saying how to get one", async () => {
    await expect(extendAudio(song, { targetSeconds: 40, engine: "neural", fadeOutSeconds: 1 })).rejects.toThrow(
      /needs a trained model: run `npx harmonizer train --data DIR`/,
    );
  });
});
