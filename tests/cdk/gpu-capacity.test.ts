import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { GpuCapacity } from "../../lib/gpu-capacity.ts";
import { logicalId } from "./synth.ts";

const newStack = () => new Stack(new App(), "Capacity");

describe("GpuCapacity", () => {
  it("starts from zero GPU hosts and lets ECS add them through a managed capacity provider", () => {
    // GIVEN / WHEN
    const stack = newStack();
    const gpu = new GpuCapacity(stack, "Gpu", { maxInstances: 3 });
    // THEN
    const template = Template.fromStack(stack);
    const onlyId = (type: string) => {
      const ids = Object.keys(template.findResources(type));
      expect(ids).toHaveLength(1);
      return ids[0]!;
    };
    template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", {
      MinSize: "0",
      MaxSize: "3",
      NewInstancesProtectedFromScaleIn: true,
    });
    template.hasResourceProperties("AWS::ECS::CapacityProvider", {
      AutoScalingGroupProvider: Match.objectLike({
        AutoScalingGroupArn: { Ref: onlyId("AWS::AutoScaling::AutoScalingGroup") },
        ManagedScaling: Match.objectLike({ Status: "ENABLED", TargetCapacity: 100 }),
        ManagedTerminationProtection: "ENABLED",
      }),
    });
    template.hasResourceProperties("AWS::ECS::ClusterCapacityProviderAssociations", {
      Cluster: { Ref: logicalId(gpu.cluster) },
      CapacityProviders: [{ Ref: onlyId("AWS::ECS::CapacityProvider") }],
    });
    expect(stack.resolve(gpu.placement)).toEqual([
      { capacityProvider: { Ref: onlyId("AWS::ECS::CapacityProvider") }, weight: 1 },
    ]);
  });

  it("launches the given GPU type from the ECS GPU AMI, IMDSv2 with hop limit 1, encrypted root volume", () => {
    const stack = newStack();
    new GpuCapacity(stack, "Gpu", { instanceType: "g5.xlarge", rootVolumeGiB: 150 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", {
      LaunchTemplateData: Match.objectLike({
        InstanceType: "g5.xlarge",
        ImageId: { Ref: Match.stringLikeRegexp("gpu") },
        MetadataOptions: Match.objectLike({ HttpTokens: "required", HttpPutResponseHopLimit: 1 }),
        BlockDeviceMappings: [
          Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true, VolumeSize: 150, VolumeType: "gp3" }) }),
        ],
      }),
    });
    template.hasParameter("*", {
      Default: "/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id",
    });
  });

  it("has no NAT gateway and no inbound rule, logs the VPC's flows and turns on Container Insights", () => {
    const stack = newStack();
    new GpuCapacity(stack, "Gpu");
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::EC2::NatGateway", 0);
    template.resourceCountIs("AWS::EC2::FlowLog", 1);
    template.hasResourceProperties("AWS::EC2::VPCEndpoint", { VpcEndpointType: "Gateway" });
    const groups = Object.values(template.findResources("AWS::EC2::SecurityGroup"));
    for (const group of groups) expect(group.Properties?.SecurityGroupIngress).toBeUndefined();
    template.hasResourceProperties("AWS::ECS::Cluster", {
      ClusterSettings: [{ Name: "containerInsights", Value: "enabled" }],
    });
    template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", { MaxSize: "2" });
  });

  it.each([0, 1.5])("refuses maxInstances %s, naming the prop", (maxInstances) => {
    expect(() => new GpuCapacity(newStack(), "Gpu", { maxInstances })).toThrow(
      /GpuCapacity maxInstances must be a whole number of at least 1/,
    );
  });
});
