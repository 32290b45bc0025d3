import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { ContainerImage } from "aws-cdk-lib/aws-ecs";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { Topic } from "aws-cdk-lib/aws-sns";
import { DEFAULT_LIMITS } from "../../contract/pipeline.ts";
import { GpuCapacity, type GpuCapacityProps } from "../../lib/gpu-capacity.ts";
import { JobQueue } from "../../lib/job-queue.ts";

/**
 * GIVEN for the constructs that run on the GPU hosts: a bare stack with the buckets, topic, secret, job queue
 * and GPU capacity they take, and an image from a registry (no Docker asset to stage).
 */
export function gpuFixture(capacity: GpuCapacityProps = {}) {
  const stack = new Stack(new App(), "Fixture", { env: { account: "123456789012", region: "us-east-1" } });
  return {
    stack,
    gpu: new GpuCapacity(stack, "Gpu", capacity),
    image: ContainerImage.fromRegistry("example/harmonizer:test"),
    jobs: new JobQueue(stack, "Jobs"),
    inputBucket: new Bucket(stack, "Input"),
    outputBucket: new Bucket(stack, "Output"),
    modelsBucket: new Bucket(stack, "Models"),
    topic: new Topic(stack, "Topic"),
    presignSecret: new Secret(stack, "Presign"),
    limits: DEFAULT_LIMITS,
  };
}

/** Every Allow statement of the inline policies attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(template.findResources("AWS::IAM::Policy"))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles ?? []).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => policy.Properties?.PolicyDocument.Statement as Statement[]);
}

export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];
export { Template };
