import { durationSeconds, type PcmAudio } from "./audio/pcm.ts";
import type { AudioStream } from "./audio/stream.ts";
import type { ExtendResult } from "./extend/types.ts";
import type { QualityReport } from "./quality/report.ts";
import { pictureTitle, renderExtensionPicture, waveformColumns } from "./report/picture.ts";
import { keptAndZoom } from "./report/picture-zoom.ts";
import { SpectrogramFrames } from "./report/spectrogram-frames.ts";
import { ColumnPeaks, tapPeaks } from "./report/waveform-peaks.ts";

export interface PictureTargets {
  readonly name?: string;
  readonly onPhase?: (phase: "picture", doneSeconds: number, totalSeconds: number) => void;
}

/**
 * The result's stream for the encoder, and the columns of the waveform and of the zoom strip (when the picture has
 * one) and the spectrogram's frames it fills as the encoder reads it in order: the picture drawn after the encoding
 * then reads none of a long result again.
 */
export function streamForPicture(input: PcmAudio, result: ExtendResult): { stream: AudioStream; peaks: PicturePeaks } {
  const { stream } = result;
  const peaks = new ColumnPeaks(stream.length, waveformColumns());
  const { zoom } = keptAndZoom({ original: input, introSeconds: result.introSeconds, seams: result.seams }, stream);
  const zoomPeaks = zoom && new ColumnPeaks(zoom.to - zoom.from, waveformColumns(), zoom.from);
  const spectrogramFrames = new SpectrogramFrames(stream.length, stream.sampleRate, waveformColumns());
  const observers = [peaks, spectrogramFrames, ...(zoomPeaks ? [zoomPeaks] : [])];
  return { stream: tapPeaks(stream, ...observers), peaks: { peaks, zoomPeaks, spectrogramFrames } };
}

/** What streamForPicture gathered. */
export interface PicturePeaks {
  readonly peaks: ColumnPeaks;
  readonly zoomPeaks?: ColumnPeaks;
  readonly spectrogramFrames?: SpectrogramFrames;
}

/** The job's picture of its result (see renderExtensionPicture); `gathered` by streamForPicture. */
export function drawResult(
  job: PictureTargets,
  input: PcmAudio,
  result: ExtendResult,
  quality?: QualityReport,
  gathered?: PicturePeaks,
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
    ...gathered,
  });
  job.onPhase?.("picture", seconds, seconds);
  return picture;
}
