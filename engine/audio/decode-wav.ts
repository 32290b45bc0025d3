import wavefile from "wavefile";
import { TRUNCATED } from "./decoder-errors.ts";
import { HarmonizerInputError } from "../errors.ts";
import { checkStreamShape, decodeCapSeconds, overSampleBudget } from "../limits.ts";
import { type DecodeCap, tooLong } from "./decode-capped.ts";
import { losslessWavDepth, type DecodedAudio } from "./decoded.ts";
import { readWavSamples } from "./wav-samples.ts";

/** WAVE format tags (fmt chunk wFormatTag, or the first word of an extensible SubFormat GUID). */
const FORMAT_PCM = 1;
const FORMAT_IEEE_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

// biome-ignore-start lint/complexity/useSimpleNumberKeys: WAVE format tags in hex, as the registry lists them
const UNSUPPORTED_FORMAT_NAMES: Record<number, string> = {
  0x0002: "Microsoft ADPCM",
  0x0006: "A-law",
  0x0007: "µ-law",
  0x0011: "IMA ADPCM",
  0x0031: "GSM 6.10",
  0x0050: "MPEG audio",
  0x0055: "MPEG Layer III",
  0x0160: "Windows Media Audio",
  0x2000: "AC-3",
};
// biome-ignore-end lint/complexity/useSimpleNumberKeys: WAVE format tags

/** The parts of wavefile's parsed object we read (its typings leave the chunks as `object`). */
interface ParsedWave {
  container: string;
  fmt: { audioFormat: number; numChannels: number; sampleRate: number; bitsPerSample: number; subformat: number[] };
  data: { chunkSize: number; samples: Uint8Array };
  ds64: { dataChunkSizeHigh: number; dataChunkSizeLow: number };
}

function corrupt(message: string, cause?: unknown): HarmonizerInputError {
  return new HarmonizerInputError("CORRUPT_AUDIO", `corrupt WAV file: ${message}`, { cause });
}

function parse(bytes: Uint8Array): ParsedWave {
  try {
    return new wavefile.WaveFile(bytes) as unknown as ParsedWave;
  } catch (error) {
    throw corrupt((error as Error).message, error);
  }
}

function declaredDataBytes(wave: ParsedWave): number {
  if (wave.container === "RF64") {
    return wave.ds64.dataChunkSizeHigh * 2 ** 32 + wave.ds64.dataChunkSizeLow;
  }
  return wave.data.chunkSize;
}

/** Decodes integer PCM (8/16/24/32-bit) and IEEE float (32/64-bit) WAV, RIFX and RF64 to floats in [-1, 1]. */
export function decodeWav(bytes: Uint8Array, cap: DecodeCap = {}): DecodedAudio {
  const { maxSeconds, maxSamples } = cap;
  const wave = parse(bytes);
  const { numChannels, sampleRate, bitsPerSample } = wave.fmt;
  const formatTag = wave.fmt.audioFormat === FORMAT_EXTENSIBLE ? (wave.fmt.subformat[0] ?? 0) : wave.fmt.audioFormat;
  const isInteger = formatTag === FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample);
  const isFloat = formatTag === FORMAT_IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64);
  if (!isInteger && !isFloat) {
    const name = UNSUPPORTED_FORMAT_NAMES[formatTag] ?? `format tag 0x${formatTag.toString(16).padStart(4, "0")}`;
    throw new HarmonizerInputError(
      "UNSUPPORTED_CODEC",
      `unsupported WAV codec: ${name}, ${bitsPerSample}-bit; supported: PCM 8/16/24/32-bit and IEEE float 32/64-bit`,
    );
  }
  if (numChannels < 1 || sampleRate < 1) {
    throw corrupt(`header declares ${numChannels} channels at ${sampleRate} Hz`);
  }
  checkStreamShape(sampleRate, numChannels);
  const bytesPerFrame = (bitsPerSample / 8) * numChannels;
  const available = wave.data.samples.length;
  // Streamed WAV (e.g. ffmpeg writing to a pipe) leaves 0xFFFFFFFF as "size unknown": read to the end.
  const streamed = wave.container !== "RF64" && wave.data.chunkSize === 0xffffffff;
  if (!streamed && declaredDataBytes(wave) > available) {
    throw corrupt(
      `the data chunk declares ${declaredDataBytes(wave)} bytes but the file holds only ${available} ${TRUNCATED}`,
    );
  }
  const frames = Math.floor(available / bytesPerFrame);
  if (frames === 0) throw corrupt("the data chunk holds no samples");
  // Refused before a sample is converted: a WAV's length is its size, so this only saves the allocation.
  if (maxSeconds !== undefined && frames / sampleRate > decodeCapSeconds({ maxInputSeconds: maxSeconds })) {
    throw tooLong(frames / sampleRate, maxSeconds);
  }
  if (maxSamples !== undefined && frames * numChannels > maxSamples)
    throw overSampleBudget(frames * numChannels, maxSamples);

  const channels = readWavSamples(
    wave.data.samples,
    { bits: bitsPerSample as 8 | 16 | 24 | 32 | 64, float: isFloat, bigEndian: wave.container === "RIFX" },
    numChannels,
    frames,
  );
  return {
    sampleRate,
    channels,
    format: "wav",
    codecDetail: isFloat ? `IEEE float ${bitsPerSample}-bit` : `PCM ${bitsPerSample}-bit`,
    bitDepth: losslessWavDepth(bitsPerSample, isFloat),
  };
}
