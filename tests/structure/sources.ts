import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
// rolldown (Vite's bundler, a dev dependency of its own here) ships the oxc parser: TypeScript 7 has no JS API.
import { parseAst } from "rolldown/parseAst";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Folders that hold no source of ours (dependencies, build output, caches, data). */
const SKIP = new Set(["node_modules", "cdk.out", ".work", ".git", "corpus", "models", "docs"]);

/** Repository-relative paths of the TypeScript and JavaScript sources under `folder` (default: the whole tree). */
export function sourceFiles(folder = ""): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(path);
      } else if (
        /\.(ts|mts|mjs)$/.test(entry.name) &&
        !entry.name.endsWith(".d.ts") &&
        !entry.name.endsWith(".d.mts")
      ) {
        found.push(path);
      }
    }
  };
  walk(folder);
  return found.sort();
}

export const readSource = (path: string): string => readFileSync(join(ROOT, path), "utf8");

export const relativeToRoot = (absolute: string): string => relative(ROOT, absolute).split("\\").join("/");

export interface FunctionSpan {
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

interface Node {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [key: string]: unknown;
}

const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && typeof (value as Node).type === "string";

const FUNCTION_TYPES = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** Every function, method and arrow function in a source, with its name (or the name it is assigned to) and length. */
export function functionSpans(path: string, text = readSource(path)): FunctionSpan[] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const spans: FunctionSpan[] = [];
  const visit = (node: Node, name: string | undefined) => {
    if (FUNCTION_TYPES.has(node.type)) {
      const own = (node.id as { name?: string } | null)?.name ?? name ?? "(anonymous)";
      const line = lineOf(node.start);
      spans.push({ name: own, line, lines: lineOf(node.end - 1) - line + 1 });
    }
    for (const [key, value] of Object.entries(node)) {
      const childName = nameFor(node, key) ?? name;
      for (const child of Array.isArray(value) ? value : [value]) if (isNode(child)) visit(child, childName);
    }
  };
  visit(parseAst(text, { lang: path.endsWith("ts") ? "ts" : "js" }) as unknown as Node, undefined);
  return spans;
}

/** The name a child under `key` is known by: a variable, property or method it is assigned to. */
function nameFor(node: Node, key: string): string | undefined {
  const keyName = (k: unknown) => (isNode(k) && typeof k.name === "string" ? k.name : undefined);
  if (node.type === "VariableDeclarator" && key === "init") return keyName(node.id);
  if (
    (node.type === "MethodDefinition" || node.type === "Property" || node.type === "PropertyDefinition") &&
    key === "value"
  )
    return keyName(node.key);
  return undefined;
}

/** Import and re-export specifiers of a source (static, dynamic with a literal, and type-only ones). */
export function importSpecifiers(path: string, text = readSource(path)): string[] {
  const specifiers: string[] = [];
  const visit = (node: Node) => {
    const source = node.source as { value?: unknown } | undefined;
    if (
      (node.type === "ImportDeclaration" ||
        node.type === "ExportNamedDeclaration" ||
        node.type === "ExportAllDeclaration" ||
        node.type === "ImportExpression") &&
      typeof source?.value === "string"
    ) {
      specifiers.push(source.value);
    }
    for (const value of Object.values(node))
      for (const child of Array.isArray(value) ? value : [value]) if (isNode(child)) visit(child);
  };
  visit(parseAst(text, { lang: path.endsWith("ts") ? "ts" : "js" }) as unknown as Node);
  return specifiers;
}
