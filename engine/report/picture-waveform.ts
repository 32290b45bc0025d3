import { STREAM_WINDOW_FRAMES, type AudioStream } from "../audio/stream.ts";
import type { Rgb, Setter } from "./axes.ts";
import { inSpans } from "./picture-spans.ts";

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

/** The waveform: the song in ORIGINAL_COLOUR, the `added` spans (samples) in EXTENSION_COLOUR. */
export function drawWaveform(audio: AudioStream, added: readonly [number, number][], area: Area, set: Setter): void {
  const total = Math.max(1, audio.length);
  const middle = area.top + area.height / 2;
  for (let column = 0; column < area.plotWidth; column++) {
    const from = Math.floor((column / area.plotWidth) * total);
    const to = Math.max(from + 1, Math.floor(((column + 1) / area.plotWidth) * total));
    // Past the end counts as 0, as a missing sample would.
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
    low = Math.min(low, 0);
    const colour = inSpans(added, from) ? EXTENSION_COLOUR : ORIGINAL_COLOUR;
    const y0 = Math.round(middle - (high * area.height) / 2);
    const y1 = Math.round(middle - (low * area.height) / 2);
    for (let y = y0; y <= y1; y++) set(area.left + column, y, colour);
  }
}
