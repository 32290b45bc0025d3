import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface ResultNotificationsProps {
  /** Receives result links, rejection notices and operational alarms. */
  readonly notifyEmail: string;
  /**
   * What happens to the topic's KMS key when the stack is deleted. It encrypts only the topic's messages, which go
   * with the topic, so it is scheduled for deletion (after the 7-day pending window) rather than billed on.
   * @default RemovalPolicy.DESTROY
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

/**
 * The SNS topic that emails the owner: "your song is ready" with the link, "your upload was refused" with the
 * reason, and CloudWatch alarms. Encrypted with a customer-managed KMS key (rotated yearly) and TLS-only.
 */
export class ResultNotifications extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: ResultNotificationsProps) {
    super(scope, id);
    this.key = new Key(this, "TopicKey", {
      description: "Encrypts the Emotions Harmonizer notification topic",
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // CloudWatch alarm actions publish to the encrypted topic as the CloudWatch service: this account's alarms only.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    );

    this.topic = new Topic(this, "Topic", {
      displayName: "Emotions Harmonizer",
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new EmailSubscription(props.notifyEmail));
  }
}
