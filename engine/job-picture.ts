import { durationSeconds, type PcmAudio } from "./audio/pcm.ts";
import type { AudioStream } from "./audio/stream.ts";
import type { ExtendResult } from "./extend/types.ts";
import type { QualityReport } from "./quality/report.ts";
import { stage } from "./stages.ts";
import { pictureTitle, renderExtensionPicture, waveformColumns } from "./report/picture.ts";
import { keptAndZoom } from "./report/picture-zoom.ts";
import { SpectrogramFrames } from "./report/spectrogram-frames.ts";
import { ColumnPeaks, type StreamObserver, tapPeaks } from "./report/waveform-peaks.ts";

export interface PictureTargets {
  readonly name?: string;
  readonly onPhase?: (phase: "picture", doneSeconds: number, totalSeconds: number) => void;
}

/**
 * The result's stream for the encoder, and the columns of the waveform and of the zoom strip (when the picture has
 * one) and the spectrogram's frames it fills as the encoder reads it in order: the picture then reads none of a long
 * result again. `onGathered` is called once, from the read that completes them all.
 */
export function streamForPicture(
  input: PcmAudio,
  result: ExtendResult,
  onGathered?: () => void,
): { stream: AudioStream; peaks: PicturePeaks } {
  const { stream } = result;
  const peaks = new ColumnPeaks(stream.length, waveformColumns());
  const { zoom } = keptAndZoom({ original: input, introSeconds: result.introSeconds, seams: result.seams }, stream);
  const zoomPeaks = zoom && new ColumnPeaks(zoom.to - zoom.from, waveformColumns(), zoom.from);
  const spectrogramFrames = new SpectrogramFrames(stream.length, stream.sampleRate, waveformColumns());
  const observers = [peaks, spectrogramFrames, ...(zoomPeaks ? [zoomPeaks] : [])];
  let told = false;
  const whole: StreamObserver = {
    observe: () => {
      if (told || !observers.every((observer) => observer.complete)) return;
      told = true;
      onGathered?.();
    },
  };
  return { stream: tapPeaks(stream, ...observers, whole), peaks: { peaks, zoomPeaks, spectrogramFrames } };
}

/**
 * The picture drawn while the encoder runs: as soon as the encoder has read the whole result (a lossy format's
 * headroom pass, before its segments are encoded on their threads; the worker's result before its WAV download), it
 * is drawn at the thread's next turn of the event loop, while the encoding goes on. `picture` gives it once the
 * encoding is over, drawing it then when the encoder never read the whole result in order (the same PNG either way).
 */
export function pictureBesideEncoding(
  job: PictureTargets,
  input: PcmAudio,
  result: ExtendResult,
  quality: QualityReport | undefined,
): { stream: AudioStream; picture: () => Promise<Uint8Array>; drawingMs: () => number } {
  let drawn: Promise<Uint8Array> | undefined;
  let drawingMs = 0;
  const draw = () => {
    const start = performance.now();
    const png = drawResult(job, input, result, quality, tapped.peaks);
    drawingMs = Math.round(performance.now() - start);
    stage("job: picture drawn");
    return png;
  };
  const tapped = streamForPicture(input, result, () => {
    drawn = new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(draw());
        } catch (error) {
          reject(error);
        }
      }),
    );
    // Awaited by picture(); a failed encoding never asks for it.
    drawn.catch(() => undefined);
  });
  return { stream: tapped.stream, picture: () => drawn ?? Promise.resolve().then(draw), drawingMs: () => drawingMs };
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
