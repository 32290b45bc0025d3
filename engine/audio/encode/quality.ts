import type { DecodedAudio } from "../decoded.ts";
import { leadingId3v2Bytes } from "../mpeg.ts";
import type { PcmAudio } from "../pcm.ts";
import type { OutputFormat } from "./formats.ts";

/** A lossy format's encoder setting, in the encoder's own terms. */
export type LossySetting =
  | { readonly format: "mp3"; readonly vbrQuality: number }
  | { readonly format: "mp3"; readonly cbrKbps: Mp3Cbr }
  | { readonly format: "ogg-vorbis"; readonly quality: number }
  | { readonly format: "ogg-opus"; readonly bitrate: number };

export type LossyFormat = LossySetting["format"];
export const isLossy = (format: OutputFormat): format is LossyFormat =>
  format === "mp3" || format === "ogg-vorbis" || format === "ogg-opus";

/** The bitrates (kbit/s) `--quality` may ask of each lossy format: what its encoder can reach. */
export const QUALITY_KBPS_RANGE: Readonly<Record<LossyFormat, readonly [number, number]>> = {
  mp3: [32, 320],
  "ogg-vorbis": [48, 500],
  "ogg-opus": [6, 510],
};

const MP3_CBR = [32, 40, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] as const;
type Mp3Cbr = (typeof MP3_CBR)[number];

/**
 * A lossy input's average bitrate, kbit/s: its audio bytes (without an MP3's ID3 tag or an Ogg stream's header
 * pages, where cover art may sit) over its duration. Undefined for lossless inputs.
 */
export function inputKbps(bytes: Uint8Array, decoded: DecodedAudio): number | undefined {
  const seconds = (decoded.channels[0]?.length ?? 0) / decoded.sampleRate;
  if (!(seconds > 0)) return undefined;
  const audioBytes =
    decoded.format === "mp3"
      ? bytes.length - leadingId3v2Bytes(bytes)
      : decoded.format === "ogg-vorbis" || decoded.format === "ogg-opus"
        ? oggAudioBytes(bytes)
        : undefined;
  return audioBytes === undefined ? undefined : (audioBytes * 8) / seconds / 1000;
}

/** Bytes of the Ogg pages from the first one that ends an audio packet (granule position above 0) on. */
function oggAudioBytes(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let counted = 0;
  let audio = false;
  while (offset + 27 <= bytes.length && view.getUint32(offset, false) === 0x4f676753) {
    const segments = bytes[offset + 26]!;
    let size = 27 + segments;
    for (let i = 0; i < segments; i++) size += bytes[offset + 27 + i] ?? 0;
    audio ||= view.getBigInt64(offset + 6, true) > 0n;
    if (audio) counted += size;
    offset += size;
  }
  return counted;
}

/** Encodes `audio` with a setting: what settingForKbps calibrates against. */
export type TrialEncode = (audio: PcmAudio, setting: LossySetting) => Promise<Uint8Array>;

/** The stretch trial encodes use: 10 s from the middle (all of a shorter result). */
function excerpt(audio: PcmAudio): PcmAudio {
  const length = audio.channels[0]?.length ?? 0;
  const span = Math.min(length, Math.round(10 * audio.sampleRate));
  const start = Math.floor((length - span) / 2);
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((c) => c.subarray(start, start + span)) };
}

/**
 * The setting that gives about `kbps` on this audio: Opus takes a bitrate; MP3 and Vorbis are VBR, whose bitrate
 * depends on the music, so their quality is searched on a 10 s excerpt (bisection, 6 trial encodes) for the lowest
 * that reaches `kbps`. Above what MP3's best VBR (-V 0) gives, MP3 is constant bitrate: the lowest at or above
 * `kbps`, 320 at most.
 */
export async function settingForKbps(
  format: LossyFormat,
  audio: PcmAudio,
  kbps: number,
  encode: TrialEncode,
): Promise<LossySetting> {
  if (format === "ogg-opus") return { format, bitrate: Math.round(kbps * 1000) };
  const sample = excerpt(audio);
  const seconds = (sample.channels[0]?.length ?? 0) / sample.sampleRate;
  const rateOf = async (setting: LossySetting) => ((await encode(sample, setting)).length * 8) / seconds / 1000;
  if (format === "mp3") {
    if ((await rateOf({ format, vbrQuality: 0 })) < kbps)
      return { format, cbrKbps: MP3_CBR.find((cbr) => cbr >= kbps) ?? 320 };
    // -V 0 is the richest: search up towards -V 9.999 for the leanest that still reaches kbps.
    const v = await bisect(0, 9.999, async (q) => (await rateOf({ format, vbrQuality: q })) >= kbps);
    return { format, vbrQuality: v };
  }
  // Vorbis: quality -1 is the leanest, 10 the richest; the lowest that reaches kbps.
  const q = await bisect(10, -1, async (quality) => (await rateOf({ format, quality })) >= kbps);
  return { format, quality: q };
}

/**
 * The setting between `good` (assumed to reach the bitrate) and `lean` furthest towards `lean` that still `reaches`
 * it, to within 1/64 of the range: 6 trials.
 */
async function bisect(good: number, lean: number, reaches: (setting: number) => Promise<boolean>): Promise<number> {
  let [ok, bad] = [good, lean];
  if (await reaches(lean)) return lean;
  for (let i = 0; i < 6; i++) {
    const mid = (ok + bad) / 2;
    if (await reaches(mid)) ok = mid;
    else bad = mid;
  }
  return Math.round(ok * 100) / 100;
}

/** The setting in words, for the report and the terminal: "VBR -V 2.3", "CBR 320 kbit/s", "quality 8.6", "160 kbit/s". */
export function describeSetting(setting: LossySetting): string {
  if (setting.format === "ogg-opus") return `${Math.round(setting.bitrate / 1000)} kbit/s VBR`;
  if (setting.format === "ogg-vorbis") return `quality ${setting.quality}`;
  return "cbrKbps" in setting ? `CBR ${setting.cbrKbps} kbit/s` : `VBR -V ${setting.vbrQuality}`;
}
