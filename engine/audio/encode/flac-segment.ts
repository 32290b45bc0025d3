import { concat, ENCODE_BLOCK_FRAMES, yieldToEventLoop } from "./bytes.ts";
import { FLAC_COMPRESSION_LEVEL, loadFlac, toIntegers } from "./flac.ts";

/** libFLAC's block size at level 5: the unit a FLAC stream is cut into segments by. */
export const FLAC_BLOCK = 4096;

/** One segment of a FLAC stream, encoded on its own (see flac-join.ts for how segments become one stream). */
export interface FlacSegment {
  /** What libFLAC wrote before the first frame ("fLaC", STREAMINFO, the vendor comment). */
  readonly header: Uint8Array;
  /** The frames, back to back, numbered from 0 within the segment. */
  readonly frames: Uint8Array;
  readonly frameSizes: Uint32Array;
  /** The samples as FLAC's MD5 signature reads them: interleaved, little-endian, bits/8 bytes each. */
  readonly signatureBytes: Uint8Array;
}

/** Interleaves integer channels into little-endian bytes of `bytesPerSample` (FLAC's MD5 input). */
function signatureBytesOf(channels: Int32Array[], bytesPerSample: number): Uint8Array {
  const length = channels[0]?.length ?? 0;
  const out = new Uint8Array(length * channels.length * bytesPerSample);
  let o = 0;
  for (let i = 0; i < length; i++) {
    for (const channel of channels) {
      const value = channel[i]!;
      for (let b = 0; b < bytesPerSample; b++) out[o++] = (value >> (8 * b)) & 0xff;
    }
  }
  return out;
}

/** The samples (whole blocks of FLAC_BLOCK except at the stream's end) as libFLAC frames at `bits` per sample. */
export async function encodeFlacSegment(
  channels: readonly Float32Array[],
  sampleRate: number,
  bits: 16 | 24,
): Promise<FlacSegment> {
  const flac = await loadFlac();
  const length = channels[0]?.length ?? 0;
  const integers = channels.map((channel) => toIntegers(channel, 0, length, bits));
  const encoder = flac.create_libflac_encoder(sampleRate, channels.length, bits, FLAC_COMPRESSION_LEVEL, length, false);
  if (!encoder) throw new Error("libFLAC could not create an encoder");
  const header: Uint8Array[] = [];
  const frames: Uint8Array[] = [];
  try {
    const status = flac.init_encoder_stream(encoder, (data, _bytes, samples) => {
      // libFLAC hands over each frame whole, with its sample count; the metadata comes with none.
      (samples > 0 ? frames : header).push(data.slice());
    });
    if (status !== 0) throw new Error(`libFLAC could not start encoding (init status ${status})`);
    for (let start = 0; start < length; start += ENCODE_BLOCK_FRAMES) {
      const end = Math.min(length, start + ENCODE_BLOCK_FRAMES);
      const block = integers.map((channel) => channel.subarray(start, end));
      if (!flac.FLAC__stream_encoder_process(encoder, block, end - start)) {
        throw new Error(`libFLAC failed while encoding (state ${flac.FLAC__stream_encoder_get_state(encoder)})`);
      }
      await yieldToEventLoop(); // see encodeMp3Segment
    }
    if (!flac.FLAC__stream_encoder_finish(encoder)) throw new Error("libFLAC could not finish the stream");
  } finally {
    flac.FLAC__stream_encoder_delete(encoder);
  }
  return {
    header: concat(header),
    frames: concat(frames),
    frameSizes: Uint32Array.from(frames, (frame) => frame.length),
    signatureBytes: signatureBytesOf(integers, bits / 8),
  };
}
