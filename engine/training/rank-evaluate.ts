import { frameDistance } from "../analysis/second-frames.ts";
import type { FileFrames } from "./feature-windows.ts";
import { stretchDistance } from "./rank-windows.ts";

/** A guess of the next horizon frames (raw) from the song's frames and the cut (the first frame to guess). */
export type RankGuess = (frames: readonly Float32Array[], cut: number) => Promise<readonly Float32Array[]>;

export interface RankScore {
  /** Cuts where the guess's nearest candidate is the truth's nearest. */
  readonly top1: number;
  /** Cuts where the truth's nearest is among the guess's 5 nearest. */
  readonly top5: number;
  /** Mean Spearman correlation of the candidates' distances from the guess and from the truth. */
  readonly spearman: number;
  /** Mean of how much farther from the truth the guess's nearest candidate is than the truth's nearest. */
  readonly regret: number;
  readonly cuts: number;
}

/**
 * How well each guess ranks the earlier material for what comes next: at cuts every hopFrames (from firstCut on, while
 * horizonFrames follow), candidates are the horizonFrames-frame stretches starting at every earlier second up to
 * cut - horizonFrames, and each guess's distances to them (the steering's: mean frameDistance) are compared with the
 * true next frames'. Returns the scores per guess over all cuts, and per file.
 */
export async function evaluateRanking(options: {
  readonly guesses: Readonly<Record<string, RankGuess>>;
  readonly files: readonly FileFrames[];
  readonly horizonFrames: number;
  readonly firstCut: number;
  readonly hopFrames: number;
}): Promise<{ total: Record<string, RankScore>; files: { name: string; scores: Record<string, RankScore> }[] }> {
  const { horizonFrames: h } = options;
  const names = Object.keys(options.guesses);
  const total = Object.fromEntries(names.map((n) => [n, emptySum()]));
  const files: { name: string; scores: Record<string, RankScore> }[] = [];
  for (const file of options.files) {
    const sums = Object.fromEntries(names.map((n) => [n, emptySum()]));
    for (let t = options.firstCut; t + h <= file.frames.length; t += options.hopFrames) {
      const starts = Array.from({ length: t - h + 1 }, (_, s) => s);
      const truth = starts.map((s) => stretchDistance(file.frames, t, s, h));
      for (const name of names) {
        const guess = await options.guesses[name]!(file.frames, t);
        const guessed = starts.map((s) => guessDistance(guess, file.frames, s));
        addCut(sums[name]!, guessed, truth);
        addCut(total[name]!, guessed, truth);
      }
    }
    files.push({ name: file.name, scores: Object.fromEntries(names.map((n) => [n, meanOf(sums[n]!)])) });
  }
  return { total: Object.fromEntries(names.map((n) => [n, meanOf(total[n]!)])), files };
}

function guessDistance(guess: readonly Float32Array[], frames: readonly Float32Array[], start: number): number {
  let sum = 0;
  guess.forEach((frame, k) => {
    sum += frameDistance(frame, frames[start + k]!);
  });
  return sum / guess.length;
}

type Sum = { top1: number; top5: number; spearman: number; regret: number; cuts: number };

const emptySum = (): Sum => ({ top1: 0, top5: 0, spearman: 0, regret: 0, cuts: 0 });

const meanOf = (s: Sum): RankScore => ({
  top1: s.top1 / Math.max(1, s.cuts),
  top5: s.top5 / Math.max(1, s.cuts),
  spearman: s.spearman / Math.max(1, s.cuts),
  regret: s.regret / Math.max(1, s.cuts),
  cuts: s.cuts,
});

function addCut(sum: Sum, guessed: readonly number[], truth: readonly number[]): void {
  const byGuess = order(guessed);
  const best = order(truth)[0]!;
  sum.top1 += byGuess[0] === best ? 1 : 0;
  sum.top5 += byGuess.slice(0, 5).includes(best) ? 1 : 0;
  sum.spearman += spearman(guessed, truth);
  sum.regret += truth[byGuess[0]!]! - truth[best]!;
  sum.cuts += 1;
}

/** Indices of `values` from the smallest up. */
const order = (values: readonly number[]): number[] =>
  values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);

/** Spearman's rank correlation (ties broken by position). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (values: readonly number[]) => {
    const ranks = new Float64Array(values.length);
    order(values).forEach((index, r) => {
      ranks[index] = r;
    });
    return ranks;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  if (n < 2) return 0;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (ra[i]! - rb[i]!) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

/** Baseline guesses: every predicted frame the mean of the last `seconds` frames, or the last horizon frames again. */
export const meanOfLast =
  (seconds: number, horizonFrames: number): RankGuess =>
  async (frames, cut) => {
    const mean = new Float32Array(frames[0]!.length);
    for (let t = cut - seconds; t < cut; t++)
      frames[t]!.forEach((v, d) => {
        mean[d]! += v / seconds;
      });
    return Array.from({ length: horizonFrames }, () => mean);
  };

export const lastStretch =
  (horizonFrames: number): RankGuess =>
  async (frames, cut) =>
    frames.slice(cut - horizonFrames, cut);
