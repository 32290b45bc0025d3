import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readValidatorConfig } from "../../functions/validator/config.ts";
import { createValidator, handler } from "../../functions/validator/handler.ts";

const config = readValidatorConfig({
  JOB_QUEUE_URL: "https://sqs.example/jobs",
  INPUT_BUCKET: "uploads",
  OUTPUT_BUCKET: "results-bucket",
  TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:t",
  DEFAULT_TARGET: "x2",
  MAX_UPLOAD_BYTES: "1000000",
  MAX_INPUT_SECONDS: "600",
  MAX_TARGET_SECONDS: "3600",
});

/** A client whose every call fails with `error`; records the commands it was sent. */
function failingClient<T>(error: Error): { client: T; sent: unknown[] } {
  const sent: unknown[] = [];
  const client = {
    send: vi.fn(async (command: unknown) => {
      sent.push(command);
      throw error;
    }),
  } as unknown as T;
  return { client, sent };
}

function validatorWith(s3Error: Error) {
  const s3 = failingClient<S3Client>(s3Error);
  const sqs = failingClient<SQSClient>(new Error("SQS must not be called"));
  const sns = failingClient<SNSClient>(new Error("SNS must not be called"));
  const logger = new Logger({ logLevel: "SILENT" });
  const metrics = new Metrics({ namespace: "Test", serviceName: "validator", logger });
  const validate = createValidator({ config, s3: s3.client, sqs: sqs.client, sns: sns.client, logger, metrics });
  return { validate, s3, sqs, sns };
}

const upload = (bucket: string, key: string) => ({
  Records: [
    { eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { bucket: { name: bucket }, object: { key } } },
  ],
});

describe("validator handler", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("does nothing for the s3:TestEvent", async () => {
    const { validate, s3, sqs, sns } = validatorWith(new Error("S3 must not be called"));
    expect(await validate({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: "uploads" })).toEqual([]);
    expect([s3.sent, sqs.sent, sns.sent]).toEqual([[], [], []]);
  });

  it("ignores other buckets and its own output without calling AWS (reserved names in the upload bucket: a notice)", async () => {
    const { validate, s3 } = validatorWith(new Error("S3 must not be called"));
    const outcomes = [
      ...(await validate(upload("somebody-else", "a.wav"))),
      ...(await validate(upload("results-bucket", "results/x/a-extended.wav"))),
    ];
    expect(outcomes.map((o) => o.status)).toEqual(["ignored", "ignored"]);
    expect(s3.sent).toEqual([]);
  });

  it("throws on an AWS failure so Lambda retries, but not when the object is already gone", async () => {
    const throttled = Object.assign(new Error("Slow Down"), { name: "SlowDown" });
    await expect(validatorWith(throttled).validate(upload("uploads", "a.wav"))).rejects.toThrow("Slow Down");
    const gone = Object.assign(new Error("Not Found"), { name: "NotFound" });
    expect(await validatorWith(gone).validate(upload("uploads", "a+b.wav"))).toEqual([
      { status: "ignored", key: "a b.wav", why: "the object no longer exists" },
    ]);
  });

  it("fails the Lambda invocation naming the missing environment variable", async () => {
    vi.stubEnv("JOB_QUEUE_URL", "");
    await expect(handler({ Event: "s3:TestEvent" })).rejects.toThrow(/JOB_QUEUE_URL/);
  });
});
