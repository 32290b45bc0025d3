import { App, Duration, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Cluster } from "aws-cdk-lib/aws-ecs";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import type { IBaseService } from "aws-cdk-lib/aws-ecs";
import { Topic } from "aws-cdk-lib/aws-sns";
import { describe, expect, it } from "vitest";
import { JobQueue } from "../../lib/job-queue.ts";
import { PipelineMonitoring } from "../../lib/pipeline-monitoring.ts";
import { logicalId } from "./synth.ts";

const newStack = () => new Stack(new App(), "Queue");

describe("JobQueue", () => {
  it("gives a job maxReceiveCount attempts plus the reporting receive, and keeps failed jobs for their retention", () => {
    const stack = newStack();
    const jobs = new JobQueue(stack, "Jobs", { maxReceiveCount: 4, deadLetterRetention: Duration.days(10) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::SQS::Queue", {
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [logicalId(jobs.deadLetterQueue), "Arn"] },
        maxReceiveCount: 5, // 4 attempts, then the receive on which the worker reports and dead-letters
      },
    });
    template.hasResourceProperties("AWS::SQS::Queue", { MessageRetentionPeriod: 10 * 24 * 3600 });
  });

  it("refuses a dead-letter queue that keeps jobs longer than their uploads live, naming both", () => {
    expect(
      () =>
        new JobQueue(newStack(), "Jobs", { inputRetention: Duration.days(7), deadLetterRetention: Duration.days(14) }),
    ).toThrow(/deadLetterRetention \(14 days\) outlives the uploads \(inputRetention 7 days\)/);
    expect(
      () =>
        new JobQueue(newStack(), "Jobs", { inputRetention: Duration.days(14), deadLetterRetention: Duration.days(14) }),
    ).not.toThrow();
  });

  it.each([0, 1000, 2.5])("refuses maxReceiveCount %s", (maxReceiveCount) => {
    expect(() => new JobQueue(newStack(), "Jobs", { maxReceiveCount })).toThrow(
      /maxReceiveCount must be a whole number from 1 to 999/,
    );
  });
});

describe("PipelineMonitoring", () => {
  it.each([
    [5, "An extension job failed 5 times and is in the dead-letter queue."],
    [1, "An extension job failed once and is in the dead-letter queue."],
  ])("says how many times a job failed as the queue's maxReceiveCount (%i)", (maxReceiveCount, text) => {
    const stack = newStack();
    const jobs = new JobQueue(stack, "Jobs", { maxReceiveCount });
    const validator = new LambdaFunction(stack, "Validator", {
      runtime: Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: Code.fromInline("export const handler = async () => {};"),
    });
    new PipelineMonitoring(stack, "Monitoring", {
      topic: new Topic(stack, "Topic"),
      jobQueue: jobs.queue,
      deadLetterQueue: jobs.deadLetterQueue,
      maxReceiveCount: jobs.maxReceiveCount,
      validator,
      validatorFailedEvents: jobs.deadLetterQueue,
      cluster: new Cluster(stack, "Cluster"),
      service: { serviceName: "worker" } as IBaseService,
    });
    Template.fromStack(stack).hasResourceProperties("AWS::CloudWatch::Alarm", { AlarmDescription: text });
  });
});
