import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { importSpecifiers, sourceFiles } from "./sources.ts";

/**
 * The unit of the check: a folder directly under engine/ ("engine/model"), or a file at engine/'s top level
 * ("engine/job.ts"), which is a unit of its own.
 */
const unitOf = (path: string): string => {
  const parts = path.split("/");
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : path;
};

/** The repository path an engine source imports, or undefined for a package. */
function target(from: string, specifier: string): string | undefined {
  if (specifier === "#engine") return "engine/index.ts";
  if (specifier.startsWith("#engine/")) return `engine/${specifier.slice("#engine/".length)}`;
  if (!specifier.startsWith(".")) return undefined;
  return normalize(join(dirname(from), specifier))
    .split("\\")
    .join("/");
}

/**
 * unit -> the units it imports (type-only imports count: they tie the folders together just the same). `unit` maps a
 * file to its unit: a folder (unitOf) for the folder check, the file itself for the module check.
 */
function unitGraph(files: readonly string[], unit = unitOf): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = unit(file);
    for (const specifier of importSpecifiers(file)) {
      const to = target(file, specifier);
      if (to === undefined || !to.startsWith("engine/") || unit(to) === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(unit(to))) graph.get(from)!.set(unit(to), `${file} -> ${specifier}`);
    }
  }
  return graph;
}

/** Every pair of units that import each other, directly or through others, with one import of each direction. */
function cycles(graph: Map<string, Map<string, string>>): string[] {
  const reaches = (from: string, to: string): string | undefined => {
    const seen = new Set([from]);
    const queue: { unit: string; via: string }[] = [...(graph.get(from) ?? [])].map(([unit, via]) => ({ unit, via }));
    while (queue.length > 0) {
      const { unit, via } = queue.shift()!;
      if (unit === to) return via;
      if (seen.has(unit)) continue;
      seen.add(unit);
      for (const [next] of graph.get(unit) ?? []) queue.push({ unit: next, via });
    }
    return undefined;
  };
  const found: string[] = [];
  const units = [...graph.keys()].sort();
  for (const [i, a] of units.entries()) {
    for (const b of units.slice(i + 1)) {
      const there = reaches(a, b);
      const back = reaches(b, a);
      if (there && back) found.push(`${a} <-> ${b} (${there}; ${back})`);
    }
  }
  return found;
}

/** Cycles their owners are still breaking, each with the import that closes it; the list may only shrink. */
const ALLOWED: readonly string[] = [];

/** Module cycles inside a folder their owners are still breaking (issue 22 item 6); the list may only shrink. */
const ALLOWED_MODULES: readonly string[] = [];

describe("engine folder imports", () => {
  const graph = unitGraph(sourceFiles("engine"));
  const found = cycles(graph);

  it("has no folder of engine/ that imports a folder importing it back", () => {
    expect(found.filter((cycle) => !ALLOWED.some((allowed) => cycle.startsWith(allowed)))).toEqual([]);
  });

  it("keeps engine/index.ts (#engine) for the adapters: nothing inside engine/ imports it", () => {
    expect([...graph].filter(([, targets]) => targets.has("engine/index.ts")).map(([unit]) => unit)).toEqual([]);
  });

  it("lists only cycles that still exist", () => {
    expect(ALLOWED.filter((allowed) => !found.some((cycle) => cycle.startsWith(allowed)))).toEqual([]);
  });

  it("has no two modules of engine/ that import each other, directly or through others", () => {
    const modules = cycles(unitGraph(sourceFiles("engine"), (file) => file));
    expect(modules.filter((cycle) => !ALLOWED_MODULES.some((allowed) => cycle.startsWith(allowed)))).toEqual([]);
    expect(ALLOWED_MODULES.filter((allowed) => !modules.some((cycle) => cycle.startsWith(allowed)))).toEqual([]);
  });

  it("sees type-only imports and aliases (the check itself works)", () => {
    const probe = new Map([
      ["engine/a", new Map([["engine/b", "engine/a/x.ts -> ../b/y.ts"]])],
      ["engine/b", new Map([["engine/c", "engine/b/y.ts -> #engine/c/z.ts"]])],
      ["engine/c", new Map([["engine/a", "engine/c/z.ts -> ../a/x.ts"]])],
    ]);
    expect(cycles(probe)).toHaveLength(3);
    expect(target("engine/a/x.ts", "#engine/c/z.ts")).toBe("engine/c/z.ts");
    expect(graph.get("engine/training")?.has("engine/model")).toBe(true);
  });
});
