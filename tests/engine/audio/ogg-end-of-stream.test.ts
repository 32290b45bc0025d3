import { describe, expect, it } from "vitest";
import { sniffContainer } from "../../../engine/audio/format.ts";
import { decodeAudio } from "../../../engine/audio/index.ts";
import { pageChecksum } from "../../../engine/audio/ogg.ts";
import { decodeError } from "./decode-error.ts";
import { fixtureBytes } from "./signals.ts";

// Some encoders never set the end-of-stream flag on the last page (blockattack's bgmusic.ogg, trackballs'
// tb_genesis.ogg); ffmpeg plays such files without a word, so the engine must too.

const storedChecksum = (bytes: Uint8Array, page: number) =>
  new DataView(bytes.buffer, bytes.byteOffset).getUint32(page + 22, true);

/** Start and end of each Ogg page, walking them from the first. */
function pages(bytes: Uint8Array): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (let start = 0; start + 27 <= bytes.length; start = found.at(-1)!.end) {
    const segments = bytes[start + 26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += bytes[start + 27 + i]!;
    found.push({ start, end: start + 27 + segments + body });
  }
  return found;
}

const lastPage = (bytes: Uint8Array) => pages(bytes).at(-1)!;

/** A copy of `original` whose last page has its end-of-stream flag cleared and its checksum made right again. */
function withoutEndOfStream(original: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(original);
  const { start, end } = lastPage(bytes);
  bytes[start + 5]! &= ~0x04;
  new DataView(bytes.buffer).setUint32(start + 22, pageChecksum(bytes.subarray(start, end)), true);
  return bytes;
}

const cutOff = (format: string) =>
  new RegExp(
    `^corrupt ${format} file: the last Ogg page is cut off or the stream has no end \\(truncated\\? download it again, .*\\)$`,
  );

const FIXTURES = [
  ["sine440-stereo-44k1.ogg", "Ogg Vorbis"],
  ["sine440-stereo-48k.opus", "Ogg Opus"],
] as const;

describe("Ogg files without an end-of-stream flag", () => {
  it.each(FIXTURES)("computes the checksum the encoder wrote on every page of %s", async (file) => {
    const bytes = await fixtureBytes(file);
    const all = pages(bytes);
    expect(all.length).toBeGreaterThan(3);
    expect(all.at(-1)!.end).toBe(bytes.length);
    expect(bytes[all.at(-1)!.start + 5]! & 0x04).toBe(0x04);
    for (const { start, end } of all)
      expect(pageChecksum(bytes.subarray(start, end))).toBe(storedChecksum(bytes, start));
  });

  it.each(FIXTURES)(
    "decodes %s with its whole last page unflagged to the same samples as with the flag",
    async (file) => {
      const original = await fixtureBytes(file);
      const unflagged = withoutEndOfStream(original);
      expect(unflagged[lastPage(unflagged).start + 5]! & 0x04).toBe(0);
      expect(sniffContainer(unflagged)).toMatchObject({ container: "ogg", complete: true, flaggedEnd: false });
      const expected = await decodeAudio(original);
      const decoded = await decodeAudio(unflagged);
      expect(decoded.sampleRate).toBe(expected.sampleRate);
      expect(decoded.channels.length).toBe(2);
      expect(decoded.channels[0]!.length).toBe(expected.channels[0]!.length);
      expect(decoded.channels[0]).toEqual(expected.channels[0]);
      expect(decoded.channels[1]).toEqual(expected.channels[1]);
    },
  );

  it.each(FIXTURES)(
    "still refuses %s unflagged and cut inside its last page, in the same words",
    async (file, format) => {
      const unflagged = withoutEndOfStream(await fixtureBytes(file));
      const { start, end } = lastPage(unflagged);
      const error = await decodeError(unflagged.subarray(0, start + Math.floor((end - start) / 2)));
      expect(error.code).toBe("CORRUPT_AUDIO");
      expect(error.message).toMatch(cutOff(format));
    },
  );

  it.each(FIXTURES)(
    "refuses %s whose unflagged last page has a wrong checksum (damaged, or not the end)",
    async (file, format) => {
      const unflagged = withoutEndOfStream(await fixtureBytes(file));
      unflagged[unflagged.length - 1]! ^= 0xff;
      const error = await decodeError(unflagged);
      expect(error.code).toBe("CORRUPT_AUDIO");
      expect(error.message).toMatch(cutOff(format));
    },
  );
});
