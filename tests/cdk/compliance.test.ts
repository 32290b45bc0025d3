import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Stack, Validations, type PolicyValidationPluginReport } from "aws-cdk-lib";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePythonTools, venvBin } from "../support/venv.ts";
import { synthHarmonizer } from "./synth.ts";

/** `RuleId at construct/path` for each finding, so a failure names what to fix. */
const findingsOf = (report: PolicyValidationPluginReport): string[] =>
  report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
  );

/** Every `Validations.of(x).acknowledge(...)` in the tree: where, which finding, why. */
function acknowledgementsUnder(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ""),
          reason,
        })),
      ),
  );
}

let synthesized: ReturnType<typeof synthHarmonizer>;

beforeAll(() => {
  // The real app with real bundling of the validator (local esbuild): no Docker, no network.
  synthesized = synthHarmonizer({ bundle: true });
});
afterAll(() => synthesized?.cleanup());

describe("cdk-nag (AWS Solutions)", () => {
  it("reports no unacknowledged finding, error or warning", () => {
    const report = new AwsSolutionsChecks(synthesized.app, { verbose: true }).validateScope(synthesized.app);
    expect(findingsOf(report)).toEqual([]);
    const cdkReport = JSON.parse(readFileSync(join(synthesized.assembly.directory, "validation-report.json"), "utf8"));
    expect(cdkReport.pluginReports).toEqual([]);
  });

  it("acknowledges each finding on the construct it concerns, with a specific reason", () => {
    // CDK acknowledges some of its own template-validation notes (CloudFormation-Validate::...); ours are cdk-nag's.
    const acknowledgements = acknowledgementsUnder(synthesized.app).filter((ack) => ack.id.startsWith("AwsSolutions-"));
    console.info(acknowledgements.map((ack) => `${ack.id} @ ${ack.path}\n    ${ack.reason}`).join("\n"));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(ack.path, `${ack.id} is acknowledged on the whole stack`).not.toBe(synthesized.stack.node.path);
      expect(ack.path).not.toBe("");
      expect(ack.reason.length, `reason for ${ack.id} at ${ack.path}`).toBeGreaterThan(60);
    }
    expect(acknowledgements.filter((ack) => ack.id === "AwsSolutions-IAM5").map((ack) => ack.path)).toEqual([]);
  });

  it("does report findings the stack would have without its fixes (the check is live)", () => {
    const app = new App();
    const stack = new Stack(app, "Naive");
    new Bucket(stack, "Plain");
    const rules = new AwsSolutionsChecks(app).validateScope(app).violations.map((violation) => violation.ruleName);
    expect(rules).toEqual(expect.arrayContaining(["AwsSolutions-S1", "AwsSolutions-S10"]));
  });
});

describe("cfn-lint", () => {
  beforeAll(() => {
    ensurePythonTools();
  });

  it("finds no errors in the synthesized template", () => {
    const run = spawnSync(venvBin("cfn-lint"), ["--format", "json", synthesized.templateFile], { encoding: "utf8" });
    expect(run.error).toBeUndefined();
    const matches: { Rule: { Id: string }; Message: string; Level: string }[] = JSON.parse(run.stdout || "[]");
    const warnings = matches.filter((match) => match.Level !== "Error");
    if (warnings.length > 0) {
      console.info(warnings.map((match) => `${match.Rule.Id} ${match.Message}`).join("\n"));
    }
    expect(
      matches.filter((match) => match.Level === "Error").map((match) => `${match.Rule.Id} ${match.Message}`),
    ).toEqual([]);
    // cfn-lint's exit status is a bit mask: 2 means errors, 4 warnings, 8 informational.
    expect(run.status! & 2).toBe(0);
  });
});
