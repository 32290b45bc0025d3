#!/usr/bin/env node
/**
 * `npm run cloud:train -- SET [harmonizer train flags] [--dry-run]`: starts a training run on the deployed
 * stack's GPU capacity, on the songs under s3://<ModelsBucketName>/training/SET/. It reads the stack's outputs
 * with the AWS CLI, prints the `aws ecs run-task` line it runs, and runs it (--dry-run: prints only).
 * STACK_NAME overrides the stack's name.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { checkTrainArgs, checkSegmentName } from "../container/trainer/config.ts";
import { STACK_NAME } from "../lib/stack-name.ts";
import { awsLine, runTaskArgs, TRAINING_OUTPUTS, type TrainingTarget } from "../lib/training-command.ts";

const USAGE = "usage: npm run cloud:train -- SET [harmonizer train flags, e.g. --preset seed --epochs 20] [--dry-run]";

/** The deployed stack's training outputs, read with `aws cloudformation describe-stacks`. */
function trainingTarget(stackName: string): TrainingTarget {
  const json = execFileSync(
    "aws",
    [
      "cloudformation",
      "describe-stacks",
      "--stack-name",
      stackName,
      "--query",
      "Stacks[0].Outputs",
      "--output",
      "json",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const outputs = new Map(
    (JSON.parse(json) as { OutputKey: string; OutputValue: string }[]).map((o) => [o.OutputKey, o.OutputValue]),
  );
  const value = (key: string): string => {
    const found = outputs.get(key);
    if (found === undefined) throw new Error(`stack ${stackName} has no output ${key}: deploy this version first`);
    return found;
  };
  return {
    cluster: value(TRAINING_OUTPUTS.cluster),
    taskDefinition: value(TRAINING_OUTPUTS.taskDefinition),
    capacityProvider: value(TRAINING_OUTPUTS.capacityProvider),
  };
}

function main(argv: readonly string[]): number {
  const dryRun = argv.includes("--dry-run");
  const [set, ...trainArgs] = argv.filter((arg) => arg !== "--dry-run");
  if (set === undefined || set.startsWith("-")) {
    console.error(USAGE);
    return 2;
  }
  checkSegmentName("the training set name", set);
  checkTrainArgs(trainArgs);
  const args = runTaskArgs(trainingTarget(process.env.STACK_NAME ?? STACK_NAME), set, trainArgs);
  console.log(awsLine(args));
  if (dryRun) return 0;
  return spawnSync("aws", args, { stdio: "inherit" }).status ?? 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`cloud:train: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
