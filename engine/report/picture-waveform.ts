import { STREAM_WINDOW_FRAMES, type AudioStream } from "../audio/stream.ts";
import type { Rgb, Setter } from "./axes.ts";
import { inSpans } from "./picture-spans.ts";
import { type ColumnPeaks, columnSpan } from "./waveform-peaks.ts";

export const ORIGINAL_COLOUR: Rgb = [90, 170, 255];
export const EXTENSION_COLOUR: Rgb = [255, 160, 60];
export const SEAM_COLOUR: Rgb = [255, 60, 90];
export const MISSED_SEAM_COLOUR: Rgb = [255, 230, 0];
export const START_COLOUR: Rgb = [120, 255, 140];
export const AXIS_COLOUR: Rgb = [200, 200, 210];

export interface Area {
  readonly left: number;
  readonly plotWidth: number;
  readonly top: number;
  readonly height: number;
}

/**
 * The waveform: the song in ORIGINAL_COLOUR, the `added` spans (samples) in EXTENSION_COLOUR. `peaks`, when they
 * were gathered for this plot's columns over the whole result, stand in for reading it again.
 */
export function drawWaveform(
  audio: AudioStream,
  added: readonly [number, number][],
  area: Area,
  set: Setter,
  peaks?: ColumnPeaks,
): void {
  const total = Math.max(1, audio.length);
  const middle = area.top + area.height / 2;
  const gathered = peaks?.complete && peaks.columns === area.plotWidth && peaks.length === audio.length;
  for (let column = 0; column < area.plotWidth; column++) {
    const [from, to] = columnSpan(column, area.plotWidth, total);
    let [low, high] = gathered ? [peaks.low[column]!, peaks.high[column]!] : readPeaks(audio, from, to);
    low = Math.min(low, 0);
    const colour = inSpans(added, from) ? EXTENSION_COLOUR : ORIGINAL_COLOUR;
    const y0 = Math.round(middle - (high * area.height) / 2);
    const y1 = Math.round(middle - (low * area.height) / 2);
    for (let y = y0; y <= y1; y++) set(area.left + column, y, colour);
  }
}

/** The lowest and highest sample of [from, to) in any channel (past the end counts as 0, as a missing sample would). */
function readPeaks(audio: AudioStream, from: number, to: number): [number, number] {
  let low = to > audio.length ? 0 : Infinity;
  let high = 0;
  for (let start = from; start < Math.min(to, audio.length); start += STREAM_WINDOW_FRAMES) {
    for (const channel of audio.read(start, Math.min(to, audio.length, start + STREAM_WINDOW_FRAMES))) {
      for (let i = 0; i < channel.length; i++) {
        const s = channel[i]!;
        if (s < low) low = s;
        if (s > high) high = s;
      }
    }
  }
  return [low, high];
}
