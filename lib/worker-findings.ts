import type { AutoScalingGroup } from "aws-cdk-lib/aws-autoscaling";
import type { ICluster, TaskDefinition } from "aws-cdk-lib/aws-ecs";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { CURRENT_MODEL_PREFIX } from "#aws/shared/model-keys.ts";
import { REJECTIONS_PREFIX, RESULTS_PREFIX } from "../contract/pipeline.ts";
import { acknowledgeFinding, nagToken, objectWildcardFinding } from "./nag-findings.ts";

/** What the worker findings are about (plain parts, so that this module imports none of its callers). */
export interface WorkerFindingTargets {
  readonly taskDefinition: TaskDefinition;
  readonly cluster: ICluster;
  readonly inputBucket: IBucket;
  readonly outputBucket: IBucket;
  readonly modelsBucket: IBucket;
}

/** What the host findings are about. */
export interface HostFindingTargets {
  readonly hostRole: IRole;
  readonly hosts: AutoScalingGroup;
}

/** cdk-nag findings of the extension workers that are the design, each on its construct with its reason. */
export function acknowledgeWorkerFindings(props: WorkerFindingTargets): void {
  const taskRole = props.taskDefinition.taskRole;
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.inputBucket),
    "A job names its upload (any user-chosen key); the worker reads objects of the upload bucket only.",
  );
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.modelsBucket, CURRENT_MODEL_PREFIX),
    "The worker downloads the current model directory (models/current/, many files) and nothing else of the " +
      "models bucket.",
  );
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.outputBucket, RESULTS_PREFIX),
    "Each job writes its own results/<jobId>/ folder; writes are limited to the results/ prefix.",
  );
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.outputBucket, REJECTIONS_PREFIX),
    "A song the engine refuses gets its rejection report at rejections/<upload key>.json (any user-chosen key), " +
      "as the validator writes them; writes are limited to the rejections/ prefix.",
  );
  acknowledgeFinding(
    taskRole,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/${nagToken(props.cluster)}/*]`,
    "Task scale-in protection is set by the running task on itself; task IDs exist only at run time, " +
      "so the statement covers the tasks of this one cluster.",
  );
  acknowledgeFinding(
    props.taskDefinition.obtainExecutionRole(),
    "AwsSolutions-IAM5[Resource::*]",
    "ecr:GetAuthorizationToken (pulling the worker image) has no resource-level permissions; the other " +
      "execution-role statements are scoped to the image repository, log group and presign secret.",
  );
  acknowledgeFinding(
    props.taskDefinition,
    "AwsSolutions-ECS2",
    "The environment holds only resource names (buckets, queue, topic) and tuning numbers, nothing secret; " +
      "the presigning key comes from Secrets Manager as ECS secrets.",
  );
}

/** cdk-nag findings of the GPU hosts (written by CDK's Cluster and the capacity's design), each with its reason. */
export function acknowledgeHostFindings(capacity: HostFindingTargets): void {
  acknowledgeFinding(
    capacity.hostRole,
    "AwsSolutions-IAM5[Resource::*]",
    "The ECS agent's instance permissions written by CDK's Cluster (the inline equivalent of " +
      "AmazonEC2ContainerServiceforEC2Role): Discover/Poll/telemetry and ecr:GetAuthorizationToken have no " +
      "resource-level permissions; cluster-scoped actions are limited to this cluster.",
  );
  acknowledgeFinding(
    capacity.hostRole,
    "AwsSolutions-IAM5[Action::ecs:Submit*]",
    "ecs:SubmitContainerStateChange/SubmitTaskStateChange/SubmitAttachmentStateChanges, as the ECS agent needs; " +
      "written by CDK's Cluster and limited to this cluster.",
  );
  acknowledgeFinding(
    capacity.hosts,
    "AwsSolutions-AS3",
    "Every job starts and stops a GPU instance, so scaling notifications would email the owner twice per song. " +
      "Launch failures surface through the stalled-jobs alarm (oldest job older than 1 h) instead.",
  );
}
