/**
 * The `aws ecs run-task` line that starts a training run, built in one place for the stack's StartTraining
 * output (with CloudFormation tokens) and for `npm run cloud:train` (with the deployed stack's outputs).
 * No CDK imports: bin/cloud-train.ts loads it on a workstation.
 */

/** The training container's name, which `--overrides` addresses. */
export const TRAINER_CONTAINER = "trainer";

/** Stack outputs that locate the training task. */
export const TRAINING_OUTPUTS = {
  cluster: "TrainingCluster",
  taskDefinition: "TrainingTaskDefinition",
  capacityProvider: "TrainingCapacityProvider",
} as const;

export type TrainingTarget = { readonly [name in keyof typeof TRAINING_OUTPUTS]: string };

/** The arguments of `aws` that run one training task on `set` with extra `harmonizer train` flags. */
export function runTaskArgs(target: TrainingTarget, set: string, trainArgs: readonly string[] = []): string[] {
  const environment = [
    { name: "TRAINING_SET", value: set },
    ...(trainArgs.length === 0 ? [] : [{ name: "TRAIN_ARGS", value: trainArgs.join(" ") }]),
  ];
  return [
    "ecs",
    "run-task",
    "--cluster",
    target.cluster,
    "--task-definition",
    target.taskDefinition,
    // Through the capacity provider, so ECS starts a GPU instance when none is free.
    "--capacity-provider-strategy",
    `capacityProvider=${target.capacityProvider},weight=1`,
    "--started-by",
    "cloud-train",
    "--overrides",
    JSON.stringify({ containerOverrides: [{ name: TRAINER_CONTAINER, environment }] }),
  ];
}

/** One argument as a POSIX shell word. */
export const shellQuote = (arg: string): string =>
  /^[A-Za-z0-9_.,:=/@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;

/** `aws ...` as one line to paste into a shell. */
export const awsLine = (args: readonly string[]): string => ["aws", ...args].map(shellQuote).join(" ");
