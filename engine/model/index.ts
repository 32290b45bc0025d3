export * from "./config.ts";
export * from "./presets.ts";
export * from "./build.ts";
export * from "./backend.ts";
export * from "./io.ts";
export * from "./normalise.ts";
export * from "./predictor.ts";
