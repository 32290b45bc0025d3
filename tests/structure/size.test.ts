import { describe, expect, it } from "vitest";
import { functionSpans, readSource, sourceFiles } from "./sources.ts";

const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

/**
 * Offenders still being shrunk by their owners, as "path" (a whole file) or "path#function". The list may only shrink:
 * an entry that is no longer over its limit fails the test too, so it is removed the day its owner fixes it.
 */
const ALLOWED: Readonly<Record<string, string>> = {};

const lineCount = (text: string): number => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);

/** Every source file outside tests/ over MAX_FILE_LINES and every function over MAX_FUNCTION_LINES. */
function offenders(): Map<string, string> {
  const found = new Map<string, string>();
  for (const path of sourceFiles()) {
    if (path.startsWith("tests/")) continue;
    const text = readSource(path);
    const lines = lineCount(text);
    if (lines > MAX_FILE_LINES) found.set(path, `${lines} lines (limit ${MAX_FILE_LINES})`);
    for (const span of functionSpans(path, text)) {
      if (span.lines > MAX_FUNCTION_LINES)
        found.set(`${path}#${span.name}`, `line ${span.line}: ${span.lines} lines (limit ${MAX_FUNCTION_LINES})`);
    }
  }
  return found;
}

describe("source size", () => {
  const found = offenders();

  it(`has no source file over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES}, but the allowed ones`, () => {
    const unexpected = [...found].filter(([where]) => !(where in ALLOWED)).map(([where, why]) => `${where} ${why}`);
    expect(unexpected).toEqual([]);
  });

  it("allows only offenders that are still over their limit (fixed ones leave the list)", () => {
    expect(Object.keys(ALLOWED).filter((where) => !found.has(where))).toEqual([]);
  });

  it("finds a long function and a long file (the check itself works)", () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const v${i} = ${i};`).join("\n");
    const spans = functionSpans("probe.ts", `export const long = (a: number): number => {\n${body}\n  return a;\n};\n`);
    expect(spans).toEqual([{ name: "long", line: 1, lines: MAX_FUNCTION_LINES + 3 }]);
    expect(lineCount(`${"x\n".repeat(MAX_FILE_LINES + 1)}`)).toBe(MAX_FILE_LINES + 1);
  });
});
