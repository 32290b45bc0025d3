import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { selectBackend } from "#engine/model/backend.ts";
import { loadModel } from "#engine/model/io.ts";
import { loadFileFrames } from "#engine/training/feature-cache.ts";
import { candidateDistances, distanceWeights, gatherRanking, rankingLoss, rankingWindows } from "#engine/training/rank-windows.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
await selectBackend("auto");
const split = JSON.parse(await readFile("scripts/conductor-wide-split.json", "utf8"));
const files = await loadFileFrames("/tmp/h58/data", split.validation, { cacheDir: join(tmpdir(), "harmonizer-cache") });
for (const dir of process.argv.slice(2)) {
  const { model, meta } = await loadModel(dir);
  const s = meta.features!.standardisation;
  const w = rankingWindows(files, s, { contextFrames: 20, horizonFrames: 10, hopFrames: 2, candidates: 32, nearest: 8, seed: 2 });
  const idx = Array.from({ length: w.count }, (_, i) => i);
  const b = gatherRanking(w, idx);
  const n = w.count;
  const out = tf.tidy(() => {
    const pred = model.apply(tf.tensor3d(b.x, [n, 20, 28])) as tf.Tensor3D;
    const st = tf.tensor4d(b.stretches, [n, 33, 10, 28]);
    const cand = tf.slice(st, [0, 0, 0, 0], [n, 32, 10, 28]);
    const d = candidateDistances(pred, cand, tf.tensor1d(distanceWeights(s)));
    const truth = tf.tensor2d(b.truth, [n, 32]);
    const q = tf.softmax(tf.div(tf.neg(truth), 0.05));
    const entropy = tf.neg(tf.mean(tf.sum(tf.mul(q, tf.log(tf.add(q, 1e-12))), -1))).arraySync();
    const losses = [0.5, 1, 2, 4, 8].map((sc) => [sc, rankingLoss(tf.mul(d, sc) as tf.Tensor2D, truth, 0.05).arraySync()]);
    const spreadPred = tf.mean(tf.sub(tf.max(d, -1), tf.min(d, -1))).arraySync();
    const spreadTruth = tf.mean(tf.sub(tf.max(truth, -1), tf.min(truth, -1))).arraySync();
    return { entropy, losses, spreadPred, spreadTruth };
  });
  console.log(dir, n, JSON.stringify(out));
}
