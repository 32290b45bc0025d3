import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The JSON report lets .ci/run print a plain "N passed, N failed" line after the run.
    reporters: ["default", ["json", { outputFile: ".work/vitest-report.json" }]],
    globalSetup: ["tests/support/global-setup.ts"],
    // 2 cores: more workers only fight over them, and TF.js models are memory-hungry.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
