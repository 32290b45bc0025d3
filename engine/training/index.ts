export * from "./dataset.ts";
export * from "./cache.ts";
export * from "./windows.ts";
export * from "./train.ts";
export * from "./evaluate.ts";
