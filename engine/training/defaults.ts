import type { ModelConfig } from "../model/config.ts";
import type { DataSplit } from "./dataset.ts";

/**
 * The training defaults of both model kinds, in one place: the engine fills every setting a caller leaves out from
 * here, and the CLI's help prints them.
 */
export const TRAINING_DEFAULTS = {
  /** The raw-audio presets (small, seed). */
  audio: {
    epochs: 10,
    batchSize: 5,
    validationBatchSize: 3,
    learningRate: 1e-3,
    /** Hop between 30 s training windows, seconds. */
    hopSeconds: 5,
    patience: 3,
    seed: 1,
  },
  /** The conductor preset, chosen on the corpus's validation split (minutes on 2 cores). */
  conductor: {
    epochs: 30,
    batchSize: 64,
    learningRate: 3e-3,
    /** Hop between training windows, seconds (= frames); validation windows hop 1. */
    hopSeconds: 2,
    patience: 5,
    seed: 1,
    /** Random transposition of the chroma bins of every training window (0-11 semitones). */
    transpose: true,
  },
} as const;

/** Which trainer a preset needs: "audio" (train) or "conductor" (trainConductor). */
export type TrainingKind = keyof typeof TRAINING_DEFAULTS;

/** What both trainers take; a setting left out comes from TRAINING_DEFAULTS of the trainer's kind. */
export interface TrainingSettings {
  /** Folder of audio files (searched recursively). */
  readonly dataDir: string;
  /** Where the model and training-report.json go. */
  readonly outDir: string;
  /** Model preset (audio default "small", feature default "conductor"); `config` overrides it. */
  readonly preset?: string;
  readonly config?: ModelConfig;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  /** Hop between training windows, seconds. */
  readonly hopSeconds?: number;
  /** Stop after this many epochs without a better validation loss. */
  readonly patience?: number;
  /** Explicit split (or a JSON file of one); otherwise the seeded 20 % test / 20 % validation split. */
  readonly split?: DataSplit;
  readonly splitFile?: string;
  /** Decoded audio (audio models) or second frames (the conductor) are cached here (default <tmp>/harmonizer-cache). */
  readonly cacheDir?: string;
  /** Seed of the initial weights (conductor) and of the per-epoch window shuffle. */
  readonly seed?: number;
}

type Widened<T> = T extends number ? number : T extends boolean ? boolean : T;

/** The defaults with every setting the options give in their place (undefined counts as left out). */
export function withDefaults<D extends object>(
  options: { readonly [K in keyof D]?: Widened<D[K]> },
  defaults: D,
): { readonly [K in keyof D]: Widened<D[K]> } {
  const given = Object.entries(options).filter(([key, value]) => key in defaults && value !== undefined);
  return { ...defaults, ...Object.fromEntries(given) } as { readonly [K in keyof D]: Widened<D[K]> };
}

/** The report both trainers write beside the model. */
export const TRAINING_REPORT = "training-report.json";

/** The files of the split a trainer used, how many windows it cut and how many seconds they hold. */
export interface TrainingDataSummary {
  readonly dataDir: string;
  readonly files: {
    readonly train: readonly string[];
    readonly validation: readonly string[];
    readonly test: readonly string[];
  };
  readonly windows: { readonly train: number; readonly validation: number };
  /** Test seconds only for the audio trainer (the conductor never reads the test files). */
  readonly seconds: { readonly train: number; readonly validation: number; readonly test?: number };
}

/** What both trainers' reports hold. */
export interface TrainingReportBase<Epoch> {
  readonly preset: string | null;
  readonly config: ModelConfig;
  readonly backend: string;
  readonly data: TrainingDataSummary;
  readonly history: readonly Epoch[];
  readonly bestValidationLoss: number | null;
  readonly stoppedEarly: boolean;
  readonly wallSeconds: number;
  readonly notes: readonly string[];
}
