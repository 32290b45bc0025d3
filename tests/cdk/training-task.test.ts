import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { TRAINER_COMMAND, TrainingTask } from "../../lib/training-task.ts";
import { actionsOf, gpuFixture, statementsOfRole, Template } from "./gpu-fixture.ts";
import { TRAINING_OUTPUTS } from "../../lib/training-command.ts";
import { logicalId, synthHarmonizer } from "./synth.ts";

function training(memory: { memoryReservationMiB?: number; memoryLimitMiB?: number } = {}) {
  const fixture = gpuFixture();
  const task = new TrainingTask(fixture.stack, "Training", { ...fixture, capacity: fixture.gpu, ...memory });
  return { ...fixture, task, template: Template.fromStack(fixture.stack) };
}

describe("TrainingTask", () => {
  it("runs the worker image's trainer with one GPU, the models bucket and the topic, and no service", () => {
    const { template, modelsBucket, topic } = training();
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      RequiresCompatibilities: ["EC2"],
      ContainerDefinitions: [
        Match.objectLike({
          Name: "trainer",
          Image: "example/harmonizer:test",
          Command: TRAINER_COMMAND,
          ResourceRequirements: [{ Type: "GPU", Value: "1" }],
          MemoryReservation: 12_288,
          Memory: 14_336,
          Environment: Match.arrayWith([
            { Name: "MODELS_BUCKET", Value: { Ref: logicalId(modelsBucket) } },
            { Name: "TOPIC_ARN", Value: { Ref: logicalId(topic) } },
          ]),
        }),
      ],
    });
    expect(TRAINER_COMMAND.at(-1)).toBe("container/trainer/main.ts");
    template.resourceCountIs("AWS::ECS::Service", 0);
  });

  it("may read training/*, write models/candidates/* and list only those, publish, and nothing else", () => {
    const { template, task, modelsBucket, inputBucket, outputBucket } = training();
    const statements = statementsOfRole(template, logicalId(task.taskDefinition.taskRole));
    const models = logicalId(modelsBucket);
    const on = (action: string) => statements.filter((statement) => actionsOf(statement).includes(action));
    expect(JSON.stringify(on("s3:GetObject").map((s) => s.Resource))).toBe(
      JSON.stringify([{ "Fn::Join": ["", [{ "Fn::GetAtt": [models, "Arn"] }, "/training/*"]] }]),
    );
    expect(JSON.stringify(on("s3:PutObject").map((s) => s.Resource))).toBe(
      JSON.stringify([{ "Fn::Join": ["", [{ "Fn::GetAtt": [models, "Arn"] }, "/models/candidates/*"]] }]),
    );
    const listed = on("s3:ListBucket").flatMap((s) => (s.Condition as any).StringLike["s3:prefix"]);
    expect(listed.sort()).toEqual(["models/candidates/*", "training/*"]);
    expect(on("sns:Publish")).toHaveLength(1);
    const all = JSON.stringify(statements);
    expect(all).not.toContain("models/current");
    for (const other of [inputBucket, outputBucket]) expect(all).not.toContain(logicalId(other));
    expect(statements.flatMap(actionsOf).filter((action) => /Delete|\*$/.test(action))).toEqual([]);
  });

  it("gives the one-line run-task command on its cluster, through its capacity provider", () => {
    const { stack, task, gpu } = training();
    const line = stack.resolve(task.startCommand("mysongs", ["--preset", "seed"]));
    const text = JSON.stringify(line);
    expect(text).toContain("aws ecs run-task --cluster '");
    expect(text).toContain(JSON.stringify({ Ref: logicalId(gpu.cluster) }));
    expect(text).toContain(JSON.stringify(stack.resolve(gpu.placement[0]!.capacityProvider)));
    expect(text).toContain('\\"TRAIN_ARGS\\",\\"value\\":\\"--preset seed\\"');
  });

  it("refuses a memory reservation above the limit, naming both", () => {
    expect(() => training({ memoryReservationMiB: 16_000, memoryLimitMiB: 15_000 })).toThrow(
      /memoryReservationMiB \(16000\) must not exceed memoryLimitMiB \(15000\)/,
    );
  });
});

describe("training in the stack", () => {
  it("runs the workers' image on the workers' GPU capacity, and outputs what cloud:train reads", () => {
    const { template, stack, cleanup } = synthHarmonizer({ context: { maxTasks: 4 } });
    cleanup();
    const taskDefinitions = Object.values(template.findResources("AWS::ECS::TaskDefinition"));
    const images = taskDefinitions.map((task) => JSON.stringify(task.Properties?.ContainerDefinitions[0].Image));
    expect(images).toHaveLength(2);
    expect(images[0]).toBe(images[1]);
    template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", { MaxSize: "5" });
    template.hasOutput(TRAINING_OUTPUTS.cluster, { Value: { Ref: logicalId(stack.gpu.cluster) } });
    template.hasOutput(TRAINING_OUTPUTS.taskDefinition, {
      Value: { Ref: logicalId(stack.training.taskDefinition) },
    });
    template.hasOutput(TRAINING_OUTPUTS.capacityProvider, Match.anyValue());
    template.hasOutput("StartTraining", {
      Value: { "Fn::Join": ["", Match.arrayWith([Match.stringLikeRegexp("^aws ecs run-task --cluster")])] },
    });
  });
});
