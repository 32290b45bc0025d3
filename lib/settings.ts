import type { Construct } from "constructs";
import { z } from "zod";
import { ENGINES, type EngineName } from "../engine/extend/types.ts";
import { LENGTH_FORMS, readLength } from "../contract/pipeline.ts";
import { MIN_TARGET_SECONDS } from "../engine/limits.ts";

/**
 * Deploy-time settings, read from CDK context (`-c key=value` or cdk.json), validated in one place.
 * A missing or invalid value stops synthesis with a message naming the setting and its rule.
 */
export interface DeploySettings {
  /** Where result links, rejections and alarms are emailed. */
  readonly notifyEmail: string;
  /**
   * The result's length when an upload names none (no `target-seconds` metadata, no length folder): a length in
   * the `--to` forms, "x2" (twice the song, the default) or "10m". A multiple is kept within the target limits; a fixed length is at least 20 s.
   */
  readonly defaultTarget: string;
  /** EC2 instance type of the GPU hosts (one task per instance). */
  readonly gpuInstanceType: string;
  /** Most GPU tasks (and instances) running at once. */
  readonly maxTasks: number;
  /**
   * The worker container's memory limit, MiB (docs/cloud-latency.md#memory). The engine reads it (the container's
   * limit) and measures a result's quality only when that fits; rendering, encoding and upload stream.
   */
  readonly workerMemoryMiB: number;
  /**
   * Stopped GPU instances kept ready in a warm pool (image pulled): the first job after a quiet period starts one
   * instead of launching a new instance. 0 (the default) keeps none; each costs its EBS volume while stopped.
   */
  readonly warmPoolInstances: number;
  /** Lifetime of the emailed result link; SigV4 presigned URLs live at most 7 days. */
  readonly resultLinkDays: number;
  readonly maxUploadMb: number;
  readonly maxInputMinutes: number;
  readonly maxTargetMinutes: number;
  /**
   * Engine override for the workers. Unset, they pick it as the CLI does: the conductor (the model decides where each
   * song goes next), with the models bucket's model, else the shipped one.
   */
  readonly engine?: EngineName | undefined;
  /** SHA-256 of libtensorflow-gpu 2.9.1, the worker image's build checks its download against it (Dockerfile). */
  readonly libtensorflowSha256?: string | undefined;
}

/** A deploy setting is missing or breaks its rule; the message lists each one. */
export class DeploySettingsError extends Error {
  override readonly name = "DeploySettingsError";
}

/** NVIDIA instance families the ECS GPU AMI and CUDA builds of TensorFlow support. */
const GPU_INSTANCE_TYPE = /^(g4dn|g5|g6|g6e|gr6|p3|p3dn|p4d|p4de|p5|p5e)\.(\d*xlarge|metal)$/;

/** Memory of the GPU instance sizes the docs name, GiB (AWS's published figures); other types are not checked. */
const GPU_INSTANCE_MEMORY_GIB: Readonly<Record<string, number>> = {
  "g4dn.xlarge": 16,
  "g4dn.2xlarge": 32,
  "g4dn.4xlarge": 64,
  "g5.xlarge": 16,
  "g5.2xlarge": 32,
  "g5.4xlarge": 64,
  "g6.xlarge": 16,
  "g6.2xlarge": 32,
  "g6.4xlarge": 64,
  "g6e.xlarge": 32,
  "p3.2xlarge": 61,
};
/** What a host keeps for itself (the OS and the ECS agent): a g4dn.xlarge registers about 15 GiB of its 16. */
const HOST_MEMORY_MIB = 1024;
/**
 * The least memory a worker is deployed with: a streamed 1-hour job whose quality is not measured peaked at 621 MB
 * (docs/cloud-latency.md#memory); 3 GiB leaves room for the model and a result of about 40 minutes measured whole.
 */
export const MIN_WORKER_MEMORY_MIB = 3072;

