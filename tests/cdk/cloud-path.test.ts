import type { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmotionsHarmonizerStack } from "../../lib/emotions-harmonizer-stack.ts";
import { logicalId, synthHarmonizer } from "./synth.ts";

type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Condition?: unknown };
type Resource = { Type: string; Properties?: Record<string, any> };

// Issue 20's findings that live in the template: failures heard one by one, and least privilege where it was loose.
let template: Template;
let stack: EmotionsHarmonizerStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthHarmonizer());
});
afterAll(() => cleanup());

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** Every statement of the inline policies attached to `role` (a logical id). */
function statementsOf(roleId: string): Statement[] {
  const policies = Object.values(template.findResources("AWS::IAM::Policy") as Record<string, Resource>);
  return policies
    .filter((policy) => ((policy.Properties?.Roles ?? []) as unknown[]).some((r) => JSON.stringify(r).includes(roleId)))
    .flatMap((policy) => policy.Properties?.PolicyDocument.Statement as Statement[]);
}
const resourcesText = (statements: Statement[]) => statements.map((s) => JSON.stringify(s.Resource));

describe("every failed job is heard (issue 20, point 4)", () => {
  it("alarms once per job moved to the dead-letter queue (messages sent in a minute), not on its depth", () => {
    const dlq = { "Fn::GetAtt": [logicalId(stack.jobs.deadLetterQueue), "QueueName"] };
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm") as Record<string, Resource>);
    const onDlq = alarms.filter((alarm) => JSON.stringify(alarm.Properties?.Dimensions).includes(JSON.stringify(dlq)));
    expect(onDlq).toHaveLength(1);
    expect(onDlq[0]?.Properties).toMatchObject({
      MetricName: "NumberOfMessagesSent",
      Statistic: "Sum",
      Period: 60,
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
    });
  });

  it("gives each job one receive past its 3 attempts, on which the worker reports and dead-letters it", () => {
    template.hasResourceProperties("AWS::SQS::Queue", { RedrivePolicy: { maxReceiveCount: 4 } });
  });
});

describe("held-back rejections are mailed when the flood stops (issue 20, point 4)", () => {
  it("invokes the validator every 15 minutes, which may list only rejections/ of the output bucket", () => {
    const validator = logicalId(stack.validation.function);
    const rules = Object.values(template.findResources("AWS::Events::Rule") as Record<string, Resource>);
    const sweep = rules.filter((rule) => JSON.stringify(rule.Properties?.Targets).includes(validator));
    expect(sweep).toHaveLength(1);
    expect(sweep[0]?.Properties).toMatchObject({ ScheduleExpression: "rate(15 minutes)", State: "ENABLED" });
    template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      Principal: "events.amazonaws.com",
      FunctionName: { "Fn::GetAtt": [validator, "Arn"] },
    });
    const statements = statementsOf(logicalId(stack.validation.function.role!));
    const listing = statements.filter((s) => actions(s).includes("s3:ListBucket"));
    const onOutput = listing.filter((s) => JSON.stringify(s).includes(logicalId(stack.storage.outputBucket)));
    expect(onOutput.map((s) => JSON.stringify(s.Condition))).toEqual([expect.stringContaining('"rejections/*"')]);
  });
});

describe("least privilege where it was loose (issue 20, point 5)", () => {
  const taskRole = () => logicalId(stack.workers.service.taskDefinition.taskRole);

  it("lets the worker read only models/current/ of the models bucket, and delete nothing", () => {
    const statements = statementsOf(taskRole());
    const models = logicalId(stack.storage.modelsBucket);
    const onModels = resourcesText(statements).filter((text) => text.includes(models));
    expect(onModels.length).toBeGreaterThan(0);
    for (const text of onModels) expect(text).toMatch(/\/models\/current\/\*|"Arn"\]\}$/);
    const listing = statements.find((s) => actions(s).includes("s3:ListBucket") && JSON.stringify(s).includes(models));
    expect(JSON.stringify(listing?.Condition)).toContain("models/current/*");
    expect(statements.flatMap(actions)).not.toContain("s3:DeleteObject");
  });

  it("tells the worker which upload bucket it serves (a job naming another is refused)", () => {
    const definition = (template.findResources("AWS::ECS::TaskDefinition") as Record<string, Resource>)[
      logicalId(stack.workers.service.taskDefinition)
    ];
    const environment = definition?.Properties?.ContainerDefinitions[0].Environment as {
      Name: string;
      Value: unknown;
    }[];
    expect(environment.find((e) => e.Name === "INPUT_BUCKET")?.Value).toEqual({
      Ref: logicalId(stack.storage.inputBucket),
    });
  });

  it("lets the GPU hosts write only to the worker's and the training task's log groups", () => {
    const statements = statementsOf(logicalId(stack.gpu.hostRole));
    const logStatements = statements.filter((s) => actions(s).some((a) => a.startsWith("logs:")));
    expect(logStatements.length).toBeGreaterThan(0);
    for (const statement of logStatements) expect(statement.Resource).not.toBe("*");
    expect(JSON.stringify(logStatements)).toContain(logicalId(stack.workers.logGroup));
  });
});
