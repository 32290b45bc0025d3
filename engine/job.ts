import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkInput, decodeAudio, type DecodedAudio } from "./audio/index.ts";
import { durationSeconds, type PcmAudio } from "./audio/pcm.ts";
import { DEFAULT_ENGINE, DEFAULT_FADE_OUT_SECONDS, extendAudio } from "./extend/extend.ts";
import type { Conductor, EngineName, ExtendOptions, ExtendResult, FormSetting, Predictor } from "./extend/types.ts";
import { HarmonizerInputError } from "./errors.ts";
import { loadConductor } from "./model/conductor.ts";
import { SHIPPED_CONDUCTOR_DIR } from "./model/shipped.ts";
import { DEFAULT_LIMITS, type InputLimits } from "./limits.ts";
import { selectBackend, type BackendChoice } from "./model/backend.ts";
import { loadModel, modelKind } from "./model/io.ts";
import { createPredictor } from "./model/predictor.ts";
import type { SignalAnalysis } from "./analysis/beats.ts";
import { inSharedMemory, startInputThread, type InputThread } from "./analysis/input-thread.ts";
import { measureExtension } from "./quality/measure.ts";
import type { QualityReport } from "./quality/report.ts";
import { analyseInput } from "./prepare-input.ts";
import { pictureBesideEncoding } from "./job-picture.ts";
import { checkChannelsFor, type OutputFormat, type OutputSink } from "./audio/encode/index.ts";
import { type EncodeTargets, encodeResult, jobOutput, outputFormatOf } from "./job-output.ts";
import type { ExtensionReport } from "./report/job-report.ts";
import { lengthSeconds, type TargetLength } from "./target-length.ts";
import { stage } from "./stages.ts";

export type { ExtensionReport };

/** What the job is busy with after the extension itself (which reports through onProgress). */
export type JobPhase = "analyse" | "picture" | "encode";

/**
 * The one entry point both adapters (the local CLI and the AWS worker) call: bytes of a song in,
 * the extended WAV, its picture and its JSON report out. No I/O besides reading the model directory.
 */
export interface ExtensionJobInput extends Pick<EncodeTargets, "encodeThreads"> {
  readonly bytes: Uint8Array;
  /** The result's duration: seconds, or a multiple of the decoded song's length (`{ times: 2 }`). */
  readonly targetSeconds: number | RelativeTarget;
  readonly engine?: EngineName;
  /** A directory written by `harmonizer train`; without one, "hybrid" falls back to "remix". */
  readonly modelDir?: string;
  /** How the report names the model (e.g. where it came from); default: its directory. */
  readonly modelLabel?: string;
  readonly backend?: BackendChoice;
  readonly limits?: InputLimits;
  readonly fadeOutSeconds?: number;
  readonly crossfadeSeconds?: number;
  /** Song form, continuation, or "auto" (the default: the engine decides from the input). */
  readonly form?: FormSetting;
  readonly onProgress?: (doneSeconds: number, totalSeconds: number) => void;
  /** The song's file name, for the picture's title. */
  readonly name?: string;
  /** The result's file format, or how to choose it from the decoded input; default: the input's own format. */
  readonly outputFormat?: OutputFormat | ((input: DecodedAudio) => OutputFormat);
  /** A lossy result's bitrate, kbit/s; default: the input's own when it is lossy (see prepareLossyEncode). */
  readonly qualityKbps?: number;
  /** false: no quality analysis (report.quality is absent); default true. */
  readonly measure?: boolean;
  /** false: no picture (output.picture is empty); default true. */
  readonly picture?: boolean;
  /** Progress of the phases after the extension, in seconds of the result handled (analysis: estimated). */
  readonly onPhase?: (phase: JobPhase, doneSeconds: number, totalSeconds: number) => void;
  /**
   * Where the encoded result is written as it is made (a file beside its final name, an upload); without one it is
   * kept in memory as `encoded`. The caller finishes it (renames, completes) once the job resolves.
   */
  readonly sink?: OutputSink;
  /**
   * Where the lossless WAV download (`wav`: the input's depth, float for lossy inputs) is written as well, window by
   * window; with it, `wav` is empty.
   */
  readonly wavSink?: OutputSink;
}

