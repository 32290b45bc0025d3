import { describe, expect, it } from "vitest";
import { ConfigurationError } from "#aws/shared/errors.ts";
import { readValidatorConfig } from "../../functions/validator/config.ts";
import { readWorkerConfig } from "../../container/worker/config.ts";

const validatorEnv = {
  JOB_QUEUE_URL: "https://sqs.example/jobs",
  OUTPUT_BUCKET: "out",
  TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:t",
  DEFAULT_TARGET: "x2",
  MAX_UPLOAD_BYTES: "1000",
  MAX_INPUT_SECONDS: "600",
  MAX_TARGET_SECONDS: "3600",
};

describe("configuration from the environment", () => {
  it("reads the validator's variables", () => {
    const config = readValidatorConfig(validatorEnv);
    expect(config.limits).toMatchObject({
      minInputSeconds: 20,
      maxUploadBytes: 1000,
      maxInputSeconds: 600,
      maxTargetSeconds: 3600,
    });
    expect(config.defaultTarget).toEqual({ times: 2 });
    expect(readValidatorConfig({ ...validatorEnv, DEFAULT_TARGET: "10m" }).defaultTarget).toEqual({ seconds: 600 });
  });

  it("names a missing or malformed variable", () => {
    const { TOPIC_ARN: _, ...withoutTopic } = validatorEnv;
    expect(() => readValidatorConfig(withoutTopic)).toThrow(
      new ConfigurationError("environment variable TOPIC_ARN is required but not set"),
    );
    expect(() => readValidatorConfig({ ...validatorEnv, MAX_UPLOAD_BYTES: "lots" })).toThrow(
      /MAX_UPLOAD_BYTES must be a positive number/,
    );
  });

  it("lets the worker find its queue by URL or by QUEUE_NAME, and defaults the model prefix", () => {
    const base = {
      OUTPUT_BUCKET: "out",
      TOPIC_ARN: "arn:t",
      MAX_UPLOAD_BYTES: "1000",
      MAX_INPUT_SECONDS: "600",
      MAX_TARGET_SECONDS: "7200",
    };
    expect(readWorkerConfig({ ...base, JOB_QUEUE_URL: "https://q" }).queue).toEqual({ url: "https://q" });
    expect(readWorkerConfig({ ...base, QUEUE_NAME: "jobs" }).queue).toEqual({ name: "jobs" });
    expect(readWorkerConfig({ ...base, QUEUE_NAME: "jobs" }).modelPrefix).toBe("models/current/");
    expect(() => readWorkerConfig(base)).toThrow(/JOB_QUEUE_URL \(or QUEUE_NAME\)/);
    expect(readWorkerConfig({ ...base, QUEUE_NAME: "jobs" }).presignCredentials).toBeUndefined();
  });

  it("gives the worker the deployed limits, and refuses to start without them (no silent engine defaults)", () => {
    const base = { OUTPUT_BUCKET: "out", TOPIC_ARN: "arn:t", QUEUE_NAME: "jobs" };
    const limits = { MAX_UPLOAD_BYTES: "1000", MAX_INPUT_SECONDS: "1800", MAX_TARGET_SECONDS: "7200" };
    expect(readWorkerConfig({ ...base, ...limits }).limits).toEqual({
      minInputSeconds: 20,
      maxUploadBytes: 1000,
      maxInputSeconds: 1800,
      maxTargetSeconds: 7200,
    });
    expect(() => readWorkerConfig(base)).toThrow(/MAX_INPUT_SECONDS is required/);
  });
});
