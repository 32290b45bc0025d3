export {
  analyseOriginal,
  measureExtension,
  measureStages,
  type ExtensionToMeasure,
  type MeasurePath,
  type MeasureOptions,
  type OriginalAnalysis,
} from "./measure.ts";
export type { QualityReport, SeamReading, SeamSource } from "./report.ts";
export { loopBaseline, silenceBaseline, type BaselineResult } from "./baselines.ts";
export {
  evaluateEngines,
  formatMedianTable,
  measureExtenderResult,
  medianReports,
  TABLE_METRICS,
  type EngineEvaluation,
  type Extender,
  type ExtenderResult,
} from "./evaluate.ts";
export { CLICK_RATIO_THRESHOLD, clickRatio, countClicks } from "./clicks.ts";
export { shortestLoopSeconds } from "./loops.ts";
export { measureForm, type FormMetrics, type FormOptions } from "./form.ts";
export {
  checkTargets,
  formatCheckValue,
  formatValue,
  type TargetCheck,
  type TargetOptions,
  targetUnit,
} from "./targets.ts";
