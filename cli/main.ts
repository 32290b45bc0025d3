import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { BackendUnavailableError, isInputError } from "#engine";
import { evaluateCommand } from "./evaluate.ts";
import { extendCommand } from "./extend.ts";
import { infoCommand } from "./info.ts";
import { handleInterrupts } from "./interrupt.ts";
import { loopPointsCommand } from "./loop-points.ts";
import { SYSCALL_VERBS, USAGE_EXIT_CODE, UsageError } from "./options.ts";
import { describeFileError } from "../engine/file-errors.ts";
import { trainCommand } from "./train.ts";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};
const program = new Command("harmonizer")
  .description("Extend a song to any length with the Emotions Harmonizer engine, on this machine.")
  .version(version)
  .showHelpAfterError()
  .exitOverride()
  .addCommand(extendCommand())
  .addCommand(loopPointsCommand())
  .addCommand(trainCommand())
  .addCommand(evaluateCommand())
  .addCommand(infoCommand())
  .addCommand((await import("./import-keras.ts")).importKerasCommand());
// addCommand does not pass exitOverride on: without it a subcommand's usage error would exit 1 by itself.
for (const command of program.commands) command.exitOverride();

/** A file-system error (no such file, a folder where a file was expected, ...) in words, without its code. */
function fileErrorMessage(error: unknown): string | undefined {
  const { syscall, path } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof path !== "string") return undefined;
  return describeFileError(error, SYSCALL_VERBS[syscall ?? ""] ?? "use", path);
}

handleInterrupts();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  const fileError = fileErrorMessage(error);
  if (error instanceof CommanderError) {
    // Every refusal of the command line (a bad value for --to, --engine, --backend, --form, a missing -o) exits 2.
    process.exitCode = error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  } else if (error instanceof UsageError || isInputError(error) || error instanceof BackendUnavailableError) {
    console.error(`harmonizer: ${error.message}`);
    process.exitCode = 2;
  } else if (fileError !== undefined) {
    console.error(`harmonizer: ${fileError}`);
    process.exitCode = 1;
  } else {
    console.error("harmonizer: unexpected error:", error);
    process.exitCode = 1;
  }
}
