#!/usr/bin/env node
// Launcher for the `harmonizer` CLI: checks the Node.js version, then runs the TypeScript sources through tsx
// (no build step).
import { nodeSupportProblem } from "../cli/node-support.mjs";

const problem = nodeSupportProblem(process.version);
if (problem !== undefined) {
  console.error(`harmonizer: ${problem}`);
  process.exit(2);
}
const { register } = await import("tsx/esm/api");
register();
await import("../cli/main.ts");
