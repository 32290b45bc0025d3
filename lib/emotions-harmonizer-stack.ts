import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import {
  DEFAULT_LIMITS,
  FORM_METADATA,
  FORM_SETTINGS,
  type InputLimits,
  RESULTS_PREFIX,
  TARGET_SECONDS_METADATA,
} from "../contract/pipeline.ts";
import { ExtensionWorkers } from "./extension-workers.ts";
import { GpuCapacity } from "./gpu-capacity.ts";
import { JobQueue } from "./job-queue.ts";
import { PipelineMonitoring } from "./pipeline-monitoring.ts";
import { PipelineStorage } from "./pipeline-storage.ts";
import { PresignCredentials } from "./presign-credentials.ts";
import { ResultNotifications } from "./result-notifications.ts";
import type { DeploySettings } from "./settings.ts";
import { TRAINING_OUTPUTS } from "./training-command.ts";
import { TrainingTask } from "./training-task.ts";
import { UploadValidation } from "./upload-validation.ts";
import { workerImage } from "./worker-image.ts";

export interface EmotionsHarmonizerStackProps extends StackProps {
  readonly settings: DeploySettings;
}

/**
 * Upload a song to the input bucket -> the validator queues a job -> a GPU worker extends it -> the result
 * lands in the output bucket and the owner gets an email with a link.
 */
export class EmotionsHarmonizerStack extends Stack {
  public readonly storage: PipelineStorage;
  public readonly notifications: ResultNotifications;
  public readonly jobs: JobQueue;
  public readonly validation: UploadValidation;
  public readonly presign: PresignCredentials;
  public readonly gpu: GpuCapacity;
  public readonly workers: ExtensionWorkers;
  public readonly training: TrainingTask;
  public readonly monitoring: PipelineMonitoring;

  constructor(scope: Construct, id: string, props: EmotionsHarmonizerStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const limits: InputLimits = {
      minInputSeconds: DEFAULT_LIMITS.minInputSeconds,
      maxInputSeconds: settings.maxInputMinutes * 60,
      maxTargetSeconds: settings.maxTargetMinutes * 60,
      maxUploadBytes: settings.maxUploadMb * 1024 * 1024,
    };

    this.storage = new PipelineStorage(this, "Storage", { resultLinkDays: settings.resultLinkDays });
    this.notifications = new ResultNotifications(this, "Notifications", { notifyEmail: settings.notifyEmail });
    this.jobs = new JobQueue(this, "JobQueue", { inputRetention: this.storage.uploadRetention });

    this.validation = new UploadValidation(this, "UploadValidation", {
      inputBucket: this.storage.inputBucket,
      outputBucket: this.storage.outputBucket,
      jobQueue: this.jobs.queue,
      topic: this.notifications.topic,
      defaultTarget: settings.defaultTarget,
      limits,
    });

    this.presign = new PresignCredentials(this, "ResultLinkSigner", {
      bucket: this.storage.outputBucket,
      prefix: RESULTS_PREFIX,
    });

    // "Workers": the id of the construct this capacity was split from, so a deployed stack keeps its VPC,
    // cluster and hosts; everything that runs on the GPU hosts is created inside it.
    this.gpu = new GpuCapacity(this, "Workers", {
      instanceType: settings.gpuInstanceType,
      // One instance more than the workers may use, so a training run never waits for the queue to drain.
      maxInstances: settings.maxTasks + 1,
      warmPoolInstances: settings.warmPoolInstances,
    });
    const { image, asset } = workerImage(this, { libtensorflowSha256: settings.libtensorflowSha256 });
    this.gpu.prePull(asset);
    this.workers = new ExtensionWorkers(this.gpu, "Service", {
      capacity: this.gpu,
      image,
      jobs: this.jobs,
      inputBucket: this.storage.inputBucket,
      outputBucket: this.storage.outputBucket,
      modelsBucket: this.storage.modelsBucket,
      topic: this.notifications.topic,
      presignSecret: this.presign.secret,
      resultLinkDays: settings.resultLinkDays,
      maxTasks: settings.maxTasks,
      engine: settings.engine,
      limits,
      memoryLimitMiB: settings.workerMemoryMiB,
      // The soft limit (placement) 2 GiB below the hard one, as before the setting (12 of 14 GiB).
      memoryReservationMiB: Math.max(1024, settings.workerMemoryMiB - 2048),
    });
    this.training = new TrainingTask(this.gpu, "Training", {
      capacity: this.gpu,
      image,
      modelsBucket: this.storage.modelsBucket,
      topic: this.notifications.topic,
    });

    this.monitoring = new PipelineMonitoring(this, "Monitoring", {
      topic: this.notifications.topic,
      jobQueue: this.jobs.queue,
      deadLetterQueue: this.jobs.deadLetterQueue,
      maxReceiveCount: this.jobs.maxReceiveCount,
      validator: this.validation.function,
      validatorFailedEvents: this.validation.failedEvents,
      cluster: this.gpu.cluster,
      service: this.workers.service.service,
    });

    this.pipelineOutputs();
    this.trainingOutputs();
  }

  /** The buckets, topic and queues, and an example upload. */
  private pipelineOutputs(): void {
    const input = this.storage.inputBucket.bucketName;
    new CfnOutput(this, "InputBucketName", { value: input, description: "Drop songs here" });
    new CfnOutput(this, "OutputBucketName", { value: this.storage.outputBucket.bucketName });
    new CfnOutput(this, "ModelsBucketName", { value: this.storage.modelsBucket.bucketName });
    new CfnOutput(this, "TopicArn", {
      value: this.notifications.topic.topicArn,
      description:
        "Every email goes out here; notifyEmail is subscribed unfiltered. An upload's notify metadata only sets the " +
        "owner attribute: that address gets mail once subscribed with a filter policy on owner, and confirmed",
    });
    new CfnOutput(this, "JobQueueUrl", { value: this.jobs.queue.queueUrl });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: this.jobs.deadLetterQueue.queueUrl });
    // The worker dead-letters a job by sending it, not through the redrive policy: name the destination explicitly.
    new CfnOutput(this, "RedriveFailedJobs", {
      description: "Run the jobs in the dead-letter queue again (each runs once) once the cause is fixed",
      value:
        `aws sqs start-message-move-task --source-arn ${this.jobs.deadLetterQueue.queueArn}` +
        ` --destination-arn ${this.jobs.queue.queueArn}`,
    });
    new CfnOutput(this, "ExampleUpload", {
      description: `Extend a song to 5 minutes (${FORM_METADATA}: ${FORM_SETTINGS.join(", ")})`,
      value: `aws s3 cp song.mp3 s3://${input}/ --metadata ${TARGET_SECONDS_METADATA}=300,${FORM_METADATA}=auto`,
    });
  }

  /** Where a training run goes, for `npm run cloud:train`, and the literal line for those who start it by hand. */
  private trainingOutputs(): void {
    new CfnOutput(this, TRAINING_OUTPUTS.cluster, { value: this.gpu.cluster.clusterName });
    new CfnOutput(this, TRAINING_OUTPUTS.taskDefinition, { value: this.training.taskDefinition.taskDefinitionArn });
    new CfnOutput(this, TRAINING_OUTPUTS.capacityProvider, {
      value: this.gpu.capacityProvider.capacityProviderName,
    });
    new CfnOutput(this, "StartTraining", {
      description: "Train on s3://<ModelsBucketName>/training/mysongs/ (the candidate lands in models/candidates/)",
      value: this.training.startCommand("mysongs"),
    });
  }
}
