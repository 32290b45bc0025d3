/**
 * The offline measure of a conductor's decisions (issue 23, h58): at cuts every --hop seconds of held-out songs, how
 * well each conductor's 10 s prediction ranks the song's earlier 10 s stretches (every second up to the cut minus
 * 10 s) by their closeness to the true next 10 s, by the steering's distance (mean frameDistance). Beside the
 * conductors: the mean of the last 20 s (what an MSE-trained conductor is close to) and the last 10 s again.
 *
 *   npx tsx scripts/rank-conductors.ts --models models/conductor /tmp/rank --files A.ogg B.ogg ... [--hop 5] [--json F]
 *
 * Prints per method: top-1 (the guess's nearest is the truth's), top-5, mean Spearman correlation, mean regret (how
 * much farther from the truth the guess's nearest is than the truth's nearest), and songs where its top-1 is best.
 */
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Command } from "commander";
import { loadConductor } from "#engine/model/conductor.ts";
import { loadFileFrames } from "#engine/training/feature-cache.ts";
import type { FileFrames } from "#engine/training/feature-windows.ts";
import { evaluateRanking, lastStretch, meanOfLast, type RankGuess } from "#engine/training/rank-evaluate.ts";

const opts = new Command()
  .requiredOption("--models <dirs...>", "conductor folders")
  .requiredOption("--files <files...>", "songs to score (never trained on)")
  .option("--hop <seconds>", "seconds between cuts", Number, 5)
  .option("--first <seconds>", "the first cut", Number, 30)
  .option("--json <file>", "also write the figures as JSON")
  .option("--cache <dir>", "second-frames cache folder", join(tmpdir(), "harmonizer-cache"))
  .parse()
  .opts<{ models: string[]; files: string[]; hop: number; first: number; json?: string; cache: string }>();

const files: FileFrames[] = [];
for (const file of opts.files)
  files.push(
    ...(await loadFileFrames("/", [file], { cacheDir: opts.cache })).map((f) => ({ ...f, name: basename(file) })),
  );

const guesses: Record<string, RankGuess> = {};
for (const dir of opts.models) {
  const conductor = await loadConductor(dir);
  guesses[dir] = (frames, cut) => conductor.predict(frames.slice(cut - conductor.contextFrames, cut));
}
guesses["mean of the last 20 s"] = meanOfLast(20, 10);
guesses["the last 10 s again"] = lastStretch(10);

const result = await evaluateRanking({ guesses, files, horizonFrames: 10, firstCut: opts.first, hopFrames: opts.hop });
const names = Object.keys(guesses);
const bestOn = (name: string) =>
  result.files.filter((f) => names.every((n) => f.scores[name]!.top1 >= f.scores[n]!.top1)).length;
const candidates = files.reduce((s, f) => {
  let sum = 0;
  for (let t = opts.first; t + 10 <= f.frames.length; t += opts.hop) sum += 1 / (t - 9);
  return s + sum;
}, 0);
console.log(`| method | top-1 | top-5 | Spearman | regret | songs where top-1 best |`);
console.log(`|---|---|---|---|---|---|`);
for (const n of names) {
  const s = result.total[n]!;
  console.log(
    `| ${n} | ${(100 * s.top1).toFixed(1)} % | ${(100 * s.top5).toFixed(1)} % | ${s.spearman.toFixed(3)} | ${s.regret.toFixed(3)} | ${bestOn(n)} of ${files.length} |`,
  );
}
const cuts = result.total[names[0]!]!.cuts;
console.log(
  `\n${cuts} cuts in ${files.length} songs; a random pick's top-1: ${((100 * candidates) / cuts).toFixed(1)} %`,
);
console.log(`\n| song | ${names.map((n) => `${n} top-1`).join(" | ")} |`);
for (const f of result.files)
  console.log(`| ${f.name} | ${names.map((n) => `${(100 * f.scores[n]!.top1).toFixed(0)} %`).join(" | ")} |`);
if (opts.json) await writeFile(opts.json, JSON.stringify(result, null, 1));
