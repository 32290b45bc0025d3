import { Stack, Validations, type CfnElement } from "aws-cdk-lib";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { IConstruct } from "constructs";

/**
 * Acknowledges one cdk-nag finding on `scope` (and everything under it). Findings of granular rules carry
 * their subject: `AwsSolutions-IAM5[Resource::...]`, so one acknowledgement covers exactly one wildcard.
 */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The way cdk-nag names a resource token: `<LogicalId.Arn>` or `<LogicalId>`. */
export function nagToken(resource: IConstruct, attribute?: string): string {
  const logicalId = Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnElement);
  return attribute ? `<${logicalId}.${attribute}>` : `<${logicalId}>`;
}

/** The IAM5 finding of a statement on every object under `prefix` of `bucket`. */
export const objectWildcardFinding = (bucket: IBucket, prefix = ""): string =>
  `AwsSolutions-IAM5[Resource::${nagToken(bucket, "Arn")}/${prefix}*]`;
