import { describe, expect, it } from "vitest";
import { sniffFormat } from "../../../engine/audio/index.ts";
import { sniffContainer } from "../../../engine/audio/format.ts";
import { fixtureBytes, randomBytes } from "./signals.ts";

describe("sniffFormat", () => {
  it.each([
    ["sine440-stereo-44k1-s16.wav", "wav"],
    ["sine440-stereo-44k1-rf64.wav", "wav"],
    ["sine440-mono-8k-alaw.wav", "wav"],
    ["sine440-stereo-44k1.mp3", "mp3"],
    ["sine440-stereo-44k1.ogg", "ogg-vorbis"],
    ["sine440-stereo-48k.opus", "ogg-opus"],
    ["sine440-stereo-44k1.flac", "flac"],
  ])("recognises %s as %s from its bytes", async (file, format) => {
    expect(sniffFormat(await fixtureBytes(file))).toBe(format);
  });

  it("recognises an MP3 without an ID3 tag by its frame sync", async () => {
    const withTag = await fixtureBytes("sine440-stereo-44k1.mp3");
    const tagBytes = 10 + ((withTag[6]! << 21) | (withTag[7]! << 14) | (withTag[8]! << 7) | withTag[9]!);
    const bare = withTag.subarray(tagBytes);
    expect(bare[0]).toBe(0xff);
    expect(sniffFormat(bare)).toBe("mp3");
  });

  it("does not take random bytes with an MPEG sync word for MP3", () => {
    const bytes = randomBytes(4096, 7);
    bytes.set([0xff, 0xfb, 0x90, 0x64], 100); // one plausible 128 kbps frame header, no frame after it
    expect(sniffFormat(bytes)).toBeUndefined();
  });

  it("names the Ogg codecs it does not decode through sniffContainer", async () => {
    const speex = await fixtureBytes("sine440-mono-16k-speex.ogg");
    expect(sniffFormat(speex)).toBeUndefined();
    expect(sniffContainer(speex)).toMatchObject({ container: "ogg", codecs: ["speex"], complete: true });
    expect(sniffContainer(await fixtureBytes("truncated-sine440-stereo-44k1.ogg"))).toMatchObject({
      container: "ogg",
      codecs: ["vorbis"],
      complete: false,
    });
  });
});
