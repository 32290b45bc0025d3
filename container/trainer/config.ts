import { tmpdir } from "node:os";
import { join } from "node:path";
import { optionalEnv, requireEnv } from "#aws/shared/config.ts";
import { ConfigurationError } from "#aws/shared/errors.ts";
import { SEGMENT_NAME } from "#aws/shared/model-keys.ts";

type Env = Readonly<Record<string, string | undefined>>;

export interface TrainerConfig {
  readonly modelsBucket: string;
  readonly topicArn: string;
  /** The songs are read from `training/<trainingSet>/` of the models bucket. */
  readonly trainingSet: string;
  /** The model and its report go to `models/candidates/<candidateId>/`. */
  readonly candidateId: string;
  /** Extra `harmonizer train` flags (TRAIN_ARGS), e.g. `--preset seed --epochs 20`. */
  readonly trainArgs: readonly string[];
  /** Local scratch folder for the songs and the model. */
  readonly workDir: string;
}

/** Flags the trainer sets itself; TRAIN_ARGS may not. */
const TRAINER_FLAGS: Readonly<Record<string, string>> = {
  "--data": "the trainer downloads training/<set>/ and passes that folder",
  "--out": "the trainer writes the model locally, then uploads it to models/candidates/<id>/",
  "--resume": "a training run starts fresh (checkpoints are not kept between runs)",
};

/** The extra `harmonizer train` flags, unless one of them is a flag the trainer sets itself. */
export function checkTrainArgs(args: readonly string[]): readonly string[] {
  for (const arg of args) {
    const flag = arg.split("=")[0] ?? arg;
    const why = TRAINER_FLAGS[flag];
    if (why !== undefined) throw new ConfigurationError(`TRAIN_ARGS may not contain ${flag}: ${why}`);
  }
  return args;
}

/** `<set>-20261201T101500Z`: sorts by time, one S3 path segment. */
export const defaultCandidateId = (set: string, now: Date): string =>
  `${set}-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;

export function checkSegmentName(name: string, value: string): string {
  if (!SEGMENT_NAME.test(value)) {
    throw new ConfigurationError(
      `${name} must be 1 to 100 letters, digits, '.', '_' or '-' (starting with a letter or digit), got "${value}"`,
    );
  }
  return value;
}

/** Reads the training task's environment; throws ConfigurationError naming what is missing or malformed. */
export function readTrainerConfig(env: Env = process.env, now: Date = new Date()): TrainerConfig {
  const trainingSet = checkSegmentName("environment variable TRAINING_SET", requireEnv(env, "TRAINING_SET"));
  const trainArgs = checkTrainArgs((optionalEnv(env, "TRAIN_ARGS") ?? "").split(/\s+/).filter((arg) => arg !== ""));
  const candidateId = optionalEnv(env, "CANDIDATE_ID");
  return {
    modelsBucket: requireEnv(env, "MODELS_BUCKET"),
    topicArn: requireEnv(env, "TOPIC_ARN"),
    trainingSet,
    candidateId:
      candidateId === undefined
        ? defaultCandidateId(trainingSet, now)
        : checkSegmentName("environment variable CANDIDATE_ID", candidateId),
    trainArgs,
    workDir: optionalEnv(env, "WORK_DIR") ?? join(tmpdir(), "harmonizer-training"),
  };
}
