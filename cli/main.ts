import { Command, CommanderError } from "commander";
import { isInputError } from "../engine/errors.ts";
import { BackendUnavailableError } from "../engine/model/backend.ts";
import { evaluateCommand } from "./evaluate.ts";
import { extendCommand } from "./extend.ts";
import { infoCommand } from "./info.ts";
import { trainCommand } from "./train.ts";

const program = new Command("harmonizer")
  .description("Extend a song to any length with the Emotions Harmonizer engine, on this machine.")
  .showHelpAfterError()
  .exitOverride()
  .addCommand(extendCommand())
  .addCommand(trainCommand())
  .addCommand(evaluateCommand())
  .addCommand(infoCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (isInputError(error) || error instanceof BackendUnavailableError) {
    console.error(`harmonizer: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error("harmonizer: unexpected error:", error);
    process.exitCode = 1;
  }
}
