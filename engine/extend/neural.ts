import { monoAt, resample, rms } from "../audio/index.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { clampInPlace, crossfadeInto, fadeOutTail, smoothJoin } from "./shaping.ts";
import type { ExtendResult, Predictor } from "./types.ts";

export interface NeuralExtendOptions {
  readonly targetSeconds: number;
  readonly fadeOutSeconds: number;
  readonly crossfadeSeconds: number;
  /** Loudness matching never amplifies the prediction by more than this (a near-silent prediction stays quiet). */
  readonly maxGainDb?: number;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
}

const DECLICK_SECONDS = 0.005;

/**
 * The seed's chained continuation: the newest `contextSeconds` (generated seconds included) are the next input,
 * `horizonSeconds` at a time. Consecutive predictions overlap by `crossfadeSeconds` and are crossfaded; the join to
 * the untouched original is de-clicked; the extension is matched to the loudness of the original's last context
 * window and ends with a fade-out. Returns exactly round(targetSeconds * sampleRate) frames.
 */
export async function extendWithModel(
  input: PcmAudio,
  predictor: Predictor,
  options: NeuralExtendOptions,
): Promise<ExtendResult> {
  const sampleRate = input.sampleRate;
  const inputFrames = frameCount(input);
  const targetFrames = Math.round(options.targetSeconds * sampleRate);
  const extensionFrames = targetFrames - inputFrames;
  const modelRate = predictor.sampleRate;
  const contextLength = Math.round(predictor.contextSeconds * modelRate);
  const horizonLength = Math.round(predictor.horizonSeconds * modelRate);
  const overlap = Math.min(Math.round(options.crossfadeSeconds * modelRate), Math.floor(horizonLength / 2));
  const neededAtModelRate = Math.ceil((extensionFrames / sampleRate) * modelRate) + 1;

  const history = await monoAt(input, modelRate);
  const generated = new Float32Array(neededAtModelRate + horizonLength);
  const seams: number[] = [];
  let written = 0;
  let chunks = 0;
  while (written < neededAtModelRate) {
    const start = chunks === 0 ? 0 : written - overlap;
    const context = lastSamples(history, generated, start, contextLength);
    const prediction = await predictor.predict(context);
    if (chunks === 0) {
      smoothJoin(prediction, history[history.length - 1] ?? 0, Math.round(DECLICK_SECONDS * modelRate));
      generated.set(prediction.subarray(0, generated.length), 0);
    } else {
      crossfadeInto(generated, start, prediction.subarray(0, generated.length - start), overlap);
    }
    seams.push(inputFrames / sampleRate + start / modelRate);
    written = start + horizonLength;
    chunks += 1;
    options.onProgress?.(Math.min(written / modelRate, extensionFrames / sampleRate), extensionFrames / sampleRate);
  }

  const notes: string[] = [];
  const extensionMono = (
    await resample({ sampleRate: modelRate, channels: [generated.subarray(0, written)] }, sampleRate)
  ).channels[0]!.subarray(0, extensionFrames);
  const contextFrames = Math.min(inputFrames, Math.round(predictor.contextSeconds * sampleRate));
  const referenceLevel = rms(history.subarray(history.length - contextLength));
  const predictedLevel = rms(extensionMono);
  const maxGain = 10 ** ((options.maxGainDb ?? 24) / 20);
  let gain = predictedLevel > 0 ? referenceLevel / predictedLevel : 1;
  if (gain > maxGain) {
    notes.push(
      `the model's prediction is ${(20 * Math.log10(referenceLevel / Math.max(predictedLevel, 1e-12))).toFixed(1)} dB quieter than the song; gain capped at +${(options.maxGainDb ?? 24).toFixed(0)} dB`,
    );
    gain = maxGain;
  }

  const channels = input.channels.map((original) => {
    const out = new Float32Array(targetFrames);
    out.set(original.subarray(0, inputFrames));
    const tail = original.subarray(inputFrames - contextFrames, inputFrames);
    const channelBalance = referenceLevel > 0 ? rms(tail) / referenceLevel : 1;
    const extension = extensionMono.map((s) => s * gain * channelBalance);
    clampInPlace(extension);
    smoothJoin(extension, original[inputFrames - 1] ?? 0, Math.round(DECLICK_SECONDS * sampleRate));
    out.set(extension, inputFrames);
    fadeOutTail(out, targetFrames, Math.min(Math.round(options.fadeOutSeconds * sampleRate), extensionFrames));
    return out;
  });
  return {
    audio: { sampleRate, channels },
    engine: "neural",
    form: "continue",
    formReason: "the neural engine always continues after the whole input",
    introSeconds: frameCount(input) / sampleRate,
    seams,
    chunks,
    notes,
  };
}

/** The `length` samples that end at `generated[end]`, reaching back into `history` when needed. */
function lastSamples(history: Float32Array, generated: Float32Array, end: number, length: number): Float32Array {
  const context = new Float32Array(length);
  const fromGenerated = Math.min(end, length);
  const fromHistory = length - fromGenerated;
  context.set(
    history.subarray(Math.max(0, history.length - fromHistory)),
    fromHistory - Math.min(fromHistory, history.length),
  );
  context.set(generated.subarray(end - fromGenerated, end), fromHistory);
  return context;
}
