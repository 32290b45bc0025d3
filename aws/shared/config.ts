import {
  DEFAULT_LIMITS,
  type InputLimits,
  LENGTH_FORMS,
  LIMIT_ENV,
  readLength,
  type TargetLength,
} from "../../contract/pipeline.ts";
import { ConfigurationError } from "./errors.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The value of a required environment variable; throws ConfigurationError naming it when absent or empty. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === "") {
    throw new ConfigurationError(`environment variable ${name} is required but not set`);
  }
  return value;
}

export function optionalEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** A positive number from the environment; `fallback` when absent, ConfigurationError when not a positive number. */
export function positiveNumberEnv(env: Env, name: string, fallback?: number): number {
  const raw = fallback === undefined ? requireEnv(env, name) : optionalEnv(env, name);
  if (raw === undefined) return fallback as number;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`environment variable ${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

/** A length in the `--to` forms (e.g. "x2", "10m") from the environment; ConfigurationError naming it otherwise. */
export function lengthEnv(env: Env, name: string): TargetLength {
  const text = requireEnv(env, name);
  const length = readLength(text);
  if (length === undefined) {
    throw new ConfigurationError(`environment variable ${name} must be a length like ${LENGTH_FORMS}, got "${text}"`);
  }
  return length;
}

/**
 * The deployed limits (the stack sets LIMIT_ENV on the Lambda and on the task definition). All but the
 * engine's context need are required, so neither side can fall back to the engine's defaults on its own.
 */
export function readLimitsEnv(env: Env): InputLimits {
  return {
    minInputSeconds: positiveNumberEnv(env, LIMIT_ENV.minInputSeconds, DEFAULT_LIMITS.minInputSeconds),
    maxInputSeconds: positiveNumberEnv(env, LIMIT_ENV.maxInputSeconds),
    maxTargetSeconds: positiveNumberEnv(env, LIMIT_ENV.maxTargetSeconds),
    maxUploadBytes: positiveNumberEnv(env, LIMIT_ENV.maxUploadBytes),
  };
}