export interface ExtensionJobOutput {
  /**
   * The result as WAV (the input's depth for lossless inputs, else 32-bit float), for a lossless download. Made when
   * first read (the CLI writes only `encoded`: a 10-minute float WAV is 212 MB and about a second to pack). Empty when
   * the job was given a sink or a wavSink.
   */
  readonly wav: Uint8Array;
  /** The result in report.outputFormat (the same bytes as `wav` when that is the WAV flavour); empty with a sink. */
  readonly encoded: Uint8Array;
  /** The PNG; empty when the job was asked for no picture. */
  readonly picture: Uint8Array;
  readonly report: ExtensionReport;
  /** The whole result, rendered on first read (not enumerable). */
  readonly audio: PcmAudio;
}

/** A result length relative to the song's (TargetLength's second form). */
export type RelativeTarget = Extract<TargetLength, { times: number }>;

const predictorCache = new Map<string, Promise<Predictor>>();

/** Loads (once per process) the model in `modelDir` on the chosen backend. */
export function loadPredictor(modelDir: string, backend: BackendChoice = "auto"): Promise<Predictor> {
  const key = `${modelDir}\u0000${backend}`;
  let cached = predictorCache.get(key);
  if (!cached) {
    cached = (async () => {
      await selectBackend(backend);
      return createPredictor(await loadModel(modelDir));
    })();
    cached.catch(() => predictorCache.delete(key));
    predictorCache.set(key, cached);
  }
  return cached;
}

export const hasModel = (modelDir: string | undefined): modelDir is string =>
  modelDir !== undefined && existsSync(join(modelDir, "model.json"));

export { SHIPPED_CONDUCTOR_DIR };

interface LoadedModels {
  readonly engine: EngineName;
  readonly modelDir?: string;
  readonly predictor?: Predictor;
  readonly conductor?: Conductor;
}

/**
 * The model the engine needs: the conductor (job.modelDir, else the shipped one) for "conductor"; a raw-audio
 * predictor for "hybrid" and "neural". A raw-audio model given to "conductor" steers as "hybrid"; a conductor given
 * to "hybrid" or "neural" is refused, naming the engine it is for. Without a model the notes say so.
 */
async function loadModels(job: ExtensionJobInput, engine: EngineName, notes: string[]): Promise<LoadedModels> {
  if (engine === "remix") return { engine };
  const modelDir = job.modelDir ?? (engine === "conductor" ? SHIPPED_CONDUCTOR_DIR : undefined);
  if (!hasModel(modelDir)) {
    notes.push(modelDir === undefined ? "no model directory was given" : `no trained model in ${modelDir}`);
    return { engine };
  }
  const kind = await modelKind(modelDir);
  if (kind === "conductor") {
    if (engine !== "conductor") {
      throw new HarmonizerInputError(
        "INVALID_MODEL",
        `${modelDir} holds a conductor (it predicts feature frames); use it with --engine conductor, not ${engine}`,
      );
    }
    return { engine, modelDir, conductor: await loadConductor(modelDir, job.backend) };
  }
  if (engine === "conductor")
    notes.push(`${modelDir} holds a raw-audio model, not a conductor: it steers as the hybrid engine`);
  return {
    engine: engine === "conductor" ? "hybrid" : engine,
    modelDir,
    predictor: await loadPredictor(modelDir, job.backend),
  };
}

export function runExtensionJob(job: ExtensionJobInput): Promise<ExtensionJobOutput> {
  return runJobOnThread(job);
}

/**
 * The job on `shared`, an input-analysis thread that outlives it (see createJobRunner), idle when handed over; without
 * one the job starts its own and stops it when done.
 */
