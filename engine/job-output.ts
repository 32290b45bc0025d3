import { prepareLossyEncode } from "./audio/encode/choose.ts";
import { encodeWav } from "./audio/encode-wav.ts";
import type { DecodedAudio } from "./audio/decoded.ts";
import {
  defaultOutputFormat,
  encodeStream,
  MemorySink,
  type OutputFormat,
  type OutputSink,
} from "./audio/encode/index.ts";
import type { PcmAudio } from "./audio/pcm.ts";
import type { AudioStream } from "./audio/stream.ts";
import type { ExtensionReport } from "./report/job-report.ts";

/** Where a job's encoded files go (engine/job.ts ExtensionJobInput's fields of the same names). */
export interface EncodeTargets {
  /** The input's bytes and --quality: a lossy result is encoded at their bitrate (see prepareLossyEncode). */
  readonly bytes: Uint8Array;
  readonly qualityKbps?: number;
  readonly outputFormat?: OutputFormat | ((input: DecodedAudio) => OutputFormat);
  readonly sink?: OutputSink;
  readonly wavSink?: OutputSink;
  /** Threads encoding the result (encodeStream's `threads`): default one per core, 1 for none. */
  readonly encodeThreads?: number;
  readonly onPhase?: (phase: "encode", doneSeconds: number, totalSeconds: number) => void;
}

/** The input's own WAV flavour: its depth for lossless inputs, float for lossy ones. */
const wavFormatOf = (decoded: DecodedAudio): OutputFormat =>
  defaultOutputFormat({ format: "wav", bitDepth: decoded.bitDepth ?? "32f" });

/** The format the job writes: the one asked for, or the one its rule chooses for this input, else the input's own. */
export function outputFormatOf(job: Pick<EncodeTargets, "outputFormat">, decoded: DecodedAudio): OutputFormat {
  if (typeof job.outputFormat === "function") return job.outputFormat(decoded);
  return job.outputFormat ?? defaultOutputFormat(decoded);
}

/**
 * The result in the output format asked for, written to the job's sink or into memory (`encoded`), and the WAV
 * download to the wavSink when there is one; returns the format.
 */
export async function encodeResult(job: EncodeTargets, decoded: DecodedAudio, stream: AudioStream) {
  const outputFormat = outputFormatOf(job, decoded);
  const seconds = stream.length / stream.sampleRate;
  const memory = job.sink ? undefined : new MemorySink();
  const { bytes, qualityKbps } = job;
  const lossy = await prepareLossyEncode(outputFormat, stream, { bytes, decoded, qualityKbps });
  await encodeStream(lossy?.stream ?? stream, outputFormat, job.sink ?? memory!, {
    // 24-bit only for 24-bit or float sources: a lossy source has no detail below 16 bits, only bigger files.
    flacBits: decoded.bitDepth === 24 || decoded.bitDepth === "32f" ? 24 : 16,
    setting: lossy?.setting,
    threads: job.encodeThreads,
    onProgress: (done, total) => job.onPhase?.("encode", (done / total) * seconds, seconds),
  });
  if (job.wavSink) await encodeStream(stream, wavFormatOf(decoded), job.wavSink);
  return { encoded: memory?.bytes() ?? new Uint8Array(0), outputFormat, encoding: lossy?.encoding };
}

/**
 * The job's output: `wav` made on first read unless the files went to sinks (then nothing is kept, and the result is
 * not rendered again), `audio` the whole result on first read (not enumerable: spreading the output skips it).
 */
export function jobOutput(
  job: EncodeTargets,
  decoded: DecodedAudio,
  result: { readonly audio: PcmAudio },
  made: { encoded: Uint8Array; outputFormat: OutputFormat; picture: Uint8Array; report: ExtensionReport },
) {
  const { encoded, outputFormat, picture, report } = made;
  let wav = job.wavSink || job.sink ? new Uint8Array(0) : outputFormat === wavFormatOf(decoded) ? encoded : undefined;
  const output = {
    get wav() {
      // Lossless inputs keep their own depth (the original part stays sample-identical); lossy ones are float.
      wav ??= encodeWav(result.audio, decoded.bitDepth ?? "32f");
      return wav;
    },
    encoded,
    picture,
    report,
  };
  Object.defineProperty(output, "audio", { get: () => result.audio, enumerable: false });
  return output as typeof output & { readonly audio: PcmAudio };
}
