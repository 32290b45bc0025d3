#!/usr/bin/env node
// Launcher for the `harmonizer` CLI: checks the Node.js version, then runs the TypeScript sources, bundled on first
// use and whenever a source changes (engine/threads/load-ts.mjs), else through tsx. No build step.
import { nodeSupportProblem } from "../cli/node-support.mjs";

const problem = nodeSupportProblem(process.version);
if (problem !== undefined) {
  console.error(`harmonizer: ${problem}`);
  process.exit(2);
}
// With source maps on, Node reads the maps of every bundle it loads (TensorFlow.js's are large): about 0.25 s of
// start-up. Stack traces name the transpiled lines instead, unless asked for with
// NODE_OPTIONS=--enable-source-maps.
const mapsAsked = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes(
  "--enable-source-maps",
);
if (!mapsAsked) process.setSourceMapsEnabled(false);
const { importTypeScript } = await import("../engine/threads/load-ts.mjs");
await importTypeScript(new URL("../cli/main.ts", import.meta.url).href);
