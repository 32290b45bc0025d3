import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";

/** What a notification is about; sent as the `kind` message attribute so subscriptions can filter. */
export type NotificationKind = "result" | "rejection" | "failure";

export interface Notification {
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly text: string;
  /** Email address from the upload's `notify` metadata; sent as the `owner` attribute for filter policies. */
  readonly owner?: string | undefined;
  readonly jobId?: string | undefined;
}

/** SNS limits subjects to 100 printable ASCII characters without line breaks. */
export function snsSubject(subject: string): string {
  const ascii = subject.normalize("NFKD").replace(/[^\x20-\x7e]/g, "");
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}

export async function publishNotification(sns: SNSClient, topicArn: string, notification: Notification): Promise<void> {
  const attributes: Record<string, { DataType: string; StringValue: string }> = {
    kind: { DataType: "String", StringValue: notification.kind },
  };
  if (notification.owner !== undefined) attributes.owner = { DataType: "String", StringValue: notification.owner };
  if (notification.jobId !== undefined) attributes.jobId = { DataType: "String", StringValue: notification.jobId };
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: snsSubject(notification.subject),
      Message: notification.text,
      MessageAttributes: attributes,
    }),
  );
}
