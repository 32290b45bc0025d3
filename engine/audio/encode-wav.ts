import { writeFile } from "node:fs/promises";
import wavefile from "wavefile";
import type { WavBitDepth } from "./decoded.ts";
import type { PcmAudio } from "./pcm.ts";
import { writeWavSamples } from "./wav-samples.ts";

/**
 * A WAV file with the audio's rate and channel count. Integer depths clamp samples to [-1, 1].
 * 16 (the default) and 24 write integer PCM scaled by 2^(bits-1), the inverse of decodeWav, so a
 * 16-bit (or 24-bit) input decoded and written back at its own depth is sample-identical;
 * use DecodedAudio.bitDepth to pick that depth. "32f" writes IEEE float and keeps any float32 exactly,
 * overs (peaks above 1, as lossy decoders give) included.
 */
export function encodeWav(audio: PcmAudio, bitDepth: WavBitDepth = 16): Uint8Array {
  const channelCount = audio.channels.length;
  if (channelCount === 0) throw new RangeError("cannot write a WAV file with no channels");
  const frames = audio.channels[0]!.length;
  if (audio.channels.some((channel) => channel.length !== frames)) {
    throw new RangeError("all channels must have the same length");
  }
  // wavefile writes the header (PCM, IEEE float, or extensible for more than two channels);
  // the samples are packed here, and toBuffer sizes the chunks from them.
  const wave = new wavefile.WaveFile();
  wave.fromScratch(channelCount, audio.sampleRate, String(bitDepth), []);
  (wave.data as { samples: Uint8Array; chunkSize: number }).samples = writeWavSamples(audio.channels, bitDepth);
  return wave.toBuffer();
}

export async function writeWavFile(path: string, audio: PcmAudio, bitDepth: WavBitDepth = 16): Promise<void> {
  await writeFile(path, encodeWav(audio, bitDepth));
}
