import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type BucketProps } from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { acknowledgeFinding } from "./nag-findings.ts";

import { REJECTIONS_PREFIX, RESULTS_PREFIX } from "../contract/pipeline.ts";

export interface PipelineStorageProps {
  /**
   * Lifetime of the emailed result links; results are kept one day longer so a link never outlives its object.
   * @default 7
   */
  readonly resultLinkDays?: number;
  /**
   * Days an upload is kept. It must outlive the dead-letter queue's retention so a redriven job still finds its input.
   * @default 14
   */
  readonly uploadRetentionDays?: number;
  /**
   * Days rejection reports are kept.
   * @default 30
   */
  readonly rejectionRetentionDays?: number;
  /**
   * Days server access logs are kept.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * What happens to the buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The pipeline's S3 buckets: uploads in, results and rejection reports out, trained models, and the
 * server access log bucket the other three log to. All private, TLS-only and encrypted with S3-managed keys
 * (results are fetched through presigned links, which a KMS key would complicate for no gain).
 */
export class PipelineStorage extends Construct {
  /** Songs dropped by users; each new object starts a job. */
  public readonly inputBucket: Bucket;
  /** `results/` (linked in emails) and `rejections/` (reports on refused uploads). */
  public readonly outputBucket: Bucket;
  /** Trained model directories the workers load. */
  public readonly modelsBucket: Bucket;
  public readonly accessLogBucket: Bucket;
  public readonly resultLinkDays: number;
  /** How long uploads are kept (a redriven job needs its upload). */
  public readonly uploadRetention: Duration;

  constructor(scope: Construct, id: string, props: PipelineStorageProps = {}) {
    super(scope, id);
    this.resultLinkDays = props.resultLinkDays ?? 7;
    this.uploadRetention = Duration.days(props.uploadRetentionDays ?? 14);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const secure: Partial<BucketProps> = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    };

    this.accessLogBucket = new Bucket(this, "AccessLogs", {
      ...secure,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 90) }],
    });
    acknowledgeFinding(
      this.accessLogBucket,
      "AwsSolutions-S1",
      "This is the server access log bucket of the other buckets; logging it into itself would log every log delivery.",
    );

    const logged = (prefix: string): Partial<BucketProps> => ({
      ...secure,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: prefix,
    });

    this.inputBucket = new Bucket(this, "Uploads", {
      ...logged("uploads/"),
      // Versioned, so a job names the exact version that was validated (an overwrite cannot slip in).
      versioned: true,
      lifecycleRules: [
        { expiration: this.uploadRetention, noncurrentVersionExpiration: Duration.days(1) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.outputBucket = new Bucket(this, "Results", {
      ...logged("results/"),
      lifecycleRules: [
        { prefix: RESULTS_PREFIX, expiration: Duration.days(this.resultLinkDays + 1) },
        { prefix: REJECTIONS_PREFIX, expiration: Duration.days(props.rejectionRetentionDays ?? 30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    this.modelsBucket = new Bucket(this, "Models", {
      ...logged("models/"),
      // Trained weights are costly to reproduce: keep old versions for a while to roll back a bad upload.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    });
  }
}
