import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Stack, type CfnElement } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { createHarmonizerApp } from "../../lib/harmonizer-app.ts";

/** The feature flags `cdk synth` would read from cdk.json (a test App does not read that file). */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../cdk.json"), "utf8"),
).context;

export const OWNER_EMAIL = "owner@example.com";

export interface SynthOptions {
  /** Extra CDK context (deploy settings). */
  readonly context?: Record<string, unknown>;
  /** Run esbuild on the validator (slower); otherwise Lambda bundling is skipped. */
  readonly bundle?: boolean;
}

/** Synthesizes the real app (cdk-nag plugin included) into a temporary cloud assembly. */
export function synthHarmonizer(options: SynthOptions = {}) {
  const outdir = mkdtempSync(join(tmpdir(), "harmonizer-cdk-"));
  const { app, stack } = createHarmonizerApp({
    outdir,
    context: {
      ...CDK_JSON_CONTEXT,
      notifyEmail: OWNER_EMAIL,
      ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
      ...options.context,
    },
  });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  return {
    app,
    stack,
    assembly,
    templateFile: artifact.templateFullPath,
    template: Template.fromJSON(artifact.template),
    /** Deletes the temporary cloud assembly (it holds copies of the assets). */
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The template's logical id of an L2 construct's main resource (never hard-code the hashed ids). */
export const logicalId = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
