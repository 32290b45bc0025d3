import { Duration } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { LIVENESS_CHECK_COMMAND } from "../../contract/pipeline.ts";
import { ExtensionWorkers, type ExtensionWorkersProps } from "../../lib/extension-workers.ts";
import { JobQueue } from "../../lib/job-queue.ts";
import { actionsOf, gpuFixture, statementsOfRole, Template } from "./gpu-fixture.ts";
import { logicalId } from "./synth.ts";

function workers(overrides: Partial<ExtensionWorkersProps> = {}, maxInstances = 2) {
  const fixture = gpuFixture({ maxInstances });
  const props: ExtensionWorkersProps = { ...fixture, capacity: fixture.gpu, resultLinkDays: 7, ...overrides };
  return { ...fixture, workers: new ExtensionWorkers(fixture.stack, "Workers", props) };
}
const environmentOf = (template: Template): Record<string, unknown> => {
  const [task] = Object.values(template.findResources("AWS::ECS::TaskDefinition"));
  const pairs = task?.Properties?.ContainerDefinitions[0].Environment as { Name: string; Value: unknown }[];
  return Object.fromEntries(pairs.map((pair) => [pair.Name, pair.Value]));
};

describe("ExtensionWorkers", () => {
  it("runs one GPU per task on the GPU capacity, from zero tasks up to maxTasks", () => {
    const { stack, gpu } = workers({ maxTasks: 3 }, 3);
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [
        Match.objectLike({
          Name: "worker",
          ResourceRequirements: [{ Type: "GPU", Value: "1" }],
          MemoryReservation: 12_288,
          Memory: 14_336,
          HealthCheck: Match.objectLike({ Command: ["CMD-SHELL", LIVENESS_CHECK_COMMAND], Retries: 3 }),
        }),
      ],
    });
    template.hasResourceProperties("AWS::ECS::Service", {
      Cluster: { Ref: logicalId(gpu.cluster) },
      DesiredCount: 0,
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(gpu.placement[0]!.capacityProvider), Weight: 1 }],
    });
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", { MinCapacity: 0, MaxCapacity: 3 });
  });

  it("tells the worker the queue's own redrive count, visibility timeout and dead-letter queue", () => {
    const fixture = gpuFixture();
    const jobs = new JobQueue(fixture.stack, "FiveReceives", {
      maxReceiveCount: 5,
      visibilityTimeout: Duration.minutes(45),
    });
    new ExtensionWorkers(fixture.stack, "Workers", { ...fixture, capacity: fixture.gpu, jobs, resultLinkDays: 3 });
    const env = environmentOf(Template.fromStack(fixture.stack));
    expect(env).toMatchObject({
      MAX_RECEIVE_COUNT: "5",
      QUEUE_VISIBILITY_TIMEOUT_SECONDS: "2700",
      RESULT_LINK_DAYS: "3",
      DEAD_LETTER_QUEUE_URL: { Ref: logicalId(jobs.deadLetterQueue) },
      JOB_QUEUE_URL: { Ref: logicalId(jobs.queue) },
    });
    expect(env.ENGINE).toBeUndefined();
  });

  it("may delete nothing, protect only its own cluster's tasks, and read only results/ and rejections/ of the output", () => {
    const { stack, gpu, workers: built, outputBucket } = workers();
    const template = Template.fromStack(stack);
    const statements = statementsOfRole(template, logicalId(built.service.taskDefinition.taskRole));
    // A failed job's claim is marked failed (overwritten), not deleted (issue 20).
    expect(statements.filter((statement) => actionsOf(statement).includes("s3:DeleteObject"))).toEqual([]);
    const protection = statements.find((statement) => actionsOf(statement).includes("ecs:UpdateTaskProtection"));
    expect(JSON.stringify(protection?.Resource)).toContain(`"Ref":"${logicalId(gpu.cluster)}"`);
    const lists = statements.filter(
      (statement) =>
        actionsOf(statement).includes("s3:ListBucket") &&
        JSON.stringify(statement.Resource).includes(logicalId(outputBucket)),
    );
    expect(lists.map((statement) => statement.Condition)).toEqual([
      { StringLike: { "s3:prefix": ["rejections/*"] } },
      { StringLike: { "s3:prefix": ["results/*"] } },
    ]);
    expect(statements.flatMap(actionsOf).filter((action) => action.endsWith("*"))).toEqual([]);
  });

  it("may write rejection reports (rejections/*) in the output bucket, for the songs its engine refuses", () => {
    const { stack, workers: built, outputBucket } = workers();
    const template = Template.fromStack(stack);
    const puts = statementsOfRole(template, logicalId(built.service.taskDefinition.taskRole)).filter(
      (statement) =>
        actionsOf(statement).includes("s3:PutObject") &&
        JSON.stringify(statement.Resource).includes(logicalId(outputBucket)),
    );
    const prefixes = puts.flatMap((statement) => JSON.stringify(statement.Resource).match(/\/(\w+)\/\*/g) ?? []);
    expect(prefixes.sort()).toEqual(["/rejections/*", "/results/*"]);
    // and read them back: a report there is never replaced, and its emails count in the hourly windows there.
    const gets = statementsOfRole(template, logicalId(built.service.taskDefinition.taskRole)).filter(
      (statement) =>
        actionsOf(statement).includes("s3:GetObject") &&
        JSON.stringify(statement.Resource).includes(logicalId(outputBucket)),
    );
    const read = gets.flatMap((statement) => JSON.stringify(statement.Resource).match(/\/(\w+)\/\*/g) ?? []);
    expect(read.sort()).toEqual(["/rejections/*", "/results/*"]);
  });

  it.each([
    [{ maxTasks: 3 }, /maxTasks \(3\) exceeds the GPU capacity's maxInstances \(2\)/],
    [{ resultLinkDays: 8 }, /resultLinkDays must be 1 to 7 \(SigV4 presigned links\), got 8/],
    [
      { memoryReservationMiB: 15_000, memoryLimitMiB: 14_336 },
      /memoryReservationMiB \(15000\) must not exceed memoryLimitMiB \(14336\)/,
    ],
    [{ maxTasks: 0 }, /maxTasks must be a whole number >= 1, got 0/],
  ])("refuses props that conflict: %o", (overrides, message) => {
    expect(() => workers(overrides)).toThrow(message);
  });
});
