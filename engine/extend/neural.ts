import { streamOf, withWholeAudio } from "../audio/stream.ts";
import { monoAt, resample, rms } from "../audio/index.ts";
import { frameCount, type PcmAudio } from "../audio/pcm.ts";
import { finishWithPlanner } from "./chain-fallback.ts";
import { chainFault, chunkHealth, type ChunkHealth } from "../analysis/chain-health.ts";
import { levelCeiling, limitToCeiling } from "./level-guard.ts";
import { crossfadeInto, fadeOutTail, smoothJoin } from "./shaping.ts";
import type { ExtendResult, FormSetting, Predictor } from "./types.ts";

export interface NeuralExtendOptions {
  readonly targetSeconds: number;
  readonly fadeOutSeconds: number;
  readonly crossfadeSeconds: number;
  /** Loudness matching never amplifies the prediction by more than this (a near-silent prediction stays quiet). */
  readonly maxGainDb?: number;
  /** Crossfade at the planner's joins when a chain that stopped is finished by the planner, seconds. */
  readonly plannerCrossfadeSeconds?: number;
  /** The form the planner takes when the chain's first prediction already fails (then the extension is all its own). */
  readonly form?: FormSetting;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
}

const DECLICK_SECONDS = 0.005;

/**
 * The seed's chained continuation: the newest `contextSeconds` (generated seconds included) are the next input,
 * `horizonSeconds` at a time. Consecutive predictions overlap by `crossfadeSeconds` and are crossfaded; the join to
 * the untouched original is de-clicked; the extension is matched to the loudness of the original's last context
 * window, never louder than the song's loudest 3 s nor above its peak, and ends with a fade-out. A prediction that
 * turns to noise or diverges stops the chain (analysis/chain-health.ts): the model-free planner makes the rest, and the notes
 * say where and why. Returns exactly round(targetSeconds * sampleRate) frames.
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
  const history = await monoAt(input, modelRate);
  const chain = await runChain(history, predictor, {
    neededAtModelRate: Math.ceil((extensionFrames / sampleRate) * modelRate) + 1,
    overlap: Math.min(
      Math.round(options.crossfadeSeconds * modelRate),
      Math.floor(Math.round(predictor.horizonSeconds * modelRate) / 2),
    ),
    onProgress: (written) =>
      options.onProgress?.(Math.min(written / modelRate, extensionFrames / sampleRate), extensionFrames / sampleRate),
  });
  const seams = chain.starts.map((start) => inputFrames / sampleRate + start / modelRate);
  const keptFrames = chain.fault
    ? Math.min(extensionFrames, Math.round((chain.written / modelRate) * sampleRate))
    : extensionFrames;

  const notes: string[] = [];
  const extensionMono =
    chain.written === 0
      ? new Float32Array(0)
      : (
          await resample({ sampleRate: modelRate, channels: [chain.generated.subarray(0, chain.written)] }, sampleRate)
        ).channels[0]!.subarray(0, keptFrames);
  const contextFrames = Math.min(inputFrames, Math.round(predictor.contextSeconds * sampleRate));
  const referenceLevel = rms(history.subarray(history.length - contextLength));
  const predictedLevel = rms(extensionMono);
  const gain = matchingGain(referenceLevel, predictedLevel, options.maxGainDb ?? 24, notes);

  let largestCutDb = 0;
  const extensions = input.channels.map((original) => {
    const tail = original.subarray(inputFrames - contextFrames, inputFrames);
    const channelBalance = referenceLevel > 0 ? rms(tail) / referenceLevel : 1;
    const extension = extensionMono.map((s) => s * gain * channelBalance);
    const cut = limitToCeiling(extension, sampleRate, levelCeiling(original.subarray(0, inputFrames), sampleRate));
    largestCutDb = Math.max(largestCutDb, cut);
    if (extension.length > 0) {
      smoothJoin(extension, original[inputFrames - 1] ?? 0, Math.round(DECLICK_SECONDS * sampleRate));
    }
    return extension;
  });
  if (largestCutDb > 0.05) {
    notes.push(
      `the model's output was turned down by up to ${largestCutDb.toFixed(1)} dB where it was louder than the song's loudest 3 s or its peak`,
    );
  }
  if (chain.fault) return fallBack(input, extensions, seams, chain, options, notes);

  const fadeFrames = Math.min(Math.round(options.fadeOutSeconds * sampleRate), extensionFrames);
  const channels = input.channels.map((original, c) => {
    const out = new Float32Array(targetFrames);
    out.set(original.subarray(0, inputFrames));
    out.set(extensions[c]!, inputFrames);
    fadeOutTail(out, targetFrames, fadeFrames);
    return out;
  });
  const audio = { sampleRate, channels };
  // The neural chain is made whole (it is not a default engine); it is read as a stream like the others.
  return {
    audio,
    stream: streamOf(audio),
    engine: "neural",
    form: "continue",
    formReason: "the neural engine always continues after the whole input",
    introSeconds: frameCount(input) / sampleRate,
    seams,
    chunks: chain.starts.length,
    notes,
    ...(fadeFrames > 0 && { closingFade: { startSeconds: (targetFrames - fadeFrames) / sampleRate, curve: "sine" } }),
  };
}

interface Chain {
  /** The sane predictions, crossfaded, at the model rate; valid up to `written`. */
  readonly generated: Float32Array;
  readonly written: number;
  /** Where each kept prediction starts in `generated`. */
  readonly starts: readonly number[];
  /** Why the chain stopped early, and at which prediction (1-based); undefined when it ran to the end. */
  readonly fault?: { readonly reason: string; readonly prediction: number };
}

