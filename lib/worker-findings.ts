import { CLAIM_FILE, RESULTS_PREFIX } from "../contract/pipeline.ts";
import type { ExtensionWorkers, ExtensionWorkersProps } from "./extension-workers.ts";
import type { GpuCapacity } from "./gpu-capacity.ts";
import { acknowledgeFinding, nagToken, objectWildcardFinding } from "./nag-findings.ts";

/** cdk-nag findings of the extension workers that are the design, each on its construct with its reason. */
export function acknowledgeWorkerFindings(workers: ExtensionWorkers, props: ExtensionWorkersProps): void {
  const taskRole = workers.service.taskDefinition.taskRole;
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.inputBucket),
    "A job names its upload (any user-chosen key); the worker reads objects of the upload bucket only.",
  );
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.modelsBucket),
    "The worker downloads whichever model directory is current (a prefix of many files) from the models bucket.",
  );
  acknowledgeFinding(
    taskRole,
    objectWildcardFinding(props.outputBucket, RESULTS_PREFIX),
    "Each job writes its own results/<jobId>/ folder; writes are limited to the results/ prefix.",
  );
  acknowledgeFinding(
    taskRole,
    `AwsSolutions-IAM5[Resource::${nagToken(props.outputBucket, "Arn")}/${RESULTS_PREFIX}*/${CLAIM_FILE}]`,
    "After a job's final failure the worker deletes that job's claim object (results/<jobId>/claim.json) so a " +
      "redrive can run it; it may delete no other object.",
  );
  acknowledgeFinding(
    taskRole,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/${nagToken(props.capacity.cluster)}/*]`,
    "Task scale-in protection is set by the running task on itself; task IDs exist only at run time, " +
      "so the statement covers the tasks of this one cluster.",
  );
  acknowledgeFinding(
    workers.service.taskDefinition.obtainExecutionRole(),
    "AwsSolutions-IAM5[Resource::*]",
    "ecr:GetAuthorizationToken (pulling the worker image) has no resource-level permissions; the other " +
      "execution-role statements are scoped to the image repository, log group and presign secret.",
  );
  acknowledgeFinding(
    workers.service.taskDefinition,
    "AwsSolutions-ECS2",
    "The environment holds only resource names (buckets, queue, topic) and tuning numbers, nothing secret; " +
      "the presigning key comes from Secrets Manager as ECS secrets.",
  );
}

/** cdk-nag findings of the GPU hosts (written by CDK's Cluster and the capacity's design), each with its reason. */
export function acknowledgeHostFindings(capacity: GpuCapacity): void {
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
