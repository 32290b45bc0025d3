import { writeFile } from "node:fs/promises";
import wavefile from "wavefile";
import type { WavBitDepth } from "./decoded.ts";
import type { PcmAudio } from "./pcm.ts";

/** Integer scale per depth: the inverse of decodeWav's division, so 16-bit -> decode -> encode(16) is exact. */
const INTEGER_FULL_SCALE = { 16: 32768, 24: 8388608 } as const;

function interleave(audio: PcmAudio, bitDepth: WavBitDepth): Int16Array | Int32Array | Float32Array {
  const channelCount = audio.channels.length;
  const frames = audio.channels[0]?.length ?? 0;
  const output =
    bitDepth === 16
      ? new Int16Array(frames * channelCount)
      : bitDepth === 24
        ? new Int32Array(frames * channelCount)
        : new Float32Array(frames * channelCount);
  const scale = bitDepth === "32f" ? 1 : INTEGER_FULL_SCALE[bitDepth];
  const low = -scale;
  const high = bitDepth === "32f" ? 1 : scale - 1;
  for (let c = 0; c < channelCount; c++) {
    const channel = audio.channels[c]!;
    for (let i = 0, j = c; i < frames; i++, j += channelCount) {
      const value = bitDepth === "32f" ? channel[i]! : Math.round(channel[i]! * scale);
      output[j] = value < low ? low : value > high ? high : value;
    }
  }
  return output;
}

/**
 * A WAV file with the audio's rate and channel count. Samples are clamped to [-1, 1].
 * 16 (the default) and 24 write integer PCM scaled by 2^(bits-1), the inverse of decodeWav, so a
 * 16-bit (or 24-bit) input decoded and written back at its own depth is sample-identical;
 * use DecodedAudio.bitDepth to pick that depth. "32f" writes IEEE float and keeps any float32 exactly.
 */
export function encodeWav(audio: PcmAudio, bitDepth: WavBitDepth = 16): Uint8Array {
  const channelCount = audio.channels.length;
  if (channelCount === 0) throw new RangeError("cannot write a WAV file with no channels");
  const frames = audio.channels[0]!.length;
  if (audio.channels.some((channel) => channel.length !== frames)) {
    throw new RangeError("all channels must have the same length");
  }
  const wave = new wavefile.WaveFile();
  // wavefile takes a flat typed array as interleaved samples.
  wave.fromScratch(channelCount, audio.sampleRate, String(bitDepth), interleave(audio, bitDepth));
  return wave.toBuffer();
}

export async function writeWavFile(path: string, audio: PcmAudio, bitDepth: WavBitDepth = 16): Promise<void> {
  await writeFile(path, encodeWav(audio, bitDepth));
}
