import { packFrames } from "./sample-kernels.ts";

/**
 * Converting between WAV sample bytes and floats. wavefile parses and writes the chunks, but its
 * per-sample packing is slow (about 44 s to write 95 s of stereo float); these loops over a
 * DataView take a fraction of a second.
 */

export interface WavSampleFormat {
  readonly bits: 8 | 16 | 24 | 32 | 64;
  readonly float: boolean;
  readonly bigEndian: boolean;
}

/**
 * Reads interleaved samples into one Float32Array per channel. Integers are divided by
 * 2^(bits-1) (8-bit is unsigned, centred on 128), which keeps them in [-1, 1). Float samples are kept as
 * they are, overs (peaks above 1) included, so a float file is read sample for sample; only infinities
 * become ±1.
 * Returns Float32Array[channels][frames].
 */
export function readWavSamples(
  data: Uint8Array,
  format: WavSampleFormat,
  channelCount: number,
  frames: number,
): Float32Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = !format.bigEndian;
  const bytes = format.bits / 8;
  const scale = format.float ? 1 : 1 / 2 ** (format.bits - 1);
  const read = sampleReader(view, format, little);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let c = 0; c < channelCount; c++) {
    const channel = channels[c]!;
    for (let i = 0, offset = c * bytes, stride = channelCount * bytes; i < frames; i++, offset += stride) {
      const value = read(offset) * scale;
      channel[i] = value === Infinity ? 1 : value === -Infinity ? -1 : value;
    }
  }
  return channels;
}

function sampleReader(view: DataView, format: WavSampleFormat, little: boolean): (offset: number) => number {
  if (format.float) {
    return format.bits === 64 ? (o) => view.getFloat64(o, little) : (o) => view.getFloat32(o, little);
  }
  switch (format.bits) {
    case 8:
      return (o) => view.getUint8(o) - 128;
    case 16:
      return (o) => view.getInt16(o, little);
    case 24:
      return little
        ? (o) => ((view.getUint8(o + 2) << 24) | (view.getUint8(o + 1) << 16) | (view.getUint8(o) << 8)) >> 8
        : (o) => ((view.getUint8(o) << 24) | (view.getUint8(o + 1) << 16) | (view.getUint8(o + 2) << 8)) >> 8;
    case 32:
      return (o) => view.getInt32(o, little);
    default:
      throw new RangeError(`no ${format.bits}-bit integer WAV reader`);
  }
}

/**
 * Interleaves channels into little-endian WAV sample bytes: 16/24-bit integers scaled by 2^(bits-1)
 * (rounded, clamped to the integer range) or 32-bit float as it is: float has room for overs (peaks
 * above 1), and clamping them would change a decoded input's own samples.
 */
export function writeWavSamples(
  channels: readonly Float32Array[],
  depth: 16 | 24 | "32f",
  into?: ArrayBuffer,
): Uint8Array {
  const channelCount = channels.length;
  const frames = channels[0]?.length ?? 0;
  const bytes = depth === 16 ? 2 : depth === 24 ? 3 : 4;
  // `into`, when large enough, is reused (a long stream's blocks): fewer fresh buffers for the garbage collector.
  const size = frames * channelCount * bytes;
  const output = into && into.byteLength >= size ? new Uint8Array(into, 0, size) : new Uint8Array(size);
  // Typed-array views write in the platform's byte order: little-endian on every machine Node ships for.
  const native = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  // Mono and stereo, 16-bit or float: the same bytes from a SIMD kernel, several times faster (sample-kernels.ts).
  if (native && depth !== 24 && packFrames(channels, depth, output)) return output;
  if (native && depth === "32f") {
    const floats = new Float32Array(output.buffer, 0, size / 4);
    for (let c = 0; c < channelCount; c++) {
      const channel = channels[c]!;
      for (let i = 0, at = c; i < frames; i++, at += channelCount) floats[at] = channel[i]!;
    }
    return output;
  }
  if (native && depth === 16) {
    const shorts = new Int16Array(output.buffer, 0, size / 2);
    for (let c = 0; c < channelCount; c++) {
      const channel = channels[c]!;
      for (let i = 0, at = c; i < frames; i++, at += channelCount) {
        // floor(x + 0.5) is Math.round for every float32 sample scaled by 2^15 (x + 0.5 is exact: checked for all
        // of them in [-1.01, 1.01]), and about 4x faster here with the clamp as branches.
        let value = Math.floor(channel[i]! * 32_768 + 0.5);
        if (value < -32_768) value = -32_768;
        else if (value > 32_767) value = 32_767;
        shorts[at] = value;
      }
    }
    return output;
  }
  writeWithView(channels, depth, output, bytes);
  return output;
}

function writeWithView(channels: readonly Float32Array[], depth: 16 | 24 | "32f", output: Uint8Array, bytes: number) {
  const channelCount = channels.length;
  const frames = channels[0]?.length ?? 0;
  const view = new DataView(output.buffer, 0, output.byteLength);
  const scale = depth === "32f" ? 1 : 2 ** (depth - 1);
  const low = depth === "32f" ? -Infinity : -scale;
  const high = depth === "32f" ? Infinity : scale - 1;
  for (let c = 0; c < channelCount; c++) {
    const channel = channels[c]!;
    for (let i = 0, offset = c * bytes, stride = channelCount * bytes; i < frames; i++, offset += stride) {
      const scaled = depth === "32f" ? channel[i]! : Math.round(channel[i]! * scale);
      const value = scaled < low ? low : Math.min(scaled, high);
      if (depth === 16) view.setInt16(offset, value, true);
      else if (depth === 24) {
        view.setUint8(offset, value & 0xff);
        view.setUint8(offset + 1, (value >> 8) & 0xff);
        view.setUint8(offset + 2, (value >> 16) & 0xff);
      } else view.setFloat32(offset, value, true);
    }
  }
}
