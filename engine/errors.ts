/**
 * Errors a user can act on. Each names the problem and, where there is one, the limit.
 * `code` is stable (used in rejection reports and notifications); `message` is for people.
 */
export type InputErrorCode =
  | "NOT_AUDIO"
  | "UNSUPPORTED_CODEC"
  | "CORRUPT_AUDIO"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "TOO_LARGE"
  | "SILENT"
  | "INVALID_TARGET"
  | "MODEL_NOT_FOUND"
  | "INVALID_MODEL";

export class HarmonizerInputError extends Error {
  override readonly name: string = "HarmonizerInputError";
  constructor(
    readonly code: InputErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isInputError = (error: unknown): error is HarmonizerInputError => error instanceof HarmonizerInputError;
