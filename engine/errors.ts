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

/**
 * For `.catch`: an input error about one file of many (training data) with that file named first ("songs/a.wav: not
 * an audio file: ..."); other errors pass as they are.
 */
export function namingFile(source: string): (error: unknown) => never {
  return (error) => {
    if (!isInputError(error) || error.message.includes(source)) throw error;
    throw new HarmonizerInputError(error.code, `${source}: ${error.message}`, { cause: error });
  };
}
