import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Template } from "aws-cdk-lib/assertions";
import { publishNotification } from "#aws/shared/notifications.ts";
import { synthHarmonizer } from "./synth.ts";

// SNS mails a subscription only once its address has confirmed it, and a filtered one only the emails whose
// attributes match. The `notify` metadata therefore sends nothing by itself: the README and the stack output say so.
let template: Template;
let cleanup = () => {};
beforeAll(() => {
  ({ template, cleanup } = synthHarmonizer());
});
afterAll(() => cleanup());

describe("a notify address gets mail only when subscribed with a filter on the attribute the emails carry", () => {
  it("subscribes notifyEmail alone, unfiltered", () => {
    const subscriptions = Object.values(template.findResources("AWS::SNS::Subscription"));
    expect(subscriptions.map((s) => [s.Properties.Protocol, s.Properties.FilterPolicy])).toEqual([
      ["email", undefined],
    ]);
  });

  it("the README's subscribe command filters on the attribute publishNotification sends, and says to confirm", async () => {
    const sent: PublishCommand[] = [];
    const sns = { send: async (command: PublishCommand) => void sent.push(command) } as unknown as SNSClient;
    await publishNotification(sns, "arn:topic", { kind: "result", subject: "s", text: "t", owner: "bob@example.com" });
    const attributes = Object.keys(sent[0]?.input.MessageAttributes ?? {});
    const ownerAttribute = attributes.find((name) => name !== "kind" && name !== "jobId");
    expect(ownerAttribute).toBe("owner");

    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    const use = readme.split("### Use")[1]?.split("\n#### ")[0] ?? "";
    expect(use).toContain("`--metadata notify=bob@example.com`");
    expect(use).toContain(`'{"FilterPolicy":"{\\"${ownerAttribute}\\":[\\"bob@example.com\\"]}"}'`);
    expect(use).toMatch(/sends no mail by itself/);
    expect(use).toMatch(/nothing reaches him until he has/);
    const outputs = template.toJSON().Outputs as Record<string, { Description?: string }>;
    expect(outputs.TopicArn?.Description).toMatch(
      /notify metadata only sets the owner attribute.*filter policy on owner/,
    );
  });
});
