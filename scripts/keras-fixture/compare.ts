/**
 * Compares a project model's predictions with Keras's for the fixed input of a fixture made by make-fixture.sh:
 *
 *   npx harmonizer import-keras FIXTURE/seed.h5 --out MODEL_DIR
 *   npx tsx scripts/keras-fixture/compare.ts MODEL_DIR FIXTURE [--backend cpu|wasm]
 *
 * Prints the largest |project - Keras| over every predicted sample, Keras's peak, and the time per prediction.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { type BackendChoice, selectBackend } from "../../engine/model/backend.ts";
import { loadModel } from "../../engine/model/io.ts";
import { createPredictor } from "../../engine/model/predictor.ts";

const readF32 = async (file: string): Promise<Float32Array> => {
  const bytes = await readFile(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

async function run(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { backend: { type: "string" } } });
  const [modelDir, fixture] = positionals;
  if (modelDir === undefined || fixture === undefined) {
    throw new Error("usage: compare.ts MODEL_DIR FIXTURE_DIR [--backend cpu|wasm]");
  }
  const backend = await selectBackend((values.backend ?? "cpu") as BackendChoice);
  const facts = JSON.parse(await readFile(path.join(fixture, "fixture.json"), "utf8")) as {
    inputShape: [number, number, number];
    decoderSteps: number;
  };
  const input = await readF32(path.join(fixture, "input.f32"));
  const expected = await readF32(path.join(fixture, "expected.f32"));
  let started = performance.now();
  const loaded = await loadModel(modelDir);
  console.log(`loaded ${modelDir} on ${backend} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const predictor = createPredictor(loaded);
  const [batch, steps, width] = facts.inputShape;
  const outLength = facts.decoderSteps * width;
  let difference = 0;
  let peak = 0;
  for (let b = 0; b < batch; b++) {
    started = performance.now();
    const predicted = await predictor.predict(input.subarray(b * steps * width, (b + 1) * steps * width));
    const seconds = (performance.now() - started) / 1000;
    predicted.forEach((v, i) => {
      const k = expected[b * outLength + i]!;
      difference = Math.max(difference, Math.abs(v - k));
      peak = Math.max(peak, Math.abs(k));
    });
    console.log(`example ${b}: predicted ${predicted.length} samples in ${seconds.toFixed(2)} s`);
  }
  console.log(`largest |project - Keras| = ${difference.toExponential(3)} (Keras peak ${peak.toFixed(4)})`);
  loaded.model.dispose();
}

await run();
