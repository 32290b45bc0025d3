import { Command } from "commander";
import { describeModel } from "../engine/model/build.ts";
import { loadModelMeta } from "../engine/model/io.ts";
import { presetConfig, PRESET_NAMES } from "../engine/model/presets.ts";

export function infoCommand(): Command {
  return new Command("info")
    .description("show a model's architecture and parameter count")
    .option("--preset <name>", `a built-in architecture: ${PRESET_NAMES.join(", ")}`)
    .option("--model <dir>", "a trained model directory")
    .option("--json", "print JSON (with a top-level `parameters` field)", false)
    .action(async (flags: { preset?: string; model?: string; json: boolean }) => {
      if ((flags.preset === undefined) === (flags.model === undefined)) {
        throw new Error("give exactly one of --preset NAME or --model DIR");
      }
      const description = flags.model
        ? await describeTrained(flags.model)
        : describeModel(presetConfig(flags.preset!), flags.preset);
      if (flags.json) console.log(JSON.stringify(description, null, 2));
      else console.log(description.summary.join("\n"));
    });
}

async function describeTrained(dir: string) {
  const meta = await loadModelMeta(dir);
  const description = describeModel(meta.config, meta.preset ?? undefined);
  return { ...description, model: dir, training: meta.training ?? null };
}
