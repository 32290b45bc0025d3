import type { ScoredFiles } from "./evaluate.ts";
import type { Conductor } from "../model/port.ts";
import type { Standardisation } from "../model/standardise.ts";
import type { FileFrames } from "./feature-windows.ts";

/** The conductor and the three baselines, scored on the same windows. */
export const CONDUCTOR_METHODS = ["conductor", "repeatLast", "contextMean", "songMean"] as const;
export type ConductorMethod = (typeof CONDUCTOR_METHODS)[number];

export const METHOD_LABELS: Record<ConductorMethod, string> = {
  conductor: "conductor",
  repeatLast: "repeat the last second",
  contextMean: "mean of the last 20 s",
  songMean: "mean of the input so far",
};

/** Scores of one method: MSE and mean cosine similarity of the predicted frames, in standardised features. */
export interface MethodScore {
  readonly mse: number;
  readonly cosine: number;
}

export type MethodScores = Record<ConductorMethod, MethodScore>;

export interface ConductorFileEvaluation {
  readonly name: string;
  readonly windows: number;
  readonly scores: MethodScores;
}

export type ConductorEvaluation = ScoredFiles<ConductorFileEvaluation, MethodScores>;

/**
 * For every window of contextFrames seconds (every hopFrames) of every file, the conductor predicts the next
 * horizonFrames frames; the prediction and three baselines (the last context frame repeated, the mean of the context,
 * the mean of every frame from the song's start to the window's end) are compared with the true frames after
 * standardising everything with `standardisation` (the model's own): MSE over frames and dimensions, and the cosine
 * similarity of each predicted frame with the true one, averaged.
 */
export async function evaluateConductor(options: {
  readonly conductor: Conductor;
  readonly files: readonly FileFrames[];
  readonly standardisation: Standardisation;
  readonly hopFrames?: number;
}): Promise<ConductorEvaluation> {
  const { conductor, standardisation } = options;
  const hop = Math.max(1, Math.round(options.hopFrames ?? 1));
  const total = emptySums();
  let windows = 0;
  const files: ConductorFileEvaluation[] = [];
  const skipped: string[] = [];
  for (const file of options.files) {
    const z = file.frames.map((frame) => standardised(frame, standardisation));
    const sums = emptySums();
    let count = 0;
    const running = new Float64Array(conductor.featureSize); // sum of frames [0, end)
    let summed = 0;
    for (let start = 0; start + conductor.contextFrames + conductor.horizonFrames <= z.length; start += hop) {
      const end = start + conductor.contextFrames;
      for (; summed < end; summed++)
        z[summed]!.forEach((v, d) => {
          running[d]! += v;
        });
      const predicted = await conductor.predict(file.frames.slice(start, end));
      const truth = z.slice(end, end + conductor.horizonFrames);
      const guesses: Record<ConductorMethod, readonly Float64Array[]> = {
        conductor: predicted.map((frame) => standardised(frame, standardisation)),
        repeatLast: repeat(z[end - 1]!, truth.length),
        contextMean: repeat(meanOf(z.slice(start, end)), truth.length),
        songMean: repeat(
          running.map((v) => v / end),
          truth.length,
        ),
      };
      for (const method of CONDUCTOR_METHODS) addScore(sums[method], guesses[method], truth);
      count += 1;
    }
    if (count === 0) {
      skipped.push(file.name);
      continue;
    }
    files.push({ name: file.name, windows: count, scores: meanScores(sums, count) });
    for (const method of CONDUCTOR_METHODS) {
      total[method].mse += sums[method].mse;
      total[method].cosine += sums[method].cosine;
    }
    windows += count;
  }
  return { files, mean: meanScores(total, Math.max(1, windows)), windows, skipped };
}

type Sums = Record<ConductorMethod, { mse: number; cosine: number }>;

const emptySums = (): Sums => Object.fromEntries(CONDUCTOR_METHODS.map((m) => [m, { mse: 0, cosine: 0 }])) as Sums;

const meanScores = (sums: Sums, n: number): MethodScores =>
  Object.fromEntries(
    CONDUCTOR_METHODS.map((m) => [m, { mse: sums[m].mse / n, cosine: sums[m].cosine / n }]),
  ) as MethodScores;

function standardised(frame: ArrayLike<number>, s: Standardisation): Float64Array {
  return Float64Array.from(s.mean, (mean, d) => (frame[d]! - mean) / s.std[d]!);
}

const repeat = (frame: Float64Array, n: number): Float64Array[] => Array.from({ length: n }, () => frame);

function meanOf(frames: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(frames[0]!.length);
  for (const frame of frames)
    frame.forEach((v, d) => {
      out[d]! += v / frames.length;
    });
  return out;
}

/** Adds one window's MSE (over frames and dimensions) and mean per-frame cosine to `sum`. */
function addScore(
  sum: { mse: number; cosine: number },
  guess: readonly Float64Array[],
  truth: readonly Float64Array[],
): void {
  let squared = 0;
  let cosine = 0;
  truth.forEach((t, i) => {
    const g = guess[i]!;
    let dot = 0;
    let gg = 0;
    let tt = 0;
    t.forEach((v, d) => {
      squared += (g[d]! - v) ** 2;
      dot += g[d]! * v;
      gg += g[d]! * g[d]!;
      tt += v * v;
    });
    cosine += gg > 0 && tt > 0 ? dot / Math.sqrt(gg * tt) : 0;
  });
  sum.mse += squared / (truth.length * truth[0]!.length);
  sum.cosine += cosine / truth.length;
}

/** Terminal tables: the four methods on all windows (MSE, cosine, files won), then MSE per file; * = best. */
export function formatConductorTable(result: ConductorEvaluation): string {
  const bestMse = Math.min(...CONDUCTOR_METHODS.map((m) => result.mean[m].mse));
  const bestCosine = Math.max(...CONDUCTOR_METHODS.map((m) => result.mean[m].cosine));
  const won = (m: ConductorMethod) =>
    result.files.filter((f) => CONDUCTOR_METHODS.every((o) => f.scores[m].mse <= f.scores[o].mse)).length;
  const summary = [
    ["method", "MSE", "cosine", "files best (MSE)"],
    ...CONDUCTOR_METHODS.map((m) => [
      METHOD_LABELS[m],
      `${result.mean[m].mse.toFixed(4)}${result.mean[m].mse === bestMse ? " *" : ""}`,
      `${result.mean[m].cosine.toFixed(4)}${result.mean[m].cosine === bestCosine ? " *" : ""}`,
      `${won(m)}/${result.files.length}`,
    ]),
  ];
  const perFile = [
    ["file (MSE)", "windows", ...CONDUCTOR_METHODS.map((m) => METHOD_LABELS[m])],
    ...result.files.map((f) => {
      const best = Math.min(...CONDUCTOR_METHODS.map((m) => f.scores[m].mse));
      return [
        f.name,
        String(f.windows),
        ...CONDUCTOR_METHODS.map((m) => `${f.scores[m].mse.toFixed(4)}${f.scores[m].mse === best ? " *" : ""}`),
      ];
    }),
  ];
  const lines = [...table(summary), "", ...table(perFile)];
  if (result.skipped.length > 0) lines.push(`skipped (shorter than one window): ${result.skipped.join(", ")}`);
  lines.push(
    `${result.windows} windows; standardised second frames (the model's training mean and deviation); ` +
      "MSE lower is better, cosine (per predicted frame, averaged) higher is better",
  );
  return lines.join("\n");
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join("  ");
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
}
