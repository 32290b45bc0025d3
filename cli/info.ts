import { Command, Option } from "commander";
import { modelInfo, PRESET_NAMES } from "#engine";
import { UsageError } from "./options.ts";

export function infoCommand(): Command {
  return new Command("info")
    .description("show a model's architecture and parameter count")
    .addOption(new Option("--preset <name>", "a built-in architecture").choices(PRESET_NAMES))
    .option("--model <dir>", "a trained model directory")
    .option("--json", "print JSON (with a top-level `parameters` field)", false)
    .action(async (flags: { preset?: string; model?: string; json: boolean }) => {
      if ((flags.preset === undefined) === (flags.model === undefined))
        throw new UsageError("give exactly one of --preset NAME or --model DIR");
      const description = await modelInfo(
        flags.model === undefined ? { preset: flags.preset! } : { modelDir: flags.model },
      );
      if (flags.json) console.log(JSON.stringify(description, null, 2));
      else console.log(description.summary.join("\n"));
    });
}
