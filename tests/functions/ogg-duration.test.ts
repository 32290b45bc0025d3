import { describe, expect, it } from "vitest";
import { lastGranulePosition, oggDurationSeconds } from "../../functions/validator/ogg-duration.ts";

/** A minimal Ogg page header (27 bytes, no segments) with the given granule position. */
function oggPage(granule: bigint): Uint8Array {
  const page = new Uint8Array(27);
  page.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS", version 0
  new DataView(page.buffer).setBigInt64(6, granule, true);
  return page;
}

describe("Ogg duration from the last page", () => {
  it("reads the granule position of the last page", () => {
    const tail = new Uint8Array([
      ...new Uint8Array(100).fill(7),
      ...oggPage(1000n),
      ...new Uint8Array(50),
      ...oggPage(44_100n * 25n),
    ]);
    expect(lastGranulePosition(tail)).toBe(44_100n * 25n);
  });

  it("counts Vorbis granules at the stream rate and Opus granules at 48 kHz", () => {
    expect(oggDurationSeconds(oggPage(44_100n * 25n), "ogg-vorbis", 44_100)).toBe(25);
    expect(oggDurationSeconds(oggPage(48_000n * 30n), "ogg-opus", 44_100)).toBe(30);
  });

  it("returns undefined when no page header is in the bytes", () => {
    expect(oggDurationSeconds(new Uint8Array(1000), "ogg-vorbis", 44_100)).toBeUndefined();
  });
});
