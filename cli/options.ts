import { InvalidArgumentError } from "commander";

/** Commander argument parsers that name the flag's rule when a value breaks it. */
export const positiveNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return parsed;
};

export const nonNegativeNumber = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError(`expected a number >= 0, got "${value}"`);
  return parsed;
};

export const positiveInteger = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`expected a whole number > 0, got "${value}"`);
  return parsed;
};

export const BACKENDS = ["auto", "tensorflow", "wasm", "cpu"] as const;

/** Where `harmonizer train` writes by default and where `extend` looks when --model is not given. */
export const DEFAULT_MODEL_DIR = "models/default";
