import type { PcmAudio } from "../audio/pcm.ts";
import { clickRatio } from "./clicks.ts";

/**
 * How a segment join of a parallel encode compares with the same place in a one-piece encode of the same samples,
 * both decoded: the largest difference between the two, each one's error against the samples encoded (rms), each
 * one's largest sample step and the quality report's click ratio (largest step over the local median step).
 */
export interface JoinFigures {
  /** The join, in samples of the decoded stream (its nominal place: the unit boundary the segment starts at). */
  readonly at: number;
  readonly maxDifference: number;
  readonly errorRms: { readonly parallel: number; readonly onePiece: number };
  readonly largestStep: { readonly parallel: number; readonly onePiece: number };
  readonly clickRatio: { readonly parallel: number; readonly onePiece: number };
}

function windowFigures(a: PcmAudio, source: PcmAudio | undefined, from: number, to: number) {
  let error = 0;
  let step = 0;
  a.channels.forEach((x, c) => {
    const s = source?.channels[c];
    for (let i = from; i < to; i++) {
      if (s) error += (x[i]! - s[i]!) ** 2;
      if (i + 1 < to) step = Math.max(step, Math.abs(x[i + 1]! - x[i]!));
    }
  });
  return { errorRms: Math.sqrt(error / ((to - from) * a.channels.length)), step };
}

/** JoinFigures at each of `joins`, over ±`half` samples (clipped to the audio). */
export function joinFigures(
  parallel: PcmAudio,
  onePiece: PcmAudio,
  source: PcmAudio | undefined,
  joins: readonly number[],
  half: number,
): JoinFigures[] {
  const length = Math.min(parallel.channels[0]!.length, onePiece.channels[0]!.length);
  return joins.map((at) => {
    const from = Math.max(0, at - half);
    const to = Math.min(length, at + half);
    let maxDifference = 0;
    parallel.channels.forEach((x, c) => {
      const y = onePiece.channels[c]!;
      for (let i = from; i < to; i++) maxDifference = Math.max(maxDifference, Math.abs(x[i]! - y[i]!));
    });
    const p = windowFigures(parallel, source, from, to);
    const o = windowFigures(onePiece, source, from, to);
    return {
      at,
      maxDifference,
      errorRms: { parallel: p.errorRms, onePiece: o.errorRms },
      largestStep: { parallel: p.step, onePiece: o.step },
      clickRatio: {
        parallel: clickRatio(parallel.channels, parallel.sampleRate, at),
        onePiece: clickRatio(onePiece.channels, onePiece.sampleRate, at),
      },
    };
  });
}
