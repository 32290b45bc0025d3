import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

// Issue 20 point 7 ("keep the image small"): the production node_modules copied into the worker image was 392 MiB,
// 204 MiB of it source maps and 31 MiB TensorFlow.js browser builds that Node never loads (157 MiB after pruning).
const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = resolve(ROOT, "container/prune-node-modules.sh");
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const filesUnder = (root: string) =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

function tree(files: readonly string[]): string {
  dir = mkdtempSync(join(tmpdir(), "prune-"));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), "x");
  }
  return join(dir, "node_modules");
}

describe("container/prune-node-modules.sh", () => {
  it("removes source maps and TensorFlow.js browser builds, and keeps what Node loads (entry points, wasm)", () => {
    const kept = [
      "node_modules/@tensorflow/tfjs/package.json",
      "node_modules/@tensorflow/tfjs/dist/tf.node.js",
      "node_modules/@tensorflow/tfjs/dist/index.js",
      "node_modules/@tensorflow/tfjs-core/dist/ops/ops.js",
      "node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js",
      "node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
      "node_modules/zod/index.js",
      "node_modules/tsx/dist/loader.mjs",
    ];
    const removed = [
      "node_modules/@tensorflow/tfjs/dist/tf.node.js.map",
      "node_modules/@tensorflow/tfjs/dist/tf.min.js",
      "node_modules/@tensorflow/tfjs/dist/tf.min.js.html",
      "node_modules/@tensorflow/tfjs/dist/tf.es2017.js",
      "node_modules/@tensorflow/tfjs/dist/tf.fesm.min.js",
      "node_modules/@tensorflow/tfjs/dist/miniprogram/index.js",
      "node_modules/@tensorflow/tfjs-layers/dist/miniprogram/sub/index.js",
      "node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.es2017.min.js",
      "node_modules/zod/index.js.map",
    ];
    const modules = tree([...kept, ...removed]);

    execFileSync("sh", [SCRIPT, modules]);

    expect(filesUnder(dir).sort()).toEqual([...kept].sort());
  });

  it("refuses a folder that is not a production node_modules with TensorFlow.js, naming it", () => {
    const modules = tree(["node_modules/zod/index.js"]);
    expect(() => execFileSync("sh", [SCRIPT, modules], { stdio: "pipe" })).toThrow(/holds no @tensorflow\/tfjs/);
  });

  it("runs in the image's build stage, after the addon is built and before node_modules is copied to the runtime", () => {
    const lines = readFileSync(resolve(ROOT, "container/Dockerfile"), "utf8").replace(/\\\n/g, " ").split("\n");
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const prune = at(/^RUN sh \/tmp\/prune-node-modules\.sh node_modules/);
    expect(prune).toBeGreaterThan(at(/npm run build-addon-from-source/));
    expect(prune).toBeLessThan(at(/^COPY --from=build \S* ?\/app\/node_modules/));
    expect(lines[prune]).toMatch(/require\('@tensorflow\/tfjs-node-gpu'\)/);
  });
});
