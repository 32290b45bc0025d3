import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { measureExtension } from "../../../engine/quality/measure.ts";
import type { SeamSource } from "../../../engine/quality/report.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { concat } from "./parts.ts";

const rate = 22050;
/** A short ostinato (three plucked notes) over the whole song, as colobot's music007 has under its tune. */
const OSTINATO_SECONDS = 0.5;

function withOstinato(song: PcmAudio): PcmAudio {
  const notes = [440, 554.37, 659.25];
  const step = OSTINATO_SECONDS / notes.length;
  const channel = song.channels[0]!.map((v, i) => {
    const t = i / rate;
    const inStep = t % step;
    const note = notes[Math.floor((t % OSTINATO_SECONDS) / step)]!;
    return 0.6 * v + 0.3 * Math.exp(-inStep * 12) * Math.sin(2 * Math.PI * note * inStep);
  });
  return { sampleRate: rate, channels: [channel] };
}

const original = withOstinato(synthesizeSong({ seconds: 48, sampleRate: rate, channels: 1, seed: 5 }));

/**
 * The whole original, then pieces of it ([from, to) seconds each), the level of each ridden from 0 dB down to `ride`
 * dB along it (as the engine rides a piece's level toward the next join): no piece is a sample-exact copy.
 */
function extension(pieces: [number, number][], ride: number) {
  const parts: PcmAudio[] = [original];
  const seams: number[] = [];
  const seamSources: SeamSource[] = [];
  let at = 48;
  let previousEnd = 48;
  for (const [from, to] of pieces) {
    const piece = original.channels[0]!.slice(from * rate, to * rate);
    for (let i = 0; i < piece.length; i++) piece[i] = piece[i]! * 10 ** ((ride * i) / piece.length / 20);
    parts.push({ sampleRate: rate, channels: [piece] });
    seams.push(at);
    seamSources.push({ fromSeconds: previousEnd, toSeconds: from });
    at += to - from;
    previousEnd = to;
  }
  return { original, result: concat(...parts), seams, seamSources };
}

describe("the shortest back-to-back loop of a song built on a short ostinato", () => {
  test("joins that carry the song's own repeat on make no loop, whether or not the pieces' level is ridden", async () => {
    // The synthetic song repeats every 8 s; each join moves by a multiple of 8 s, so the song goes on as it would.
    for (const ride of [0, -1]) {
      const report = await measureExtension(
        extension(
          [
            [8, 20],
            [28, 44],
            [4, 16],
            [24, 40],
          ],
          ride,
        ),
      );
      expect(report.originalShortestLoopSeconds).toBeCloseTo(8, 0);
      expect(report.shortestLoopSeconds, `ride ${ride} dB`).toBe(0);
    }
  }, 60_000);

  test("a phrase the joins play again straight away is still a loop, a short one too", async () => {
    for (const length of [6, 4]) {
      const report = await measureExtension(
        extension(
          [
            [8, 20],
            [28, 28 + length],
            [28, 44],
            [4, 16],
          ],
          -1,
        ),
      );
      expect(report.shortestLoopSeconds, `${length} s phrase`).toBeCloseTo(length, 0);
    }
  }, 60_000);
});
