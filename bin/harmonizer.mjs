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
// tsx turns source maps on, and Node then reads the maps of every bundle it loads (TensorFlow.js's are large):
// about 0.25 s of start-up. Stack traces name the transpiled lines instead, unless asked for with
// NODE_OPTIONS=--enable-source-maps.
const mapsAsked = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes(
  "--enable-source-maps",
);
if (!mapsAsked) process.setSourceMapsEnabled(false);
await import("../cli/main.ts");
