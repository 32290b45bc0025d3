#!/usr/bin/env node
import { createHarmonizerApp } from "../lib/harmonizer-app.ts";

createHarmonizerApp();
