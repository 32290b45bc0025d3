#!/usr/bin/env node
import { createHarmonizerApp } from "../lib/harmonizer-app.ts";
import { DeploySettingsError } from "../lib/settings.ts";

try {
  createHarmonizerApp();
} catch (error) {
  if (!(error instanceof DeploySettingsError)) throw error;
  // A settings mistake needs its message, not a stack trace.
  console.error(error.message);
  process.exitCode = 1;
}
