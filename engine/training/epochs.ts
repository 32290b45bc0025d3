import * as tf from "@tensorflow/tfjs";

export interface ConductorEpoch {
  readonly epoch: number;
  /** Mean training MSE of the epoch's batches (standardised features). */
  readonly trainLoss: number;
  /** MSE over all validation windows in inference mode, or null without validation windows. */
  readonly validationLoss: number | null;
  readonly seconds: number;
}

export interface ConductorFitResult {
  readonly history: readonly ConductorEpoch[];
  /** Epoch whose weights the model holds at the end (the best validation loss, or the last epoch without validation). */
  readonly bestEpoch: number;
  readonly bestValidationLoss: number | null;
  readonly stoppedEarly: boolean;
}

export interface EpochLoop {
  readonly epochs: number;
  /** Stop after this many epochs without a better validation loss. */
  readonly patience: number;
  /** One pass over the training data; returns its mean loss. */
  trainEpoch(epoch: number): Promise<number>;
  /** The validation loss, or null without validation data. */
  validate(): Promise<number | null>;
  readonly onEpoch?: (record: ConductorEpoch) => void;
  /** The model as given counts as epoch 0 with this validation loss, kept when no epoch does better (fine-tuning). */
  readonly startLoss?: number;
}

/**
 * Trains epoch by epoch, scoring validation after each, and stops early after `patience` epochs without a better one.
 * On return the model holds the weights of the best epoch (the last one without validation).
 */
export async function fitEpochs(model: tf.LayersModel, loop: EpochLoop): Promise<ConductorFitResult> {
  const history: ConductorEpoch[] = [];
  const keep = (epoch: number, loss: number | null) => ({
    epoch,
    loss,
    weights: model.getWeights().map((w) => w.clone()),
  });
  let best = loop.startLoss === undefined ? undefined : keep(0, loop.startLoss);
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= loop.epochs; epoch++) {
      const started = performance.now();
      const trainLoss = await loop.trainEpoch(epoch);
      const validationLoss = await loop.validate();
      const record = { epoch, trainLoss, validationLoss, seconds: (performance.now() - started) / 1000 };
      history.push(record);
      loop.onEpoch?.(record);
      if (best === undefined || validationLoss === null || best.loss === null || validationLoss < best.loss) {
        tf.dispose(best?.weights);
        best = keep(epoch, validationLoss);
      }
      if (validationLoss !== null && epoch - best.epoch >= loop.patience && epoch < loop.epochs) {
        stoppedEarly = true;
        break;
      }
    }
    model.setWeights(best!.weights);
    return { history, bestEpoch: best!.epoch, bestValidationLoss: best!.loss, stoppedEarly };
  } finally {
    tf.dispose(best?.weights);
  }
}
