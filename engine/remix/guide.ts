import { resampleChannel } from "../audio/resample.ts";
import type { Predictor } from "../model/port.ts";
import type { BeatAnalysis } from "../analysis/beats.ts";
import { CHROMA_BINS, MFCC_COEFFICIENTS, frameFeatures, meanOverFrames } from "../analysis/features.ts";
import { createBeatVectoriser, vectorDistance, type BeatVectoriser } from "../analysis/beat-vectors.ts";
import { chainFault, chunkHealth } from "../analysis/chain-health.ts";
import type { PhraseSteering } from "./phrase.ts";
import type { SourceRange } from "./plan.ts";
import { ANALYSIS_RATE, downmix, resampleMono } from "../analysis/signal.ts";
import type { PcmAudio } from "../audio/pcm.ts";
import type { JumpGraph } from "./jump-graph.ts";

export interface GuideContext {
  readonly predictor: Predictor;
  readonly analysis: BeatAnalysis;
  readonly vectoriser: BeatVectoriser;
  /** The original downmixed to mono at its own rate. */
  readonly mono: Float32Array;
  readonly lastPlayable: number;
  /** Divides feature distances into the same units as the choice costs. */
  readonly costScale: number;
  /** Weight of the prediction match against continuity. */
  readonly weight?: number;
}

/**
 * Lets the encoder–decoder choose the path: at each decision point it hears the last contextSeconds of the
 * result, predicts the next horizonSeconds, and the choice whose next beats (played straight on) look most
 * like the prediction (per beat: chroma, MFCC, level relative to the block's mean) wins, continuity cost added.
 */
export function createGuideSteering(context: GuideContext): PhraseSteering {
  const { predictor, analysis, vectoriser, mono } = context;
  const weight = context.weight ?? 4;
  let decisions = 0;
  let steered = 0;
  let stopped: string | undefined;
  const beatSeconds = analysis.beatSamples / analysis.sampleRate;
  const horizonBeats = Math.max(1, Math.floor(predictor.horizonSeconds / beatSeconds));

  return {
    summary: () =>
      `the model chose ${steered} of ${decisions} phrases against the rules' first choice (one prediction per phrase)` +
      (stopped ? `; ${stopped}` : ""),
    async choose(choices, phrases, ranges) {
      if (choices.length <= 1 || stopped) return 0;
      decisions++;
      const contextSamples = Math.round(predictor.contextSeconds * analysis.sampleRate);
      const heard = tailOfResult(mono, ranges, contextSamples);
      const modelInput = fitLength(
        await resampleChannel(heard, analysis.sampleRate, predictor.sampleRate, "fastest"),
        Math.round(predictor.contextSeconds * predictor.sampleRate),
      );
      const prediction = await predictor.predict(modelInput);
      const fault = chainFault(chunkHealth(modelInput, predictor.sampleRate), [
        chunkHealth(prediction, predictor.sampleRate),
      ]);
      if (fault) {
        const at = ranges.reduce((sum, r) => sum + r.end - r.start, 0) / analysis.sampleRate;
        stopped = `at ${at.toFixed(1)} s ${fault}: the rules alone chose every phrase from there on`;
        decisions--;
        return 0;
      }
      const predicted = predictionVectors(prediction, predictor.sampleRate, beatSeconds, horizonBeats, vectoriser);
      let best = 0;
      let bestScore = Infinity;
      choices.forEach((choice, index) => {
        const beats: number[] = [];
        for (let b = phrases[choice.phrase]!.start; b <= context.lastPlayable && beats.length < predicted.length; b++)
          beats.push(b);
        const match = sequenceDistance(
          predicted,
          beats.map((b) => vectoriser.vectors[b]!),
        );
        const score = choice.cost + (weight * match) / context.costScale;
        if (score < bestScore) {
          bestScore = score;
          best = index;
        }
      });
      if (best !== 0) steered++;
      return best;
    },
  };
}

/** The last `count` samples of the result so far (its ranges back to back), mono. */
export function tailOfResult(mono: Float32Array, ranges: readonly SourceRange[], count: number): Float32Array {
  const out = new Float32Array(count);
  let writeEnd = count;
  for (let r = ranges.length - 1; r >= 0 && writeEnd > 0; r--) {
    const range = ranges[r]!;
    const take = Math.min(range.end - range.start, writeEnd);
    out.set(mono.subarray(range.end - take, range.end), writeEnd - take);
    writeEnd -= take;
  }
  return out;
}

function fitLength(samples: Float32Array, length: number): Float32Array {
  if (samples.length === length) return samples;
  const out = new Float32Array(length);
  out.set(samples.subarray(Math.max(0, samples.length - length)), Math.max(0, length - samples.length));
  return out;
}

/** The prediction cut into beat-length blocks, each described like a beat of the song. */
function predictionVectors(
  prediction: Float32Array,
  sampleRate: number,
  beatSeconds: number,
  blocks: number,
  vectoriser: BeatVectoriser,
): Float32Array[] {
  const samples = resampleMono(prediction, sampleRate, ANALYSIS_RATE);
  const frames = frameFeatures(samples, ANALYSIS_RATE);
  const framesPerBeat = (beatSeconds * ANALYSIS_RATE) / frames.hop;
  const vectors: Float32Array[] = [];
  for (let b = 0; b < blocks; b++) {
    const from = Math.floor(b * framesPerBeat);
    const to = Math.floor((b + 1) * framesPerBeat);
    if (from >= frames.frameCount) break;
    const chroma = meanOverFrames(frames.chroma, CHROMA_BINS, from, to);
    const mfcc = meanOverFrames(frames.mfcc, MFCC_COEFFICIENTS, from, to);
    let power = 0;
    for (let f = from; f < Math.min(to, frames.frameCount); f++) power += 10 ** (frames.levelDb[f]! / 10);
    const level = power > 0 ? 10 * Math.log10(power / Math.max(1, to - from)) : -120;
    vectors.push(vectoriser.vectorise(chroma, mfcc, level));
  }
  return vectors;
}

/** Mean distance of aligned vectors, levels compared relative to each sequence's mean (the model normalises loudness). */
function sequenceDistance(predicted: Float32Array[], candidate: Float32Array[]): number {
  const n = Math.min(predicted.length, candidate.length);
  if (n === 0) return Infinity;
  const levelIndex = (predicted[0]?.length ?? 1) - 1;
  const meanLevel = (vs: Float32Array[]) => vs.slice(0, n).reduce((s, v) => s + v[levelIndex]!, 0) / n;
  const shift = meanLevel(candidate) - meanLevel(predicted);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Float32Array.from(predicted[i]!);
    p[levelIndex]! += shift;
    sum += vectorDistance(p, candidate[i]!);
  }
  // Paths that run out of playable beats early cover less of the prediction: count the gap as far.
  return (sum + (predicted.length - n) * 2) / predicted.length;
}

/** The raw-audio encoder–decoder as a phrase steering (the hybrid engine). */
export function guideSteering(
  input: PcmAudio,
  analysis: BeatAnalysis,
  graph: JumpGraph,
  predictor: Predictor,
): PhraseSteering {
  const costs = graph.jumps
    .map((j) => j[0]?.cost ?? Infinity)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return createGuideSteering({
    predictor,
    analysis,
    vectoriser: createBeatVectoriser(analysis),
    mono: downmix(input),
    lastPlayable: graph.lastPlayable,
    costScale: Math.max(1e-6, costs[Math.floor(costs.length / 2)] ?? 1),
  });
}
