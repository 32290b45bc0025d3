import { defineConfig } from "vitest/config";
import { LongestFirst } from "./tests/support/sequencer.ts";

/** Tests that talk to AWS: they need the moto server that tests/support/global-setup.ts starts on 127.0.0.1. */
const NEEDS_MOTO = ["tests/integration/**/*.test.ts", "tests/container/**/*.test.ts"];

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line after the run.
    reporters: ["default", ["json", { outputFile: ".work/vitest-report.json" }]],
    // 2 cores: more workers only fight over them, and TF.js models are memory-hungry.
    pool: "forks",
    maxWorkers: 2,
    // The slowest files first, by their recorded seconds: a clean clone has no results cache to order them by.
    sequence: { sequencer: LongestFirst },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    projects: [
      // The engine, CLI, CDK and Lambda tests: no moto (`npx vitest run --project unit`).
      { extends: true, test: { name: "unit", include: ["tests/**/*.test.ts"], exclude: NEEDS_MOTO } },
      {
        extends: true,
        test: { name: "integration", include: NEEDS_MOTO, globalSetup: ["tests/support/global-setup.ts"] },
      },
    ],
  },
});
