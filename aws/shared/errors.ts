/** Errors of the AWS adapters (Lambda handlers and the worker). User input problems use engine/errors.ts. */

/** A required environment variable is missing or malformed: a deployment bug, never retried away. */
export class ConfigurationError extends Error {
  override readonly name: string = "ConfigurationError";
}

/** A job message that is not a valid job (wrong JSON or schema): retrying will not fix it. */
export class InvalidJobMessageError extends Error {
  override readonly name: string = "InvalidJobMessageError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
