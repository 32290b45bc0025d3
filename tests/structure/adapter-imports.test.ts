import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { importSpecifiers, sourceFiles } from "./sources.ts";

/** The repository path a relative import names, or undefined for a package or an alias. */
const target = (from: string, specifier: string): string | undefined =>
  specifier.startsWith(".")
    ? normalize(join(dirname(from), specifier))
        .split("\\")
        .join("/")
    : undefined;

/** Files of `folder` that import each other, directly or through others (type-only imports count too). */
function fileCycles(folder: string): string[] {
  const files = sourceFiles(folder);
  const graph = new Map(
    files.map((file) => [
      file,
      importSpecifiers(file)
        .flatMap((s) => target(file, s) ?? [])
        .filter((t) => t !== file),
    ]),
  );
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const queue = [...(graph.get(from) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(graph.get(next) ?? []));
    }
    return false;
  };
  const found: string[] = [];
  for (const [i, a] of files.entries()) {
    for (const b of files.slice(i + 1)) if (reaches(a, b) && reaches(b, a)) found.push(`${a} <-> ${b}`);
  }
  return found;
}

// Issue 20 point 6: job-steps.ts <-> process-message.ts, and extension-workers.ts / gpu-capacity.ts <-> worker-findings.ts.
describe("no import circles in the adapters", () => {
  it.each(["container/worker", "lib", "functions/validator"])(
    "has no two files of %s/ importing each other",
    (folder) => {
      expect(fileCycles(folder)).toEqual([]);
    },
  );
});
