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
   * Receives before a job is moved to the dead-letter queue.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * How long failed jobs wait in the dead-letter queue for a look or a redrive.
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;
}

/** The extension jobs the validator accepts and the GPU workers consume, with a dead-letter queue. */
export class JobQueue extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly maxReceiveCount: number;
  public readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: JobQueueProps = {}) {
    super(scope, id);
    this.maxReceiveCount = props.maxReceiveCount ?? 3;
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.minutes(30);
    this.deadLetterQueue = new Queue(this, "DeadLetters", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetention ?? Duration.days(14),
    });
    this.queue = new Queue(this, "Jobs", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    });
  }
}
