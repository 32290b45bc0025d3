/**
 * Writes tests/support/test-seconds.json from the last full `npm test`'s .work/vitest-report.json: the seconds of
 * every test file that took at least 2 s, which tests/support/sequencer.ts starts first, longest first. Run it after a
 * full run on an idle machine when a slow test file is added or made faster.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const report = JSON.parse(readFileSync(resolve(root, ".work/vitest-report.json"), "utf8")) as {
  testResults: { name: string; startTime: number; endTime: number }[];
};
const seconds = report.testResults
  .map((file) => [relative(root, file.name), Math.round((file.endTime - file.startTime) / 100) / 10] as const)
  .filter(([, s]) => s >= 2)
  .sort((a, b) => b[1] - a[1]);
writeFileSync(
  resolve(root, "tests/support/test-seconds.json"),
  `${JSON.stringify(Object.fromEntries(seconds), null, 2)}\n`,
);
console.log(`${seconds.length} test files of 2 s or more recorded`);
