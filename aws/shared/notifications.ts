import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";

/** What a notification is about; sent as the `kind` message attribute so subscriptions can filter. */
export type NotificationKind = "result" | "rejection" | "failure" | "training";

export interface Notification {
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly text: string;
  /** Email address from the upload's `notify` metadata; sent as the `owner` attribute for filter policies. */
  readonly owner?: string | undefined;
  readonly jobId?: string | undefined;
}

/**
 * A user-chosen name (an upload key) as it may appear in an email: line breaks and other control characters,
 * and the bidirectional controls that reorder text (U+202E and friends), are shown as \u{...} escapes, so a
 * key can neither add lines (a fake "Download:" link) nor disguise itself.
 */
export function displayName(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u{${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}}`,
  );
}

/**
 * SNS limits subjects to 100 printable ASCII characters without line breaks. Accents come off their letters (é -> e);
 * each run of other characters (another script, emoji) becomes one "?", so the name does not silently vanish.
 */
export function snsSubject(subject: string): string {
  const ascii = subject
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x20-\x7e]+/g, "?");
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
