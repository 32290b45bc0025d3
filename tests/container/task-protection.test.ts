import type { ECSClient, UpdateTaskProtectionCommand } from "@aws-sdk/client-ecs";
import { Logger } from "@aws-lambda-powertools/logger";
import { describe, expect, it, vi } from "vitest";
import { createTaskProtection } from "../../container/worker/task-protection.ts";

const logger = new Logger({ logLevel: "SILENT" });
const metadataFetch = vi.fn(async (url: string | URL | Request) =>
  String(url) === "http://169.254.170.2/v4/abc/task"
    ? Response.json({
        Cluster: "arn:aws:ecs:us-east-1:1:cluster/workers",
        TaskARN: "arn:aws:ecs:us-east-1:1:task/workers/t1",
      })
    : new Response("not found", { status: 404 }),
) as unknown as typeof fetch;

function fakeEcs(fail = false) {
  const inputs: unknown[] = [];
  const ecs = {
    send: vi.fn(async (command: UpdateTaskProtectionCommand) => {
      inputs.push(command.input);
      if (fail) throw new Error("AccessDenied");
      return {};
    }),
  } as unknown as ECSClient;
  return { ecs, inputs };
}

describe("ECS task scale-in protection", () => {
  it("protects this task while a job runs and releases it after", async () => {
    const { ecs, inputs } = fakeEcs();
    const protection = createTaskProtection(ecs, "http://169.254.170.2/v4/abc", 240, logger, metadataFetch);
    await protection.enable();
    await protection.disable();
    expect(inputs).toEqual([
      {
        cluster: "arn:aws:ecs:us-east-1:1:cluster/workers",
        tasks: ["arn:aws:ecs:us-east-1:1:task/workers/t1"],
        protectionEnabled: true,
        expiresInMinutes: 240,
      },
      {
        cluster: "arn:aws:ecs:us-east-1:1:cluster/workers",
        tasks: ["arn:aws:ecs:us-east-1:1:task/workers/t1"],
        protectionEnabled: false,
      },
    ]);
  });

  it("does nothing outside ECS (no metadata endpoint)", async () => {
    const { ecs, inputs } = fakeEcs();
    await createTaskProtection(ecs, undefined, 240, logger, metadataFetch).enable();
    expect(inputs).toEqual([]);
  });

  it("does not fail the job when ECS refuses", async () => {
    const { ecs } = fakeEcs(true);
    await expect(
      createTaskProtection(ecs, "http://169.254.170.2/v4/abc", 240, logger, metadataFetch).enable(),
    ).resolves.toBeUndefined();
  });
});
