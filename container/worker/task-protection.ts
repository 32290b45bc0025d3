import { type ECSClient, UpdateTaskProtectionCommand } from "@aws-sdk/client-ecs";
import type { Logger } from "@aws-lambda-powertools/logger";
import pRetry from "p-retry";

/** ECS task scale-in protection around a job, so the capacity provider does not stop a busy task. */
export interface TaskProtection {
  enable(): Promise<void>;
  disable(): Promise<void>;
}

export const NO_TASK_PROTECTION: TaskProtection = { enable: async () => {}, disable: async () => {} };

interface TaskIdentity {
  readonly cluster: string;
  readonly taskArn: string;
}

/** Cluster and task ARN from the ECS task metadata endpoint v4 (`${uri}/task`). */
export async function readTaskIdentity(metadataUri: string, fetchImpl: typeof fetch = fetch): Promise<TaskIdentity> {
  return pRetry(
    async () => {
      const response = await fetchImpl(`${metadataUri}/task`);
      if (!response.ok) throw new Error(`ECS task metadata answered ${response.status}`);
      const body = (await response.json()) as { Cluster?: unknown; TaskARN?: unknown };
      if (typeof body.Cluster !== "string" || typeof body.TaskARN !== "string") {
        throw new Error("ECS task metadata has no Cluster/TaskARN");
      }
      return { cluster: body.Cluster, taskArn: body.TaskARN };
    },
    { retries: 3, minTimeout: 200 },
  );
}

/**
 * Task protection when running on ECS (the metadata URI is set), a no-op elsewhere. Failures are
 * logged: an unprotected task is a risk, not a reason to drop the job.
 */
export function createTaskProtection(
  ecs: ECSClient,
  metadataUri: string | undefined,
  expiresInMinutes: number,
  logger: Logger,
  fetchImpl: typeof fetch = fetch,
): TaskProtection {
  if (metadataUri === undefined) return NO_TASK_PROTECTION;
  let identity: Promise<TaskIdentity> | undefined;
  const update = async (protectionEnabled: boolean) => {
    try {
      identity ??= readTaskIdentity(metadataUri, fetchImpl);
      const { cluster, taskArn } = await identity;
      await ecs.send(
        new UpdateTaskProtectionCommand({
          cluster,
          tasks: [taskArn],
          protectionEnabled,
          ...(protectionEnabled ? { expiresInMinutes } : {}),
        }),
      );
    } catch (error) {
      identity = undefined;
      logger.warn("could not update ECS task protection", { protectionEnabled, error });
    }
  };
  return { enable: () => update(true), disable: () => update(false) };
}
