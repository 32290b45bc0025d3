/**
 * MP3 checks the validator makes beyond music-metadata's header reading, so that it accepts only what the
 * worker's decoder will accept: the claimed duration must fit the file's size, and the first frames must
 * decode without a single mpg123 error (the engine refuses any).
 */
import { MPEGDecoder } from "mpg123-decoder";
import { HarmonizerInputError } from "../../engine/errors.ts";
import { findFirstMpegFrame, mpegDurationFloorSeconds } from "../../engine/audio/mpeg.ts";

const DECODE_CHECK_BYTES = 256 * 1024;
const round1 = (x: number): string => (Math.round(x * 10) / 10).toString();

const corrupt = (message: string) => new HarmonizerInputError("CORRUPT_AUDIO", `corrupt MP3 file: ${message}`);

/**
 * `start` begins at the first byte after any ID3v2 tags; `audioBytes` is the size from there to the end.
 * Returns the duration to check against the limits: the larger of the claimed one and the size's floor.
 */
export async function checkMp3(
  start: Uint8Array,
  audioBytes: number,
  claimedSeconds: number | undefined,
): Promise<number | undefined> {
  const firstFrame = findFirstMpegFrame(start);
  if (firstFrame === undefined) throw corrupt("no two MPEG audio frames in a row near its start");
  const floor = mpegDurationFloorSeconds(start, firstFrame, audioBytes) ?? 0;
  if (claimedSeconds !== undefined && floor > claimedSeconds * 1.05 + 1) {
    throw corrupt(
      `its header claims ${round1(claimedSeconds)} s, but its ${round1(audioBytes / 1048576)} MB hold at least ${round1(floor)} s`,
    );
  }
  await decodeFirstFrames(start.subarray(firstFrame, firstFrame + DECODE_CHECK_BYTES));
  return claimedSeconds === undefined ? undefined : Math.max(claimedSeconds, floor);
}

async function decodeFirstFrames(bytes: Uint8Array): Promise<void> {
  const decoder = new MPEGDecoder();
  try {
    await decoder.ready;
    const result = decoder.decode(bytes);
    const first = result.errors[0];
    if (first !== undefined)
      throw corrupt(`${result.errors.length} decoding error(s) in its first frames: ${first.message}`);
    if (result.samplesDecoded === 0) throw corrupt("its first frames decode to no samples");
  } finally {
    decoder.free();
  }
}
