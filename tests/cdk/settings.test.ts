import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { createHarmonizerApp } from "../../lib/harmonizer-app.ts";
import { DeploySettingsError, parseSettings } from "../../lib/settings.ts";
import { CDK_JSON_CONTEXT, logicalId, synthHarmonizer } from "./synth.ts";

const email = { notifyEmail: "owner@example.com" };

describe("deploy settings", () => {
  it("fills in the documented defaults", () => {
    expect(parseSettings(email)).toEqual({
      notifyEmail: "owner@example.com",
      defaultTarget: "x2",
      gpuInstanceType: "g4dn.xlarge",
      maxTasks: 2,
      workerMemoryMiB: 14_336,
      warmPoolInstances: 0,
      resultLinkDays: 7,
      maxUploadMb: 200,
      maxInputMinutes: 20,
      maxTargetMinutes: 600,
    });
  });

  it("accepts numbers given as strings, as `cdk -c key=value` passes them", () => {
    expect(parseSettings({ ...email, maxTasks: "4", resultLinkDays: "3" })).toMatchObject({
      maxTasks: 4,
      resultLinkDays: 3,
    });
  });

  it.each([
    [{}, /notifyEmail is required: pass -c notifyEmail=/],
    [{ notifyEmail: "owner-at-example.com" }, /notifyEmail must be a valid email address/],
    [
      { ...email, resultLinkDays: "8" },
      /resultLinkDays must be at most 7 \(SigV4 presigned links live at most 7 days\)/,
    ],
    [{ ...email, resultLinkDays: 0 }, /resultLinkDays must be at least 1/],
    [{ ...email, maxTasks: "0" }, /maxTasks must be at least 1/],
    [{ ...email, workerMemoryMiB: "2048" }, /workerMemoryMiB must be at least 3072/],
    [
      { ...email, workerMemoryMiB: "16384" },
      /workerMemoryMiB \(16384\) does not fit a g4dn\.xlarge \(16 GiB\): at most 15360, leaving 1024 MiB for the host/,
    ],
    [{ ...email, maxTasks: "two" }, /maxTasks must be a whole number from 1 to 20/],
    [{ ...email, maxTasks: 1.5 }, /maxTasks must be a whole number from 1 to 20/],
    [{ ...email, gpuInstanceType: "m5.xlarge" }, /gpuInstanceType must be an NVIDIA GPU instance type/],
    [{ ...email, gpuInstanceType: "g4ad.xlarge" }, /gpuInstanceType must be an NVIDIA GPU instance type/],
    [{ ...email, maxUploadMb: "0" }, /maxUploadMb must be at least 1/],
    [{ ...email, engine: "turbo" }, /engine must be one of conductor, remix, hybrid, neural/],
    [
      { ...email, maxInputMinutes: 90, maxTargetMinutes: 60 },
      /maxInputMinutes \(90\) must not exceed maxTargetMinutes \(60\)/,
    ],
    [
      { ...email, defaultTarget: "4000", maxTargetMinutes: 60 },
      /defaultTarget \(4000, 4000 s\) must not exceed maxTargetMinutes \* 60 \(3600\)/,
    ],
    [{ ...email, defaultTarget: "twice" }, /defaultTarget must be a length like 90, 1:30, .* or x2/],
    // Every plain drop would be refused: no result is shorter than 20 s.
    [{ ...email, defaultTarget: "10" }, /defaultTarget \(10, 10 s\) must be at least 20 s, the shortest result/],
  ])("rejects %j naming the setting and its rule", (raw, message) => {
    expect(() => parseSettings(raw)).toThrow(message);
  });

  it("lists every bad setting at once, as a DeploySettingsError", () => {
    const parseBad = () => parseSettings({ notifyEmail: "x", maxTasks: 0, resultLinkDays: 9 });
    expect(parseBad).toThrow(/notifyEmail[\s\S]*maxTasks[\s\S]*resultLinkDays/);
    expect(parseBad).toThrow(DeploySettingsError);
  });

  it("stops synthesis of the app when notifyEmail is missing", () => {
    expect(() => createHarmonizerApp({ context: { ...CDK_JSON_CONTEXT } })).toThrow(/notifyEmail is required/);
  });

  it("gives the worker container the memory workerMemoryMiB names (hard limit), 2 GiB less reserved", () => {
    const { template, stack, cleanup } = synthHarmonizer({ context: { workerMemoryMiB: "6144" } });
    const definition =
      template.findResources("AWS::ECS::TaskDefinition")[logicalId(stack.workers.service.taskDefinition)];
    expect(definition?.Properties.ContainerDefinitions[0]).toMatchObject({ Memory: 6144, MemoryReservation: 4096 });
    cleanup();
  });

  it("flows into the template: GPU type, task limit, link lifetime and validator limits", () => {
    const { template, stack, cleanup } = synthHarmonizer({
      context: {
        gpuInstanceType: "g5.2xlarge",
        maxTasks: "4",
        resultLinkDays: "3",
        defaultTarget: "5m",
        maxUploadMb: "50",
        maxInputMinutes: "10",
        maxTargetMinutes: "30",
      },
    });
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateData: Match.objectLike({ InstanceType: "g5.2xlarge" }),
    });
    // One GPU host more than maxTasks: a training run never waits for the workers.
    template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", { MinSize: "0", MaxSize: "5" });
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", { MinCapacity: 0, MaxCapacity: 4 });
    template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: [
        Match.objectLike({ Environment: Match.arrayWith([{ Name: "RESULT_LINK_DAYS", Value: "3" }]) }),
      ],
    });
    template.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: "results/", ExpirationInDays: 4 })]),
      },
    });
    const validator = template.findResources("AWS::Lambda::Function")[logicalId(stack.validation.function)];
    expect(validator?.Properties.Environment.Variables).toMatchObject({
      DEFAULT_TARGET: "5m",
      MAX_UPLOAD_BYTES: String(50 * 1024 * 1024),
      MAX_INPUT_SECONDS: "600",
      MAX_TARGET_SECONDS: "1800",
    });
    cleanup();
  });
});
