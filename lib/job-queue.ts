import { Duration } from "aws-cdk-lib";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface JobQueueProps {
  /**
   * How long a received job stays hidden from other workers. The worker extends it (heartbeat) while it runs,
   * so this only bounds how soon a crashed worker's job is retried.
   * @default Duration.minutes(30)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Attempts a job gets. The queue's redrive policy allows one receive more: on it the worker tells the owner
   * about a job whose attempts all died without a word (killed for memory) and moves it to the dead-letter
   * queue itself, so every failed job is mailed and counted (container/worker/dead-letter.ts).
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * How long failed jobs wait in the dead-letter queue for a look or a redrive.
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;
  /**
   * How long the uploads the jobs name are kept. A job redriven from the dead-letter queue needs its upload,
   * so the dead-letter queue may not keep jobs longer than this (SQS counts both from the first enqueue).
   * @default no check (the uploads' lifetime is unknown)
   */
  readonly inputRetention?: Duration;
}

/** The extension jobs the validator accepts and the GPU workers consume, with a dead-letter queue. */
export class JobQueue extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly maxReceiveCount: number;
  public readonly visibilityTimeout: Duration;
  public readonly deadLetterRetention: Duration;

  constructor(scope: Construct, id: string, props: JobQueueProps = {}) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount ?? 3;
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.minutes(30);
    this.deadLetterRetention = props.deadLetterRetention ?? Duration.days(14);
    checkJobQueueProps(this.maxReceiveCount, this.deadLetterRetention, props.inputRetention);
    this.deadLetterQueue = new Queue(this, "DeadLetters", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: this.deadLetterRetention,
    });
    this.queue = new Queue(this, "Jobs", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount + 1 },
    });
  }
}

/** Props that cannot work together fail synthesis at once, naming both. */
function checkJobQueueProps(maxReceiveCount: number, deadLetterRetention: Duration, inputRetention?: Duration): void {
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 999) {
    throw new Error(
      `JobQueue maxReceiveCount must be a whole number from 1 to 999 (SQS allows 1000 receives, one is the reporting receive), got ${maxReceiveCount}`,
    );
  }
  if (inputRetention !== undefined && deadLetterRetention.toSeconds() > inputRetention.toSeconds()) {
    throw new Error(
      `JobQueue deadLetterRetention (${deadLetterRetention.toHumanString()}) outlives the uploads ` +
        `(inputRetention ${inputRetention.toHumanString()}): a job redriven from the dead-letter queue would find ` +
        "its upload gone. Keep uploads at least as long as failed jobs.",
    );
  }
}
