import { describe, expect, it } from "vitest";
import { decodeAudio, encodeWav, sniffFormat } from "../../../engine/audio/index.ts";
import { decoderErrorInWords } from "../../../engine/audio/decoder-errors.ts";
import type { HarmonizerInputError, InputErrorCode } from "../../../engine/errors.ts";
import { decodeError } from "./decode-error.ts";
import { fixtureBytes, randomBytes, sine } from "./signals.ts";

function expectCode(error: HarmonizerInputError, code: InputErrorCode, message: RegExp): void {
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

const NOT_AUDIO_MESSAGE = "not an audio file: expected WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC";

describe("decodeAudio on input that is not audio", () => {
  it.each([
    ["random bytes", randomBytes(64 * 1024)],
    ["a text file", new TextEncoder().encode("Dear user,\nthis is not a song.\n".repeat(200))],
    ["a PNG image", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...randomBytes(2000)])],
  ])("refuses %s as NOT_AUDIO, listing the formats it accepts", async (_, bytes) => {
    expect(sniffFormat(bytes)).toBeUndefined();
    const error = await decodeError(bytes);
    expect(error.code).toBe("NOT_AUDIO");
    expect(error.message).toBe(NOT_AUDIO_MESSAGE);
  });
});

describe("decodeAudio on audio in a container it does not read", () => {
  const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
  it.each([
    ["an .m4a from a music store", [0, 0, 0, 0x20, ...ascii("ftypM4A "), 0, 0, 2, 0], "MP4/M4A (AAC or ALAC audio)"],
    ["an AIFF", [...ascii("FORM"), 0, 1, 0, 0, ...ascii("AIFFCOMM")], "AIFF"],
    ["a WebM", [0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81], "WebM/Matroska"],
    ["a WMA", [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11], "WMA/ASF"],
  ])("names %s as a format it does not decode (UNSUPPORTED_CODEC), not as no audio", async (_, head, name) => {
    const error = await decodeError(Uint8Array.from([...head, ...randomBytes(4000)]));
    expectCode(error, "UNSUPPORTED_CODEC", /^the file is /);
    expect(error.message).toBe(
      `the file is ${name}, which this program does not decode: convert it to WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC first`,
    );
  });
});

describe("decodeAudio on an empty file", () => {
  it("says the file is empty (not that it is no audio file), with the formats it accepts", async () => {
    const error = await decodeError(new Uint8Array(0));
    expectCode(error, "NOT_AUDIO", /^the file is empty \(0 bytes\): expected WAV, MP3, Ogg Vorbis, Ogg Opus or FLAC$/);
  });
});

describe("decodeAudio on unsupported codecs in containers it knows", () => {
  it.each([
    ["sine440-mono-8k-alaw.wav", /A-law/],
    ["sine440-mono-8k-ima-adpcm.wav", /IMA ADPCM/],
    ["sine440-mono-16k-speex.ogg", /Speex/],
    ["sine440-stereo-44k1-flac-in-ogg.oga", /FLAC in Ogg/],
  ])("refuses %s as UNSUPPORTED_CODEC naming the codec and what is supported", async (file, codec) => {
    const error = await decodeError(await fixtureBytes(file));
    expectCode(error, "UNSUPPORTED_CODEC", codec);
    expect(error.message).toMatch(/supported: /);
  });
});

