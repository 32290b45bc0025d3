import { sampleRange } from "../audio/sample-kernels.ts";
import type { AudioStream } from "../audio/stream.ts";

/**
 * The waveform's lowest and highest sample per pixel column, gathered while the encoder reads the result in order,
 * so a long result is not rendered a second time just to be drawn (10 hours: as long as writing its WAV). The
 * columns are the ones drawWaveform reads (columnSpan); what it draws from them is the same picture.
 */
export class ColumnPeaks {
  readonly low: Float64Array;
  readonly high: Float64Array;
  private next = 0;
  private column = 0;
  private columnEnd = 0;

  /** Columns across frames [start, start + length) of the stream (the zoom strip's window; default the whole). */
  constructor(
    readonly length: number,
    readonly columns: number,
    readonly start = 0,
  ) {
    this.low = new Float64Array(columns);
    this.high = new Float64Array(columns);
    this.restart();
  }

  /** Every sample seen, in order, and each column a span of its own (a result shorter than the plot is read instead). */
  get complete(): boolean {
    return this.length >= this.columns && this.next === this.length;
  }

  /** Frames [from, from + channels[0].length), as the encoder read them: only a pass from `start` in order counts. */
  observe(from: number, channels: readonly Float32Array[]): void {
    if (this.complete || this.length < this.columns) return;
    if (this.start !== 0) {
      const first = Math.max(from, this.start);
      const end = Math.min(from + (channels[0]?.length ?? 0), this.start + this.length);
      if (end <= first) return;
      const inside = channels.map((c) => c.subarray(first - from, end - from));
      this.observeFrom(first - this.start, inside);
    } else this.observeFrom(from, channels);
  }

  private observeFrom(from: number, channels: readonly Float32Array[]): void {
    if (from === 0) this.restart();
    const to = from + (channels[0]?.length ?? 0);
    if (from !== this.next || to > this.length) return;
    for (let at = from; at < to; ) {
      const end = Math.min(to, this.columnEnd);
      let low = this.low[this.column]!;
      let high = this.high[this.column]!;
      const range = sampleRange(channels, at - from, end - from, low, high);
      if (range) ({ low, high } = range);
      else
        for (const channel of channels) {
          for (let i = at - from; i < end - from; i++) {
            const s = channel[i]!;
            if (s < low) low = s;
            if (s > high) high = s;
          }
        }
      this.low[this.column] = low;
      this.high[this.column] = high;
      at = end;
      if (at === this.columnEnd && this.column + 1 < this.columns) {
        this.column++;
        this.columnEnd = columnSpan(this.column, this.columns, this.length)[1];
      }
    }
    this.next = to;
  }

  private restart(): void {
    this.low.fill(Infinity);
    this.high.fill(0);
    this.next = 0;
    this.column = 0;
    this.columnEnd = columnSpan(0, this.columns, Math.max(1, this.length))[1];
  }
}

/** Samples [from, to) of pixel column `column` of `columns` across `total` samples. */
export function columnSpan(column: number, columns: number, total: number): [number, number] {
  const from = Math.floor((column / columns) * total);
  return [from, Math.max(from + 1, Math.floor(((column + 1) / columns) * total))];
}

/** What tapPeaks tells about each window read (ColumnPeaks, SpectrogramFrames). */
export interface StreamObserver {
  observe(from: number, channels: readonly Float32Array[]): void;
}

/** `stream`, telling each of `peaks` about every window read from it. */
export function tapPeaks(stream: AudioStream, ...peaks: StreamObserver[]): AudioStream {
  return {
    sampleRate: stream.sampleRate,
    channelCount: stream.channelCount,
    length: stream.length,
    read: (from, to, into) => {
      const channels = stream.read(from, to, into);
      for (const each of peaks) each.observe(from, channels);
      return channels;
    },
  };
}
