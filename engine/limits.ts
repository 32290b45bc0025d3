/** Limits every entry point (CLI, validator Lambda, worker) applies the same way. */
export interface InputLimits {
  /** The model needs 20 s of context. */
  readonly minInputSeconds: number;
  readonly maxInputSeconds: number;
  readonly maxTargetSeconds: number;
  readonly maxUploadBytes: number;
}

export const DEFAULT_LIMITS: InputLimits = {
  minInputSeconds: 20,
  maxInputSeconds: 20 * 60,
  maxTargetSeconds: 60 * 60,
  maxUploadBytes: 200 * 1024 * 1024,
};
