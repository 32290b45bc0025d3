import { durationSeconds, type PcmAudio } from "./audio/pcm.ts";
import type { AudioStream } from "./audio/stream.ts";
import type { ExtendResult } from "./extend/types.ts";
import type { QualityReport } from "./quality/report.ts";
import { pictureTitle, renderExtensionPicture, waveformColumns } from "./report/picture.ts";
import { ColumnPeaks, tapPeaks } from "./report/waveform-peaks.ts";

export interface PictureTargets {
  readonly name?: string;
  readonly onPhase?: (phase: "picture", doneSeconds: number, totalSeconds: number) => void;
}

/**
 * The result's stream for the encoder, and the waveform's columns it fills as the encoder reads it in order: the
 * picture drawn after the encoding then needs no second pass over a long result.
 */
export function streamForPicture(stream: AudioStream): { stream: AudioStream; peaks: ColumnPeaks } {
  const peaks = new ColumnPeaks(stream.length, waveformColumns());
  return { stream: tapPeaks(stream, peaks), peaks };
}

/** The job's picture of its result (see renderExtensionPicture); `peaks` as streamForPicture gathered them. */
export function drawResult(
  job: PictureTargets,
  input: PcmAudio,
  result: ExtendResult,
  quality?: QualityReport,
  peaks?: ColumnPeaks,
): Uint8Array {
  const seconds = result.stream.length / result.stream.sampleRate;
  job.onPhase?.("picture", 0, seconds);
  const picture = renderExtensionPicture({
    original: input,
    result: result.stream,
    seams: result.seams,
    seamSources: result.seamSources,
    missedSeams: quality?.seamList.filter((s) => s.missed.length > 0).map((s) => s.atSeconds),
    introSeconds: result.introSeconds,
    boundaryLabel: result.form === "song" ? "intro ends" : "extension starts",
    title: pictureTitle({
      name: job.name ?? "song",
      engine: result.engine,
      form: result.form,
      inputSeconds: durationSeconds(input),
      outputSeconds: seconds,
    }),
    peaks,
  });
  job.onPhase?.("picture", seconds, seconds);
  return picture;
}
