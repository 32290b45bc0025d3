import { Match, type Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmotionsHarmonizerStack } from "../../lib/emotions-harmonizer-stack.ts";
import { parseSettings } from "../../lib/settings.ts";
import { logicalId, synthHarmonizer } from "./synth.ts";
import { LIVENESS_CHECK_COMMAND, LIVENESS_FILE } from "../../container/worker/liveness.ts";

type Statement = {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, any>;
};
type Resource = { Type: string; Properties?: Record<string, any> };

// Findings of the hostile review (issue 10) that live in the template, with -c maxTargetMinutes=120.
let template: Template;
let stack: EmotionsHarmonizerStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthHarmonizer({ context: { maxTargetMinutes: 120, maxInputMinutes: 30 } }));
});
afterAll(() => cleanup());

const resourcesOf = (type: string) => Object.values(template.findResources(type) as Record<string, Resource>);
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** The extension workers' task definition (the stack also holds the training task's). */
const workerTaskDefinition = () =>
  (template.findResources("AWS::ECS::TaskDefinition") as Record<string, Resource>)[
    logicalId(stack.workers.service.taskDefinition)
  ];
const env = (pairs: { Name: string; Value: unknown }[]) => Object.fromEntries(pairs.map((p) => [p.Name, p.Value]));

describe("alarms can email (issue 10, point 2)", () => {
  it("lets CloudWatch publish to the topic, only for this stack's three alarms", () => {
    const [policy] = resourcesOf("AWS::SNS::TopicPolicy");
    const statements = policy?.Properties?.PolicyDocument.Statement as Statement[];
    const allow = statements.find(
      (s) => s.Effect === "Allow" && JSON.stringify(s.Principal).includes("cloudwatch.amazonaws.com"),
    );
    expect(allow && actions(allow)).toEqual(["sns:Publish"]);
    const sources = allow?.Condition?.ArnEquals?.["aws:SourceArn"] as unknown[];
    const alarms = [
      stack.monitoring.failedJobsAlarm,
      stack.monitoring.stalledJobsAlarm,
      stack.monitoring.failedValidationsAlarm,
    ];
    expect(sources.map((s) => JSON.stringify(s)).sort()).toEqual(
      alarms.map((a) => JSON.stringify({ "Fn::GetAtt": [logicalId(a), "Arn"] })).sort(),
    );
  });

  it("lets CloudWatch use the topic's key only on behalf of this account", () => {
    const [key] = resourcesOf("AWS::KMS::Key");
    const statement = (key!.Properties!.KeyPolicy.Statement as Statement[]).find((s) =>
      JSON.stringify(s.Principal).includes("cloudwatch.amazonaws.com"),
    );
    expect(statement?.Condition).toEqual({ StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } });
  });
});

describe("one set of limits (issue 10, point 6)", () => {
  it("gives the worker's task definition the same limits as the validator", () => {
    const [fn] = resourcesOf("AWS::Lambda::Function").filter(
      (f) => f.Properties?.Environment?.Variables?.JOB_QUEUE_URL,
    );
    const lambdaEnv = fn?.Properties?.Environment.Variables as Record<string, string>;
    const task = workerTaskDefinition();
    const taskEnv = env(task?.Properties?.ContainerDefinitions[0].Environment);
    expect(lambdaEnv.MAX_TARGET_SECONDS).toBe("7200");
    for (const name of ["MAX_TARGET_SECONDS", "MAX_INPUT_SECONDS", "MAX_UPLOAD_BYTES", "MIN_INPUT_SECONDS"]) {
      expect(taskEnv[name], name).toBe(lambdaEnv[name]);
    }
    expect(taskEnv.MAX_INPUT_SECONDS).toBe("1800");
  });
});

describe("smaller findings (issue 10, points 11 and 13)", () => {
  it("lets the signing key only sign links of at most 7 days", () => {
    const userPolicies = resourcesOf("AWS::IAM::Policy").filter((p) =>
      JSON.stringify(p.Properties?.Users ?? []).includes("ResultLinkSigner"),
    );
    const statement = userPolicies.flatMap((p) => p.Properties?.PolicyDocument.Statement as Statement[])[0];
    expect(statement?.Condition).toEqual({
      StringEquals: { "s3:authType": "REST-QUERY-STRING" },
      NumericLessThanEquals: { "s3:signatureAge": 604_800_000 },
    });
  });

  it("reserves the validator's concurrency and states the IMDS hop limit of 1", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ JOB_QUEUE_URL: Match.anyValue() }) },
      ReservedConcurrentExecutions: 10,
    });
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpPutResponseHopLimit: 1, HttpTokens: "required" }),
      }),
    });
  });

  it("takes the libtensorflow checksum the image build verifies as a deploy setting (point 12)", () => {
    const sha = "a".repeat(64);
    expect(parseSettings({ notifyEmail: "o@example.com", libtensorflowSha256: sha }).libtensorflowSha256).toBe(sha);
    expect(() => parseSettings({ notifyEmail: "o@example.com", libtensorflowSha256: "abc" })).toThrow(
      /libtensorflowSha256 must be 64/,
    );
  });

  it("gives the worker container a health check on its liveness file (point 12)", () => {
    const task = workerTaskDefinition();
    const check = task?.Properties?.ContainerDefinitions[0].HealthCheck;
    expect(check).toMatchObject({ Command: ["CMD-SHELL", LIVENESS_CHECK_COMMAND], Retries: 3 });
    expect(LIVENESS_CHECK_COMMAND).toContain(LIVENESS_FILE);
  });

  // rejections/ too: without s3:ListBucket there, S3 answers a read of a missing report or email window with 403,
  // not 404, and the worker could not tell "none yet" from a refusal.
  it("lets the worker list only the results/ and rejections/ prefixes of the output bucket", () => {
    const taskRole = logicalId(stack.workers.service.taskDefinition.taskRole);
    const output = logicalId(stack.storage.outputBucket);
    const statements = resourcesOf("AWS::IAM::Policy")
      .filter((p) => JSON.stringify(p.Properties?.Roles ?? []).includes(`"${taskRole}"`))
      .flatMap((p) => p.Properties?.PolicyDocument.Statement as Statement[]);
    const lists = statements.filter(
      (s) => actions(s).includes("s3:ListBucket") && JSON.stringify(s.Resource).includes(output),
    );
    expect(lists.map((s) => s.Condition).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { StringLike: { "s3:prefix": ["rejections/*"] } },
      { StringLike: { "s3:prefix": ["results/*"] } },
    ]);
  });
});
