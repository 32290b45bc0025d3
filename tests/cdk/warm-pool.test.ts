import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../lib/settings.ts";
import { logicalId, synthHarmonizer } from "./synth.ts";

// Issue 20 point 7: a deploy setting that keeps stopped GPU instances ready (image pulled) under the ECS
// capacity provider, so that the first job after a quiet period does not wait for a launch and an image pull.
let synthesized: ReturnType<typeof synthHarmonizer>;
beforeAll(() => {
  synthesized = synthHarmonizer({ context: { warmPoolInstances: 1 } });
});
afterAll(() => synthesized?.cleanup());

describe("warmPoolInstances", () => {
  it("keeps that many stopped instances in the GPU hosts' warm pool, reused on scale-in", () => {
    const { template, stack } = synthesized;
    template.hasResourceProperties("AWS::AutoScaling::WarmPool", {
      AutoScalingGroupName: { Ref: logicalId(stack.gpu.hosts) },
      MinSize: 1,
      MaxGroupPreparedCapacity: 1,
      PoolState: "Stopped",
      InstanceReusePolicy: { ReuseOnScaleIn: true },
    });
  });

  it("tells the ECS agent to wait while an instance is prepared, and pulls the worker image ahead of any task", () => {
    const { template } = synthesized;
    const templates = Object.values(template.findResources("AWS::EC2::LaunchTemplate"));
    const userData = JSON.stringify(templates[0]?.Properties?.LaunchTemplateData.UserData);
    expect(userData).toContain("ECS_WARM_POOLS_CHECK=true");
    expect(userData).toContain("ECS_IMAGE_PULL_BEHAVIOR=prefer-cached");
    expect(userData).toMatch(/docker pull .*container-assets/);
  });

  it("lets the hosts pull only the worker image's repository, and stays clean under cdk-nag", () => {
    const { template, stack, app } = synthesized;
    const policies = Object.values(template.findResources("AWS::IAM::Policy"));
    const statements = policies
      .filter((p) => JSON.stringify(p.Properties?.Roles ?? []).includes(logicalId(stack.gpu.hostRole)))
      .flatMap((p) => p.Properties?.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const pull = statements.find((s) => [s.Action].flat().includes("ecr:BatchGetImage"));
    expect(JSON.stringify(pull?.Resource)).toMatch(/:repository\/".*cdk-[a-z0-9]+-container-assets-/);
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it("keeps none by default, and refuses more than maxTasks", () => {
    expect(parseSettings({ notifyEmail: "a@b.co" }).warmPoolInstances).toBe(0);
    expect(() => parseSettings({ notifyEmail: "a@b.co", maxTasks: 2, warmPoolInstances: 3 })).toThrow(
      /warmPoolInstances \(3\) must not exceed maxTasks \(2\)/,
    );
  });
});