export async function runJobOnThread(job: ExtensionJobInput, shared?: InputThread): Promise<ExtensionJobOutput> {
  const limits = job.limits ?? DEFAULT_LIMITS;
  const clock = stopwatch();
  stage("job: start (decoding)");
  const notes: string[] = [];
  // The model and the second thread load while the input decodes; a bad input is still reported before a bad model.
  const loading = loadModels(job, job.engine ?? DEFAULT_ENGINE, notes);
  loading.catch(() => undefined);
  const thread = shared ?? startInputThread();
  try {
    // One copy of the input, in memory both threads read (the decoder's own is let go).
    // The thread starts on the input's analysis while the rest of it decodes (the neural engine needs none).
    const onSamples = job.engine === "neural" ? undefined : thread.feeder();
    const decoded = inSharedMemory(await decodeAudio(job.bytes, { maxSeconds: limits.maxInputSeconds, onSamples }));
    stage("job: decoded");
    checkInput(decoded, limits);
    checkChannelsFor(outputFormatOf(job, decoded), decoded.channels.length);
    const input: PcmAudio = { sampleRate: decoded.sampleRate, channels: decoded.channels };
    const targetSeconds = lengthSeconds(job.targetSeconds, durationSeconds(input));
    const measure = job.measure !== false;
    const decodeMs = clock();
    const models = await loading;
    stage("job: model loaded");
    const modelMs = clock();
    // The thread only finds the input's beats and frames (the report is measured here, from the result's stream);
    // then a thread of the job's own ends, its heap freed before the result is made.
    const analysis = await analyseInput(thread, input, { engine: models.engine, conductor: models.conductor });
    stage("job: input analysed");
    if (!shared) thread.stop();
    const result = await extendAudio(input, extendOptions(job, targetSeconds, models, analysis), limits);
    const extendMs = clock();
    stage("job: planned");
    const seconds = result.stream.length / result.stream.sampleRate;
    const quality = measure ? await measureResult(job, input, result, analysis) : undefined;
    const analyseMs = clock();
    // The encoder's pass over the result gathers what the picture shows, and the picture is drawn as soon as it
    // has, while the rest of the encoding runs (job-picture.ts).
    const drawing = job.picture === false ? undefined : pictureBesideEncoding(job, input, result, quality);
    const { encoded, outputFormat, encoding } = await encodeResult(job, decoded, drawing?.stream ?? result.stream);
    const encodeMs = clock();
    stage("job: encoded");
    const picture = drawing ? await drawing.picture() : new Uint8Array(0);
    clock();
    stage("job: picture in hand");
    const report: ExtensionReport = {
      engine: result.engine,
      backend: (models.conductor ?? models.predictor)?.backend,
      model: models.conductor || models.predictor ? (job.modelLabel ?? models.modelDir) : undefined,
      notes: [...notes, ...result.notes],
      form: result.form,
      formReason: result.formReason,
      introSeconds: result.introSeconds,
      input: { format: decoded.format, ...shape(input) },
      output: { seconds, sampleRate: result.stream.sampleRate, channels: result.stream.channelCount },
      chunks: result.chunks,
      seams: result.seams,
      shortestRepeatSeconds: result.shortestRepeatSeconds,
      timingsMs: {
        decode: decodeMs,
        model: modelMs,
        extend: extendMs,
        analyse: measure ? analyseMs : 0,
        picture: drawing?.drawingMs() ?? 0,
        encode: encodeMs,
      },
      quality,
      outputFormat,
      encoding,
    };
    return jobOutput(job, decoded, result, { encoded, outputFormat, picture, report });
  } finally {
    if (!shared) thread.stop();
  }
}

const shape = (audio: PcmAudio) => ({
  seconds: durationSeconds(audio),
  sampleRate: audio.sampleRate,
  channels: audio.channels.length,
});

function extendOptions(
  job: ExtensionJobInput,
  targetSeconds: number,
  models: LoadedModels,
  shared: SignalAnalysis | undefined,
): ExtendOptions {
  return {
    targetSeconds,
    beats: shared?.beats,
    frames: shared?.frames,
    engine: models.engine,
    predictor: models.predictor,
    conductor: models.conductor,
    fadeOutSeconds: job.fadeOutSeconds ?? DEFAULT_FADE_OUT_SECONDS,
    crossfadeSeconds: job.crossfadeSeconds,
    form: job.form,
    onProgress: job.onProgress,
  };
}

/** The quality report, measured here from the result's stream (engine/quality/sample-source.ts: bounded memory). */
async function measureResult(
  job: ExtensionJobInput,
  input: PcmAudio,
  result: ExtendResult,
  shared: SignalAnalysis | undefined,
): Promise<QualityReport> {
  const seconds = result.stream.length / result.stream.sampleRate;
  const { seams, seamSources, introSeconds, closingFade } = result;
  const onProgress = (done: number, total: number) => job.onPhase?.("analyse", (done / total) * seconds, seconds);
  const extension = { original: input, result: result.stream, seams, seamSources, introSeconds, closingFade };
  return measureExtension(extension, { signalAnalysis: shared, onProgress });
}

/** Each call returns the milliseconds since the previous one. */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const elapsed = Math.round(now - last);
    last = now;
    return elapsed;
  };
}