/** Context values from `-c` arrive as strings, from cdk.json as numbers: accept both. */
const integerSetting = (name: string, min: number, max: number, fallback: number, why = "") =>
  z
    .preprocess(
      (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
      z.number({ error: `${name} must be a whole number from ${min} to ${max}` }),
    )
    .pipe(
      z
        .number()
        .int({ error: `${name} must be a whole number from ${min} to ${max}` })
        .min(min, { error: `${name} must be at least ${min}` })
        .max(max, { error: `${name} must be at most ${max}${why}` }),
    )
    .default(fallback);

const settingsSchema = z
  .object({
    notifyEmail: z.email({
      error: (issue) =>
        issue.input === undefined
          ? "notifyEmail is required: pass -c notifyEmail=you@example.com"
          : "notifyEmail must be a valid email address",
    }),
    defaultTarget: z
      .preprocess((value) => (typeof value === "number" ? String(value) : value), z.string())
      .refine((value) => readLength(value) !== undefined, {
        error: `defaultTarget must be a length like ${LENGTH_FORMS}`,
      })
      .default("x2"),
    gpuInstanceType: z
      .string({ error: "gpuInstanceType must be a string such as g4dn.xlarge" })
      .regex(GPU_INSTANCE_TYPE, {
        error: "gpuInstanceType must be an NVIDIA GPU instance type (g4dn, g5, g6, g6e, gr6, p3, p4d, p5 families)",
      })
      .default("g4dn.xlarge"),
    maxTasks: integerSetting("maxTasks", 1, 20, 2),
    workerMemoryMiB: integerSetting("workerMemoryMiB", MIN_WORKER_MEMORY_MIB, 1_048_576, 14_336),
    warmPoolInstances: integerSetting("warmPoolInstances", 0, 20, 0),
    resultLinkDays: integerSetting("resultLinkDays", 1, 7, 7, " (SigV4 presigned links live at most 7 days)"),
    maxUploadMb: integerSetting("maxUploadMb", 1, 2048, 200),
    maxInputMinutes: integerSetting("maxInputMinutes", 1, 120, 20),
    maxTargetMinutes: integerSetting("maxTargetMinutes", 1, 600, 600),
    engine: z.enum(ENGINES, { error: `engine must be one of ${ENGINES.join(", ")}` }).optional(),
    libtensorflowSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: "libtensorflowSha256 must be 64 lower-case hex digits (a SHA-256)" })
      .optional(),
  })
  .check((ctx) => {
    const s = ctx.value;
    if (s.maxInputMinutes > s.maxTargetMinutes) {
      ctx.issues.push({
        code: "custom",
        path: ["maxInputMinutes"],
        message: `maxInputMinutes (${s.maxInputMinutes}) must not exceed maxTargetMinutes (${s.maxTargetMinutes})`,
        input: s.maxInputMinutes,
      });
    }
    if (s.warmPoolInstances > s.maxTasks) {
      ctx.issues.push({
        code: "custom",
        path: ["warmPoolInstances"],
        message: `warmPoolInstances (${s.warmPoolInstances}) must not exceed maxTasks (${s.maxTasks})`,
        input: s.warmPoolInstances,
      });
    }
    const hostMiB = (GPU_INSTANCE_MEMORY_GIB[s.gpuInstanceType] ?? Number.POSITIVE_INFINITY) * 1024 - HOST_MEMORY_MIB;
    if (s.workerMemoryMiB > hostMiB) {
      ctx.issues.push({
        code: "custom",
        path: ["workerMemoryMiB"],
        message:
          `workerMemoryMiB (${s.workerMemoryMiB}) does not fit a ${s.gpuInstanceType} ` +
          `(${GPU_INSTANCE_MEMORY_GIB[s.gpuInstanceType]} GiB): at most ${hostMiB}, leaving ${HOST_MEMORY_MIB} MiB for the host`,
        input: s.workerMemoryMiB,
      });
    }
    const defaultTarget = readLength(s.defaultTarget);
    if (defaultTarget !== undefined && "seconds" in defaultTarget && defaultTarget.seconds < MIN_TARGET_SECONDS) {
      ctx.issues.push({
        code: "custom",
        path: ["defaultTarget"],
        message: `defaultTarget (${s.defaultTarget}, ${defaultTarget.seconds} s) must be at least ${MIN_TARGET_SECONDS} s, the shortest result`,
        input: s.defaultTarget,
      });
    }
    if (defaultTarget !== undefined && "seconds" in defaultTarget && defaultTarget.seconds > s.maxTargetMinutes * 60) {
      ctx.issues.push({
        code: "custom",
        path: ["defaultTarget"],
        message: `defaultTarget (${s.defaultTarget}, ${defaultTarget.seconds} s) must not exceed maxTargetMinutes * 60 (${s.maxTargetMinutes * 60})`,
        input: s.defaultTarget,
      });
    }
  });

export const SETTING_NAMES = Object.keys(settingsSchema.shape) as (keyof DeploySettings)[];

/** Validates raw setting values (missing ones take their defaults); throws naming every bad setting. */
export function parseSettings(raw: Readonly<Record<string, unknown>>): DeploySettings {
  const result = settingsSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.message}`);
  throw new DeploySettingsError(`Invalid deploy settings (CDK context):\n${problems.join("\n")}`);
}

/** Reads every setting from the CDK context visible at `scope`. */
export function settingsFromContext(scope: Construct): DeploySettings {
  const raw: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) raw[name] = scope.node.tryGetContext(name);
  return parseSettings(raw);
}
