#!/usr/bin/env node
// Launcher for the `harmonizer` CLI: runs the TypeScript sources through tsx (no build step).
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
