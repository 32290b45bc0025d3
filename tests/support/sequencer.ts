import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Seconds each slow test file took in a full run (`npx tsx scripts/test-seconds.ts` writes them from the last run's
 * .work/vitest-report.json). Committed, because a clean clone has no vitest results cache: vitest then starts the
 * largest files first, and a small slow file (the seed model's 25 s build) ran alone at the end with a worker idle.
 */
const recorded = JSON.parse(readFileSync(new URL("./test-seconds.json", import.meta.url), "utf8")) as Record<
  string,
  number
>;

/**
 * Longest first (so the two workers finish together): the recorded seconds, else vitest's own cached duration (a new
 * file run before), else 0. Files of both projects share one pool, so the order interleaves them.
 */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (spec: TestSpecification): number => {
      const path = relative(this.ctx.config.root, spec.moduleId).split("\\").join("/");
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return recorded[path] ?? (cached === undefined ? 0 : cached.duration / 1000);
    };
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}