/**
 * The chain itself: each prediction reads the newest context (generated samples included) and is crossfaded onto
 * the last by `overlap` samples. Each prediction is checked (analysis/chain-health.ts) before it is kept; the first that
 * fails stops the chain, and is not kept.
 */
async function runChain(
  history: Float32Array,
  predictor: Predictor,
  settings: { neededAtModelRate: number; overlap: number; onProgress: (written: number) => void },
): Promise<Chain> {
  const modelRate = predictor.sampleRate;
  const contextLength = Math.round(predictor.contextSeconds * modelRate);
  const horizonLength = Math.round(predictor.horizonSeconds * modelRate);
  const { neededAtModelRate, overlap } = settings;
  const song = chunkHealth(history.subarray(Math.max(0, history.length - contextLength)), modelRate);
  const health: ChunkHealth[] = [];
  const generated = new Float32Array(neededAtModelRate + horizonLength);
  const starts: number[] = [];
  let written = 0;
  while (written < neededAtModelRate) {
    const start = starts.length === 0 ? 0 : written - overlap;
    const prediction = await predictor.predict(lastSamples(history, generated, start, contextLength));
    health.push(chunkHealth(prediction.subarray(0, horizonLength), modelRate));
    const reason = chainFault(song, health);
    if (reason) return { generated, written, starts, fault: { reason, prediction: health.length } };
    if (starts.length === 0) {
      smoothJoin(prediction, history[history.length - 1] ?? 0, Math.round(DECLICK_SECONDS * modelRate));
      generated.set(prediction.subarray(0, generated.length), 0);
    } else {
      crossfadeInto(generated, start, prediction.subarray(0, generated.length - start), overlap);
    }
    starts.push(start);
    written = start + horizonLength;
    settings.onProgress(written);
  }
  return { generated, written, starts };
}

/** A chain that stopped: its sane part, then the model-free planner for the rest, with notes saying so. */
async function fallBack(
  input: PcmAudio,
  kept: readonly Float32Array[],
  seams: readonly number[],
  chain: Chain,
  options: NeuralExtendOptions,
  notes: readonly string[],
): Promise<ExtendResult> {
  const fault = chain.fault!;
  const keptSeconds = (kept[0]?.length ?? 0) / input.sampleRate;
  const finished = await finishWithPlanner(input, kept, seams, {
    targetSeconds: options.targetSeconds,
    fadeOutSeconds: options.fadeOutSeconds,
    crossfadeSeconds: options.crossfadeSeconds,
    plannerCrossfadeSeconds: options.plannerCrossfadeSeconds ?? 0.02,
    form: options.form,
  });
  const at = formatTime(frameCount(input) / input.sampleRate + keptSeconds);
  const stop =
    keptSeconds === 0
      ? `the neural chain stopped at its first prediction: ${fault.reason}; the model-free planner made the whole extension`
      : `the neural chain stopped at prediction ${fault.prediction} (${at}): ${fault.reason}; the model-free planner made the rest after ${keptSeconds.toFixed(1)} s of the model's output`;
  const { stream, plannerNotes, ...fields } = finished;
  return withWholeAudio(
    { ...fields, engine: keptSeconds === 0 ? "remix" : "neural", notes: [stop, ...notes, ...plannerNotes] },
    stream,
  );
}

/** The gain that brings the prediction to the song's level, at most `maxGainDb` (a note says when that caps it). */
function matchingGain(referenceLevel: number, predictedLevel: number, maxGainDb: number, notes: string[]): number {
  const gain = predictedLevel > 0 ? referenceLevel / predictedLevel : 1;
  if (gain <= 10 ** (maxGainDb / 20)) return gain;
  notes.push(
    `the model's prediction is ${(20 * Math.log10(referenceLevel / Math.max(predictedLevel, 1e-12))).toFixed(1)} dB quieter than the song; gain capped at +${maxGainDb.toFixed(0)} dB`,
  );
  return 10 ** (maxGainDb / 20);
}

function formatTime(seconds: number): string {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
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
