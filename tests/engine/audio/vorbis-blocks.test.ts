import { describe, expect, it } from "vitest";
import { oggPackets } from "../../../engine/audio/encode/ogg-packets.ts";
import { encodeOggVorbis } from "../../../engine/audio/encode/vorbis.ts";
import { isLongBlock, vorbisBlocks } from "../../../engine/audio/encode/vorbis-blocks.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

/** Each page's granule position and how many packets end on it (lacing values under 255). */
function pageGranules(bytes: Uint8Array): { granule: number; packetsEnded: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pages: { granule: number; packetsEnded: number }[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const segments = bytes[offset + 26]!;
    const lacing = bytes.subarray(offset + 27, offset + 27 + segments);
    pages.push({
      granule: Number(view.getBigInt64(offset + 6, true)),
      packetsEnded: lacing.filter((v) => v < 255).length,
    });
    offset += 27 + segments + lacing.reduce((sum, v) => sum + v, 0);
  }
  return pages;
}

describe("Vorbis blocks read back from libvorbis's own stream", () => {
  it.each([
    [44_100, 2, [256, 2048]],
    [22_050, 1, [512, 1024]],
  ] as const)(
    "%i Hz: block sizes, modes, and block centres that are libvorbis's granule positions",
    async (rate, channels, sizes) => {
      const song = synthesizeSong({ seconds: 6, sampleRate: rate, channels, seed: 4 });
      const bytes = await encodeOggVorbis(song);
      const packets = oggPackets(bytes);
      const blocks = vorbisBlocks(packets[0]!, packets[2]!);
      expect(blocks.sizes).toEqual(sizes);
      expect(blocks.modeLong).toEqual([false, true]);
      const audio = packets.slice(3);
      const long = audio.map((packet) => isLongBlock(packet, blocks));
      expect(long.filter((l) => !l).length).toBeGreaterThan(10); // the drums' attacks
      // Block k is centred n_{k-1}/4 + n_k/4 after block k - 1; block 0 on the first sample.
      const centres: number[] = [];
      long.forEach((l, k) => {
        const size = blocks.sizes[l ? 1 : 0];
        centres.push(k === 0 ? 0 : centres[k - 1]! + blocks.sizes[long[k - 1] ? 1 : 0] / 4 + size / 4);
      });
      const pages = pageGranules(bytes);
      expect(pages.length).toBeGreaterThan(5);
      let ended = 0;
      for (const [i, page] of pages.entries()) {
        ended += page.packetsEnded;
        const last = ended - 1 - 3; // the audio packet that ends on this page
        if (last < 0) continue;
        if (i === pages.length - 1) expect(page.granule).toBe(song.channels[0]!.length);
        else expect(page.granule).toBe(centres[last]);
      }
    },
  );
});
