/**
 * The outlook: a small model of where a song is heading. From the summaries of the last 10, 20 and 45 s and of the
 * whole song so far (outlook-input.ts) it predicts the summary (mean and deviation of every feature) of the next
 * OUTLOOK_HORIZON_SECONDS: a blend of those summaries whose weights depend on them (a gate: how much the next minutes
 * resemble the latest seconds rather than the song as a whole).
 */
import * as tf from "@tensorflow/tfjs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { SECOND_FRAMES_VERSION } from "../analysis/second-frames.ts";
import { HarmonizerInputError } from "../errors.ts";
import { fileSystemHandler } from "./io.ts";
import {
  OUTLOOK_HORIZON_SECONDS,
  OUTLOOK_WINDOWS,
  outlookInput,
  standardisedFrames,
  summarySize,
} from "./outlook-input.ts";
import type { Outlook } from "./port.ts";
import { StandardisationSchema, type Standardisation } from "./standardise.ts";

export const OUTLOOK_META_JSON = "outlook.json";

const OutlookMetaSchema = z.object({
  format: z.literal("emotions-harmonizer-outlook"),
  version: z.literal(1),
  /** The second-frames definition the model was trained on (SECOND_FRAMES_VERSION). */
  features: z.string(),
  standardisation: StandardisationSchema,
  windows: z.array(z.number().positive().nullable()),
  horizonSeconds: z.number().positive(),
  /** The training command's figures (scripts/train-outlook.ts), for the record. */
  training: z.record(z.string(), z.unknown()).optional(),
});
export type OutlookMeta = z.infer<typeof OutlookMetaSchema>;

/** The gate's hidden width. */
export const OUTLOOK_HIDDEN = 8;

/**
 * Input [batch, windows, 2F] (the summaries, standardised) -> output [batch, 2F] (the next minutes' summary):
 * softmax(Dense(tanh(Dense(flat)))) weights the windows' summaries. A linear correction added to the blend (Dense over
 * the flat summaries, 12,600 more weights) overfitted the 2,239 training cuts: validation median distance 3.08 against
 * 2.35 without it (scripts/train-outlook.ts, docs/model.md).
 */
export function buildOutlookModel(featureSize: number, windows = OUTLOOK_WINDOWS.length): tf.LayersModel {
  const size = summarySize(featureSize);
  const input = tf.input({ shape: [windows, size], name: "summaries" });
  const flat = tf.layers.flatten({ name: "flat" }).apply(input) as tf.SymbolicTensor;
  const hidden = tf.layers
    .dense({ units: OUTLOOK_HIDDEN, activation: "tanh", name: "gate_hidden" })
    .apply(flat) as tf.SymbolicTensor;
  const blend = tf.layers
    .dense({ units: windows, activation: "softmax", name: "gate" })
    .apply(hidden) as tf.SymbolicTensor;
  const mixed = tf.layers.dot({ axes: [1, 1], name: "blend" }).apply([blend, input]) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: mixed, name: "outlook" });
}

/** Writes model.json, the weights and outlook.json into dir. */
export async function saveOutlook(model: tf.LayersModel, dir: string, meta: OutlookMeta): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(fileSystemHandler(dir), { includeOptimizer: false });
  await writeFile(path.join(dir, OUTLOOK_META_JSON), `${JSON.stringify(OutlookMetaSchema.parse(meta), null, 2)}\n`);
}

/** The outlook's metadata for a model trained now on frames standardised with `standardisation`. */
export function outlookMeta(standardisation: Standardisation, training?: Record<string, unknown>): OutlookMeta {
  return {
    format: "emotions-harmonizer-outlook",
    version: 1,
    features: SECOND_FRAMES_VERSION,
    standardisation,
    windows: OUTLOOK_WINDOWS.map((w) => (Number.isFinite(w) ? w : null)),
    horizonSeconds: OUTLOOK_HORIZON_SECONDS,
    ...(training ? { training } : {}),
  };
}

/**
 * Loads the outlook saved in dir on the current backend. Throws HarmonizerInputError INVALID_MODEL when it cannot be
 * read, was trained on other features or windows, or its shapes do not match its metadata.
 */
export async function loadOutlook(dir: string): Promise<Outlook> {
  let meta: OutlookMeta;
  let model: tf.LayersModel;
  try {
    meta = OutlookMetaSchema.parse(JSON.parse(await readFile(path.join(dir, OUTLOOK_META_JSON), "utf8")));
    model = await tf.loadLayersModel(fileSystemHandler(dir));
  } catch (error) {
    throw new HarmonizerInputError("INVALID_MODEL", `cannot read the outlook in ${dir}: ${String(error)}`, {
      cause: error,
    });
  }
  const expected = outlookMeta(meta.standardisation);
  const featureSize = meta.standardisation.mean.length;
  const shape = JSON.stringify(model.inputs[0]?.shape);
  const problem =
    meta.features !== SECOND_FRAMES_VERSION
      ? `it was trained on features "${meta.features}", but this engine computes "${SECOND_FRAMES_VERSION}"`
      : JSON.stringify(meta.windows) !== JSON.stringify(expected.windows) ||
          meta.horizonSeconds !== OUTLOOK_HORIZON_SECONDS
        ? `it reads windows ${JSON.stringify(meta.windows)} and predicts ${meta.horizonSeconds} s, this engine ${JSON.stringify(expected.windows)} and ${OUTLOOK_HORIZON_SECONDS} s`
        : shape !== JSON.stringify([null, OUTLOOK_WINDOWS.length, summarySize(featureSize)])
          ? `its input is ${shape}, not [null, ${OUTLOOK_WINDOWS.length}, ${summarySize(featureSize)}]`
          : undefined;
  if (problem) {
    model.dispose();
    throw new HarmonizerInputError("INVALID_MODEL", `the outlook in ${dir} does not fit: ${problem}; train it again`);
  }
  return createOutlook(model, meta.standardisation);
}

/** Wraps a built or loaded outlook model; every tensor is released before predict() resolves. */
export function createOutlook(model: tf.LayersModel, standardisation: Standardisation): Outlook {
  const featureSize = standardisation.mean.length;
  return {
    featureSize,
    standardise: (frames) => standardisedFrames(frames, standardisation),
    async predict(frames) {
      const standardised = standardisedFrames(frames, standardisation);
      const x = outlookInput(standardised, standardised.length);
      // [1, windows, 2F] -> [1, 2F]
      const output = tf.tidy(
        () =>
          model.apply(tf.tensor3d(x, [1, OUTLOOK_WINDOWS.length, summarySize(featureSize)]), {
            training: false,
          }) as tf.Tensor,
      );
      try {
        const y = await output.data();
        return { mean: Float32Array.from(y.subarray(0, featureSize)), std: Float32Array.from(y.subarray(featureSize)) };
      } finally {
        output.dispose();
      }
    },
  };
}
