import { InvalidArgumentError } from "commander";
import {
  FORM_SETTINGS,
  type FormSetting,
  LENGTH_FORMS,
  namesZeroLength,
  readLength,
  type TargetLength,
  ZERO_LENGTH_REFUSAL,
} from "#engine";

/** Commander argument parsers that name the flag's rule when a value breaks it. */
export const positiveNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return parsed;
};

/** --to's parser: a length in seconds or a multiple of the song's (engine/target-length.ts names the forms). */
export const targetLength = (value: string): TargetLength => {
  const length = readLength(value);
  if (length !== undefined) return length;
  if (namesZeroLength(value)) throw new InvalidArgumentError(`"${value}" ${ZERO_LENGTH_REFUSAL}`);
  throw new InvalidArgumentError(`expected a length like ${LENGTH_FORMS}, got "${value}"`);
};

export const nonNegativeNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return parsed;
};

export const positiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError(`expected a whole number > 0, got "${value}"`);
  return parsed;
};

/** Where `harmonizer train` writes by default and where `extend` looks when --model is not given. */
export const DEFAULT_MODEL_DIR = "models/default";

/** A command line the CLI refuses before doing any work (exit code 2, like commander's own usage errors). */
export class UsageError extends Error {
  override readonly name: string = "UsageError";
}

/** What a file-system call was doing, in words, from Node's `syscall` (e.g. "scandir" -> "read the folder"). */
export const SYSCALL_VERBS: Readonly<Record<string, string>> = {
  open: "open",
  read: "read",
  scandir: "read the folder",
  stat: "find",
  lstat: "find",
  mkdir: "create the folder",
  rename: "write",
  write: "write",
  unlink: "remove",
  copyfile: "copy",
};

/** Usage errors (a bad flag value, a missing required option) exit with this code; --help with 0. */
export const USAGE_EXIT_CODE = 2;

/** Marks a required option in --help, where commander alone shows nothing. */
export const required = (description: string): string => `(required) ${description}`;

/** --form's parser: a refusal like the engine's own (exit code 2), naming the allowed values. */
export const formSetting = (value: string): FormSetting => {
  const form = FORM_SETTINGS.find((allowed) => allowed === value);
  if (form !== undefined) return form;
  const error = new InvalidArgumentError(`expected one of ${FORM_SETTINGS.join(", ")}, got "${value}"`);
  error.exitCode = 2;
  throw error;
};
