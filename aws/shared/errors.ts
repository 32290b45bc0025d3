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

const httpStatus = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;

/** A conditional S3 write refused: 412 (the object exists) or 409 (a concurrent conditional write is in flight). */
export const isConditionFailed = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === "PreconditionFailed" ||
    error.name === "ConditionalRequestConflict" ||
    httpStatus(error) === 412 ||
    httpStatus(error) === 409);

/** An S3 read of an object that is not there. */
export const isNotFound = (error: unknown): boolean =>
  error instanceof Error && (error.name === "NoSuchKey" || error.name === "NotFound" || httpStatus(error) === 404);
