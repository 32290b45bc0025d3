import { RemovalPolicy, Stack } from "aws-cdk-lib";
import { AutoScalingGroup, BlockDeviceVolume, EbsDeviceVolumeType, PoolState } from "aws-cdk-lib/aws-autoscaling";
import type { DockerImageAsset } from "aws-cdk-lib/aws-ecr-assets";
import {
  FlowLogDestination,
  GatewayVpcEndpointAwsService,
  InstanceType,
  LaunchTemplate,
  SecurityGroup,
  SubnetType,
  UserData,
  Vpc,
} from "aws-cdk-lib/aws-ec2";
import {
  AmiHardwareType,
  AsgCapacityProvider,
  type CapacityProviderStrategy,
  Cluster,
  ContainerInsights,
  EcsOptimizedImage,
} from "aws-cdk-lib/aws-ecs";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { HostLogScope } from "./host-log-scope.ts";
import { acknowledgeHostFindings } from "./worker-findings.ts";

export interface GpuCapacityProps {
  /**
   * An NVIDIA instance type the ECS GPU AMI supports (lib/settings.ts checks the family).
   * @default "g4dn.xlarge"
   */
  readonly instanceType?: string;
  /**
   * Most GPU instances at once; each runs one GPU task (an extension worker or a training run).
   * @default 2
   */
  readonly maxInstances?: number;
  /**
   * Encrypted gp3 root volume of each host (the GPU AMI and the image are large).
   * @default 100
   */
  readonly rootVolumeGiB?: number;
  /**
   * Stopped GPU instances kept booted-once in an Auto Scaling warm pool, the worker image already pulled (see
   * `prePull`): the first job after a quiet period starts one (about a minute) instead of launching a new
   * instance and pulling the image. A stopped instance costs its EBS volume only.
   * @default 0 (no warm pool)
   */
  readonly warmPoolInstances?: number;
  /**
   * Retention of the VPC flow logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * GPU hosts that exist only while a task needs one: a VPC, an ECS cluster, and an Auto Scaling group of
 * ECS GPU AMI instances (from zero) behind a managed capacity provider. Services and tasks placed with
 * `placement` start instances on demand; an idle fleet costs nothing.
 */
export class GpuCapacity extends Construct {
  public readonly vpc: Vpc;
  public readonly cluster: Cluster;
  public readonly hosts: AutoScalingGroup;
  public readonly hostRole: Role;
  public readonly capacityProvider: AsgCapacityProvider;
  public readonly maxInstances: number;
  /** Which log groups the hosts may write (those of the tasks placed here): `hostLogs.allow(group)`. */
  public readonly hostLogs: HostLogScope;
  public readonly warmPoolInstances: number;

