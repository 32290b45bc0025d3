/**
 * What a training loop reports after every batch and every epoch. The engine only calls back; the adapters (the CLI's
 * bar and epoch lines) decide how to show it.
 */
export type FitProgress =
  | {
      readonly phase: "batch";
      readonly epoch: number;
      readonly batch: number;
      readonly batches: number;
      readonly loss: number;
    }
  | {
      readonly phase: "epoch";
      readonly epoch: number;
      readonly trainLoss: number;
      readonly validationLoss: number | null;
    };
