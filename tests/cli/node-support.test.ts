import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeSupportProblem, SUPPORTED_NODE } from "../../cli/node-support.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const require = createRequire(resolve(ROOT, "package.json"));
// semver ships with aws-cdk-lib (a dev dependency), so it is always installed for the tests.
const semver = require("semver") as {
  satisfies(version: string, range: string): boolean;
  subset(sub: string, dom: string): boolean;
};
const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/**
 * Dependencies used below the Node.js range they declare, each with why that is safe; the README names them too.
 * libopus-wasm (Opus output) declares >=22 but is plain WebAssembly with no Node 22 API in its path: the Opus tests
 * (tests/engine/audio/encode-formats.test.ts) run on the Node 20 this CI uses.
 */
const BELOW_DECLARED: Readonly<Record<string, string>> = { "libopus-wasm": ">=22" };

const SAMPLES = [
  "v18.20.4",
  "v20.0.0",
  "v20.10.0",
  "v20.18.3",
  "v20.19.0",
  "v20.20.2",
  "v21.7.3",
  "v22.11.0",
  "v22.12.0",
  "v23.11.1",
  "v24.0.0",
  "v25.2.1",
];

describe("Node.js versions", () => {
  it("package.json's engines admits only versions every dependency declares it runs on", () => {
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
    const refusing: string[] = [];
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
      // Read from node_modules, not through require: a package whose "exports" hide its package.json declares too.
      const manifest = JSON.parse(readFileSync(resolve(ROOT, "node_modules", name, "package.json"), "utf8")) as {
        engines?: { node?: string };
      };
      const declared = manifest.engines?.node;
      if (declared !== undefined && !semver.subset(pkg.engines.node, declared) && !(name in BELOW_DECLARED)) {
        refusing.push(`${name} (${declared})`);
      }
    }
    expect(refusing).toEqual([]);
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    for (const name of Object.keys(BELOW_DECLARED)) expect(readme, `README names ${name}`).toContain(name);
  });

  it("the launcher's check accepts exactly the versions engines admits, and says what is needed otherwise", () => {
    for (const version of SAMPLES) {
      expect(nodeSupportProblem(version) === undefined, version).toBe(semver.satisfies(version, pkg.engines.node));
    }
    expect(nodeSupportProblem("v20.10.0")).toMatch(
      /needs Node\.js 20\.19 or newer on the 20 line, 22\.12 or newer on the 22 line, or 24 or newer .*this is Node\.js v20\.10\.0/,
    );
    expect(nodeSupportProblem("v20.19.0")).toBeUndefined();
    expect(nodeSupportProblem(process.version)).toBeUndefined(); // the tests' own Node (CI's) is supported
  });

  it("the README states the same requirement and explains the AWS SDK's Node 20 warning", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    expect(readme).toContain("Node.js 20.19 or newer on the 20 line, 22.12 or newer on the 22 line, or 24 or newer");
    expect(readme).toContain("NodeVersionSupportWarning");
  });
});
