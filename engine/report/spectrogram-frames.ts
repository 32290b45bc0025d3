import { ANALYSIS_RATE } from "../analysis/signal.ts";
import type { AudioStream } from "../audio/stream.ts";
import { analysisSignalIn } from "../quality/sparse-signal.ts";

/** The spectrogram's frames: the analysis copy (analysisSignalIn) around `columns` evenly spaced centres. */
export interface SpectrogramSignal {
  /** `columns` frames of `frameSize` samples one after another (zero where a frame runs past the result). */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Each frame's centre in `samples`. */
  readonly centres: number[];
}

/** Stream frames [from, to) each column's frame is made of, and where that lands in the column's frame. */
interface FrameWindow {
  readonly from: number;
  readonly to: number;
  readonly offset: number;
}

function frameWindows(length: number, sampleRate: number, columns: number, frameSize: number) {
  const factor = Math.max(1, Math.floor(sampleRate / ANALYSIS_RATE));
  const analysisLength = Math.floor(length / factor);
  const windows: FrameWindow[] = [];
  for (let column = 0; column < columns; column++) {
    const centre = Math.round(((column + 0.5) / columns) * analysisLength);
    const first = Math.max(0, centre - frameSize / 2);
    const end = Math.min(analysisLength, centre + frameSize / 2);
    windows.push({ from: first * factor, to: Math.max(first, end) * factor, offset: first - (centre - frameSize / 2) });
  }
  return { factor, windows };
}

/**
 * The spectrogram's frames gathered while the encoder reads the result in order (as ColumnPeaks gathers the
 * waveform), so that drawing a long result's spectrogram renders none of it again. Each column's window is copied as
 * it passes and turned into its frame once whole: the same samples as reading the window, so the same frame.
 */
export class SpectrogramFrames {
  readonly samples: Float32Array;
  private readonly factor: number;
  private readonly windows: readonly FrameWindow[];
  private readonly pending = new Map<number, Float32Array[]>();
  private next = 0;
  private column = 0;

  constructor(
    readonly length: number,
    readonly sampleRate: number,
    readonly columns: number,
    readonly frameSize = 2048,
  ) {
    ({ factor: this.factor, windows: this.windows } = frameWindows(length, sampleRate, columns, frameSize));
    this.samples = new Float32Array(columns * frameSize);
  }

  /** Every window seen whole, from a pass from 0 in order. */
  get complete(): boolean {
    return this.next === this.length && this.column === this.columns;
  }

  /** Frames [from, from + channels[0].length), as the encoder read them: only a pass from 0 in order counts. */
  observe(from: number, channels: readonly Float32Array[]): void {
    if (this.complete) return;
    if (from === 0) this.restart();
    const to = from + (channels[0]?.length ?? 0);
    if (from !== this.next || to > this.length) return;
    for (let column = this.column; column < this.columns && this.windows[column]!.from < to; column++) {
      const window = this.windows[column]!;
      if (window.to <= window.from) {
        if (column === this.column) this.column++;
        continue;
      }
      let raw = this.pending.get(column);
      if (!raw) {
        raw = channels.map(() => new Float32Array(window.to - window.from));
        this.pending.set(column, raw);
      }
      const a = Math.max(from, window.from);
      const b = Math.min(to, window.to);
      if (b > a)
        for (const [c, copy] of raw.entries()) copy.set(channels[c]!.subarray(a - from, b - from), a - window.from);
      if (window.to > to) continue;
      const frame = analysisSignalIn({ sampleRate: this.sampleRate, channels: raw }, [[0, raw[0]!.length]]);
      this.samples.set(frame.samples, column * this.frameSize + window.offset);
      this.pending.delete(column);
      if (column === this.column) this.column++;
    }
    this.next = to;
  }

  private restart(): void {
    this.samples.fill(0);
    this.pending.clear();
    this.next = 0;
    this.column = 0;
  }
}

/**
 * The spectrogram's frames of `audio`: `gathered` when it saw the whole result for these columns, else each frame
 * read from its own window of the result (sparse-signal.ts's analysisSignalIn).
 */
export function spectrogramSignal(
  audio: AudioStream,
  columns: number,
  frameSize: number,
  gathered?: SpectrogramFrames,
): SpectrogramSignal {
  const { factor, windows } = frameWindows(audio.length, audio.sampleRate, columns, frameSize);
  const sampleRate = audio.sampleRate / factor;
  const centres = windows.map((_, column) => column * frameSize + frameSize / 2);
  const fits =
    gathered?.complete &&
    gathered.length === audio.length &&
    gathered.sampleRate === audio.sampleRate &&
    gathered.columns === columns &&
    gathered.frameSize === frameSize;
  if (fits) return { samples: gathered.samples, sampleRate, centres };
  const samples = new Float32Array(columns * frameSize);
  windows.forEach(({ from, to, offset }, column) => {
    if (to <= from) return;
    const window = { sampleRate: audio.sampleRate, channels: audio.read(from, to) };
    const frame = analysisSignalIn(window, [[0, (to - from) / factor]]).samples;
    samples.set(frame, column * frameSize + offset);
  });
  return { samples, sampleRate, centres };
}
