import { Command } from "commander";
import { selectBackend } from "../engine/model/backend.ts";
import { importKerasToDir, modelFilesIn } from "../engine/model/keras/import.ts";
import { requireInputPath } from "./input.ts";
import { required, UsageError } from "./options.ts";

interface ImportKerasFlags {
  out: string;
  force: boolean;
}

/**
 * `harmonizer import-keras MODEL.h5 --out DIR`: a Keras-trained seed model (its .h5, or a tensorflowjs_converter
 * output folder) as a project model directory, for `extend --engine neural --model DIR` and `info --model DIR`.
 */
export function importKerasCommand(): Command {
  return new Command("import-keras")
    .description(
      "import a Keras-trained seed model (the seed's model_architecture.py, saved as .h5, or a tensorflowjs_converter " +
        "output folder) as a project model directory",
    )
    .argument("<model>", "the Keras .h5 file, or the folder tensorflowjs_converter wrote")
    .requiredOption("--out <dir>", required("the model folder to write (model.json, weights, harmonizer.json)"))
    .option("--force", "replace a model already in --out (its files are removed first)", false)
    .action(async (source: string, flags: ImportKerasFlags) => {
      await requireInputPath(source);
      const existing = await modelFilesIn(flags.out);
      if (existing.length > 0 && !flags.force) {
        throw new UsageError(
          `${flags.out} already holds a model (${existing.length} model files, e.g. ${existing[0]}); ` +
            "pass --force to replace it, or choose another --out",
        );
      }
      // Importing does no maths: the CPU backend keeps the weights in the JS heap, not in WASM's 4 GB.
      await selectBackend("cpu");
      const started = performance.now();
      const summary = await importKerasToDir(source, flags.out, existing);
      if (existing.length > 0) console.log(`replaced the model in ${flags.out} (${existing.length} files removed)`);
      const { sampleRate, encoderSteps, decoderSteps, hiddenUnits } = summary.config;
      console.log(
        `imported ${source} -> ${flags.out}: ${summary.parameters.toLocaleString("en-US")} parameters, ` +
          `${sampleRate} Hz, ${encoderSteps} -> ${decoderSteps} frames, hidden ${hiddenUnits.join("/")}, ` +
          `relation layout interleaved, no loudness normalisation (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    });
}
