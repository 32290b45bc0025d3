import type { DecodedAudio } from "../decoded.ts";
import type { PcmAudio } from "../pcm.ts";
import type { AudioStream } from "../stream.ts";
import { audioPeak, withLossyHeadroom } from "./headroom.ts";
import { chooseLossySetting } from "./index.ts";
import type { OutputFormat } from "./formats.ts";
import { describeSetting, inputKbps, isLossy, QUALITY_KBPS_RANGE } from "./quality.ts";
import type { LossySetting } from "./quality.ts";

/** What a lossy encode is given: the stream (lowered when hot), the setting (undefined: the format's default), both in words. */
export interface LossyEncode {
  readonly stream: AudioStream;
  readonly setting?: LossySetting;
  readonly encoding: LossyEncoding;
}

/** For the report: the setting, why, the headroom gain (dB, 0 or below) and what it lowers the result to. */
export interface LossyEncoding {
  readonly setting: string;
  readonly reason: string;
  readonly headroomDb: number;
  /** The song's own peak, or -1 dBFS for a song that peaks lower (see withLossyHeadroom). */
  readonly headroomTo: string;
}

/**
 * A lossy output's encode (undefined for a lossless format, which is encoded as it is): the result lowered where it
 * would peak above both -1 dBFS and the input's own peak (withLossyHeadroom), and its setting: `qualityKbps` (--quality) when given, else the input's own bitrate
 * when the input is lossy (within what the format reaches), else the format's default: a re-encode at the input's
 * quality, not at a fixed one that may be well below it.
 */
export async function prepareLossyEncode(
  format: OutputFormat,
  result: AudioStream,
  input: { readonly bytes: Uint8Array; readonly decoded: DecodedAudio; readonly qualityKbps?: number },
): Promise<LossyEncode | undefined> {
  if (!isLossy(format)) return undefined;
  const {
    stream,
    gainDb: headroomDb,
    to: headroomTo,
  } = withLossyHeadroom(result, Math.max(audioPeak(input.decoded), input.decoded.peakBeforeClamp ?? 0));
  const [lowest, highest] = QUALITY_KBPS_RANGE[format];
  const own = inputKbps(input.bytes, input.decoded);
  const kbps = input.qualityKbps ?? (own === undefined ? undefined : Math.min(highest, Math.max(lowest, own)));
  if (kbps === undefined) {
    return {
      stream,
      encoding: { setting: "the format's default", reason: "the input is lossless", headroomDb, headroomTo },
    };
  }
  const reason =
    input.qualityKbps !== undefined
      ? `--quality ${input.qualityKbps}`
      : `the input's ${Math.round(own!)} kbit/s${Math.abs(kbps - own!) > 0.5 ? ` (the format reaches ${lowest}-${highest})` : ""}`;
  const setting = await chooseLossySetting(format, excerpt(stream), kbps);
  return { stream, setting, encoding: { setting: describeSetting(setting), reason, headroomDb, headroomTo } };
}

/** The stretch the setting is calibrated on: 10 s from the middle (all of a shorter result). */
function excerpt(stream: AudioStream): PcmAudio {
  const span = Math.min(stream.length, Math.round(10 * stream.sampleRate));
  const start = Math.floor((stream.length - span) / 2);
  return { sampleRate: stream.sampleRate, channels: stream.read(start, start + span).map((c) => c.slice()) };
}
