import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `npm run cloud:train` on a workstation, with a stand-in for the AWS CLI on PATH: it answers describe-stacks
// with the outputs a deployed stack has and records the run-task call it is asked to make.
const ROOT = resolve(import.meta.dirname, "../..");
let dir: string;
const OUTPUTS = [
  { OutputKey: "TrainingCluster", OutputValue: "EmotionsHarmonizer-WorkersCluster-abc" },
  { OutputKey: "TrainingTaskDefinition", OutputValue: "arn:aws:ecs:us-east-1:123456789012:task-definition/Train:3" },
  { OutputKey: "TrainingCapacityProvider", OutputValue: "EmotionsHarmonizer-GpuCapacity-xyz" },
];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "harmonizer-cloud-train-"));
  const fakeAws = join(dir, "aws");
  writeFileSync(
    fakeAws,
    `#!/usr/bin/env node
const fs = require("node:fs");
const args = process.argv.slice(2);
if (args[0] === "cloudformation") { process.stdout.write(${JSON.stringify(JSON.stringify(OUTPUTS))}); process.exit(0); }
fs.writeFileSync(${JSON.stringify(join(dir, "run-task.json"))}, JSON.stringify(args));
`,
  );
  chmodSync(fakeAws, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cloudTrain = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "bin/cloud-train.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
  });

describe("npm run cloud:train", () => {
  it("runs the training task on the stack's cluster and GPU capacity, with the set and the train flags", () => {
    const run = cloudTrain("mysongs", "--preset", "seed", "--epochs", "20");
    expect(run.status, run.stderr).toBe(0);
    const args = JSON.parse(readFileSync(join(dir, "run-task.json"), "utf8")) as string[];
    expect(args.slice(0, 2)).toEqual(["ecs", "run-task"]);
    const option = (name: string) => args[args.indexOf(name) + 1];
    expect(option("--cluster")).toBe("EmotionsHarmonizer-WorkersCluster-abc");
    expect(option("--task-definition")).toBe("arn:aws:ecs:us-east-1:123456789012:task-definition/Train:3");
    expect(option("--capacity-provider-strategy")).toBe("capacityProvider=EmotionsHarmonizer-GpuCapacity-xyz,weight=1");
    expect(JSON.parse(option("--overrides") ?? "")).toEqual({
      containerOverrides: [
        {
          name: "trainer",
          environment: [
            { name: "TRAINING_SET", value: "mysongs" },
            { name: "TRAIN_ARGS", value: "--preset seed --epochs 20" },
          ],
        },
      ],
    });
    // The line it prints is the same call, ready to paste.
    expect(run.stdout).toContain("aws ecs run-task --cluster EmotionsHarmonizer-WorkersCluster-abc ");
    expect(run.stdout).toContain(`--overrides '${option("--overrides")}'`);
  });

  it("only prints the line with --dry-run, and refuses a bad set name or a flag the task sets itself", () => {
    rmSync(join(dir, "run-task.json"), { force: true });
    const dry = cloudTrain("mysongs", "--dry-run");
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^aws ecs run-task /);
    expect(() => readFileSync(join(dir, "run-task.json"))).toThrow();

    const badSet = cloudTrain("../etc");
    expect(badSet.status).toBe(1);
    expect(badSet.stderr).toMatch(/the training set name must be 1 to 100 letters/);
    const badFlag = cloudTrain("mysongs", "--out", "/tmp/x");
    expect(badFlag.status).toBe(1);
    expect(badFlag.stderr).toMatch(/may not contain --out/);
    expect(cloudTrain().stderr).toMatch(/usage: npm run cloud:train -- SET/);
  });
});
