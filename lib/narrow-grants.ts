import { Grant, type IGrantable } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { Topic } from "aws-cdk-lib/aws-sns";

/**
 * Grants with exactly the actions this pipeline calls. The stock `bucket.grantRead` / `grantPut` /
 * `topic.grantPublish` add action wildcards (s3:GetObject*, s3:List*, s3:Abort*, kms:GenerateDataKey*)
 * that nobody here needs.
 */

/**
 * HeadObject/GetObject (also of a given version) under `prefix`, plus ListBucket so a missing key is a 404, not a
 * 403. With a prefix, listing is limited to it (s3:prefix), so the grantee cannot list the rest of the bucket.
 */
export function grantReadObjects(grantee: IGrantable, bucket: IBucket, prefix = ""): void {
  Grant.addToPrincipal({
    grantee,
    actions: ["s3:GetObject", "s3:GetObjectVersion"],
    resourceArns: [bucket.arnForObjects(`${prefix}*`)],
  });
  Grant.addToPrincipal({
    grantee,
    actions: ["s3:ListBucket"],
    resourceArns: [bucket.bucketArn],
    ...(prefix === "" ? {} : { conditions: { StringLike: { "s3:prefix": [`${prefix}*`] } } }),
  });
}

/** PutObject (single or multipart) under `prefix`. */
export function grantWriteObjects(grantee: IGrantable, bucket: IBucket, prefix: string): void {
  Grant.addToPrincipal({
    grantee,
    actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
    resourceArns: [bucket.arnForObjects(`${prefix}*`)],
  });
}

/** sns:Publish, and the data-key calls SNS makes with the caller's rights when the topic is KMS-encrypted. */
export function grantPublish(grantee: IGrantable, topic: Topic): void {
  Grant.addToPrincipal({ grantee, actions: ["sns:Publish"], resourceArns: [topic.topicArn] });
  topic.masterKey?.grant(grantee, "kms:GenerateDataKey", "kms:Decrypt");
}