describe("decodeAudio on truncated or corrupt files", () => {
  it.each([
    ["truncated-sine440-stereo-44k1-s16.wav", "WAV"],
    ["truncated-sine440-stereo-44k1.mp3", "MP3"],
    ["truncated-sine440-stereo-44k1.ogg", "Ogg Vorbis"],
    ["truncated-sine440-stereo-48k.opus", "Ogg Opus"],
    ["truncated-sine440-stereo-44k1.flac", "FLAC"],
  ])("refuses %s as CORRUPT_AUDIO (%s)", async (file, format) => {
    const error = await decodeError(await fixtureBytes(file));
    expectCode(error, "CORRUPT_AUDIO", new RegExp(`^corrupt ${format} file: .*truncated`));
    // A partial download a player still plays: the message says what to do with it.
    expect(error.message).toMatch(/download it again, or convert what there is .*ffmpeg -i/);
  });

  it("refuses a WAV whose header is cut off", async () => {
    const whole = await fixtureBytes("sine440-stereo-44k1-s16.wav");
    expectCode(await decodeError(whole.subarray(0, 30)), "CORRUPT_AUDIO", /^corrupt WAV file/);
  });

  it("refuses a WAV whose data chunk is empty", async () => {
    const empty = encodeWav({ sampleRate: 44100, channels: [new Float32Array(0)] });
    expectCode(await decodeError(empty), "CORRUPT_AUDIO", /no samples/);
  });

  it("refuses an Ogg Vorbis file whose audio pages are garbage", async () => {
    const bytes = Uint8Array.from(await fixtureBytes("sine440-stereo-44k1.ogg"));
    // Keep the page structure (so the container is whole) but scramble the packets after the headers.
    const scrambled = scramblePageBodies(bytes, 3);
    expectCode(await decodeError(scrambled), "CORRUPT_AUDIO", /^corrupt Ogg Vorbis file: .*\d+ decoding errors?/);
  });

  it("says in words that an Ogg Vorbis file's headers are damaged, not the decoder's OV_EBADHEADER", async () => {
    const bytes = Uint8Array.from(await fixtureBytes("sine440-stereo-44k1.ogg"));
    // Bytes 300-600 lie in the setup header (the codebooks): flipped, every packet after it fails.
    for (let i = 300; i < 600; i++) bytes[i]! ^= 0x5a;
    const error = await decodeError(bytes);
    expectCode(error, "CORRUPT_AUDIO", /^corrupt Ogg Vorbis file: its Vorbis headers .* are damaged/);
    expect(error.message).not.toMatch(/OV_|_headerin|vorbis_synthesis/);
  });

  it("says where an MP3 damaged half-way fails, in seconds of the song and in words, not mpg123's 'frame 0: -1 MPG123_ERR'", async () => {
    const bytes = Uint8Array.from(await fixtureBytes("sine440-stereo-44k1.mp3")); // 2.04 s
    bytes.set(randomBytes(2000, 7), Math.floor(bytes.length / 2));
    const error = await decodeError(bytes);
    expectCode(
      error,
      "CORRUPT_AUDIO",
      /^corrupt MP3 file: an MP3 frame is damaged \(\d+ decoding errors?, the first (0\.9|1\.0|1\.1) s into the song\)$/,
    );
  });

  it("says in words what libFLAC reports, as @wasm-audio-decoders/flac words it", () => {
    const reported = "Error: FLAC__STREAM_DECODER_ERROR_STATUS_MISSING_FRAME; State: FLAC__STREAM_DECODER_READ_FRAME";
    expect(decoderErrorInWords(reported)).toBe("a frame is missing or damaged (a gap in the stream)");
    expect(decoderErrorInWords("Error: FLAC__STREAM_DECODER_ERROR_STATUS_FRAME_CRC_MISMATCH")).toMatch(/checksum/);
    expect(decoderErrorInWords("something else")).toBeUndefined();
  });

  it("refuses an ID3 tag followed by a lone MPEG frame header with no frame as NOT_AUDIO", async () => {
    const tag = [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0];
    const bytes = Uint8Array.from([...tag, 0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]);
    expect((await decodeError(bytes)).code).toBe("NOT_AUDIO");
  });
});

describe("decodeAudio on its own output", () => {
  it("decodes a WAV it wrote itself", async () => {
    const bytes = encodeWav({ sampleRate: 8000, channels: [sine(440, 8000, 800)] });
    await expect(decodeAudio(bytes)).resolves.toMatchObject({ sampleRate: 8000, format: "wav" });
  });
});

/**
 * Overwrites the body of every Ogg page after the first `keepPages` with random bytes, leaving the
 * page headers (and so the container structure) intact. Page CRCs no longer match.
 */
function scramblePageBodies(bytes: Uint8Array, keepPages: number): Uint8Array {
  const noise = randomBytes(bytes.length, 99);
  let offset = 0;
  let page = 0;
  while (offset + 27 <= bytes.length) {
    const segments = bytes[offset + 26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += bytes[offset + 27 + i]!;
    const bodyStart = offset + 27 + segments;
    if (page >= keepPages) bytes.set(noise.subarray(bodyStart, bodyStart + body), bodyStart);
    offset = bodyStart + body;
    page++;
  }
  return bytes;
}