  constructor(scope: Construct, id: string, props: GpuCapacityProps = {}) {
    super(scope, id);
    this.maxInstances = props.maxInstances ?? 2;
    if (!Number.isInteger(this.maxInstances) || this.maxInstances < 1) {
      throw new Error(`GpuCapacity maxInstances must be a whole number of at least 1, got ${this.maxInstances}`);
    }
    this.vpc = publicOnlyVpc(this, props.logRetention ?? RetentionDays.ONE_MONTH);
    this.cluster = new Cluster(this, "Cluster", { vpc: this.vpc, containerInsightsV2: ContainerInsights.ENABLED });

    this.hostRole = new Role(this, "HostRole", { assumedBy: new ServicePrincipal("ec2.amazonaws.com") });
    const launchTemplate = new LaunchTemplate(this, "GpuHostTemplate", {
      instanceType: new InstanceType(props.instanceType ?? "g4dn.xlarge"),
      machineImage: EcsOptimizedImage.amazonLinux2(AmiHardwareType.GPU),
      userData: UserData.forLinux(),
      role: this.hostRole,
      securityGroup: new SecurityGroup(this, "HostSecurityGroup", {
        vpc: this.vpc,
        description: "Emotions Harmonizer GPU hosts: no inbound traffic",
        allowAllOutbound: true,
      }),
      requireImdsv2: true,
      // Containers (bridge network) are one hop further: with a limit of 1 they cannot reach the host's credentials.
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: "/dev/xvda",
          volume: BlockDeviceVolume.ebs(props.rootVolumeGiB ?? 100, {
            encrypted: true,
            volumeType: EbsDeviceVolumeType.GP3,
            deleteOnTermination: true,
          }),
        },
      ],
    });
    this.hosts = new AutoScalingGroup(this, "GpuHosts", {
      vpc: this.vpc,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      launchTemplate,
      minCapacity: 0,
      maxCapacity: this.maxInstances,
    });
    this.capacityProvider = new AsgCapacityProvider(this, "GpuCapacity", {
      autoScalingGroup: this.hosts,
      enableManagedScaling: true,
      enableManagedTerminationProtection: true,
      targetCapacityPercent: 100,
    });
    this.cluster.addAsgCapacityProvider(this.capacityProvider);
    this.hostLogs = HostLogScope.applyTo(this, this.hostRole);
    this.warmPoolInstances = props.warmPoolInstances ?? 0;
    if (this.warmPoolInstances > 0) keepWarmPool(this.hosts, this.warmPoolInstances, this.maxInstances);
    acknowledgeHostFindings(this);
  }

  /**
   * Pulls `image` when an instance first boots (into the warm pool, or a fresh launch), so that a task placed
   * on a woken instance finds it cached (ECS_IMAGE_PULL_BEHAVIOR=prefer-cached). A failed pull only costs time.
   */
  prePull(image: DockerImageAsset): void {
    if (this.warmPoolInstances === 0) return;
    image.repository.grantPull(this.hostRole);
    const { region, account, urlSuffix } = Stack.of(this);
    this.hosts.userData.addCommands(
      "echo ECS_IMAGE_PULL_BEHAVIOR=prefer-cached >> /etc/ecs/ecs.config",
      "command -v aws >/dev/null || yum install -y awscli",
      `(aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ` +
        `${account}.dkr.ecr.${region}.${urlSuffix} && docker pull ${image.imageUri}) || echo "pre-pull failed"`,
    );
  }

  /** The capacity provider strategy that places a service or task here (and starts an instance for it). */
  get placement(): CapacityProviderStrategy[] {
    return [{ capacityProvider: this.capacityProvider.capacityProviderName, weight: 1 }];
  }
}

/**
 * A warm pool of stopped instances under the ECS capacity provider. ECS_WARM_POOLS_CHECK keeps the ECS agent
 * from registering an instance while it is being prepared for the pool; reuseOnScaleIn puts an idle instance
 * back into the pool (stopped) instead of terminating it.
 */
function keepWarmPool(hosts: AutoScalingGroup, size: number, maxInstances: number): void {
  if (!Number.isInteger(size) || size < 0 || size > maxInstances) {
    throw new Error(
      `GpuCapacity warmPoolInstances must be a whole number from 0 to maxInstances (${maxInstances}), got ${size}`,
    );
  }
  hosts.userData.addCommands("echo ECS_WARM_POOLS_CHECK=true >> /etc/ecs/ecs.config");
  hosts.addWarmPool({
    minSize: size,
    maxGroupPreparedCapacity: size,
    poolState: PoolState.STOPPED,
    reuseOnScaleIn: true,
  });
}

/**
 * Public subnets without NAT: the hosts accept no inbound traffic (no ingress rule) and only call AWS APIs
 * outbound. A NAT gateway (about 32 USD a month plus data) or interface endpoints for ECR, ECS, SQS, SNS, Logs
 * and Secrets Manager would cost more than the idle GPU fleet, which costs nothing. S3 traffic (songs, models,
 * results) stays on the free gateway endpoint.
 */
function publicOnlyVpc(scope: Construct, logRetention: RetentionDays): Vpc {
  const flowLogs = new LogGroup(scope, "FlowLogs", { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  return new Vpc(scope, "Network", {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: "public", subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
    gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
    flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs) } },
  });
}
