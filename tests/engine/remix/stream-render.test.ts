import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { remixExtend, type RemixResult } from "../../../engine/remix/index.ts";
import { clickSong } from "./signals.ts";

const options = { fadeOutSeconds: 4, crossfadeSeconds: 0.02, seed: 5 };

/** A click song whose level steps by 5 dB every 8 s: joins between its sections are ridden. */
function steppedSong(endingSeconds?: number): PcmAudio {
  const song = clickSong({ seconds: 60, seed: 11, endingSeconds });
  const section = 8 * song.sampleRate;
  return {
    sampleRate: song.sampleRate,
    channels: song.channels.map((channel) => channel.map((s, i) => s * 10 ** ((Math.floor(i / section) % 2) * -0.25))),
  };
}

/**
 * The result read through in windows of `frames` (the last one shorter), joined; with `room`, every window is read
 * into the same arrays (filled with noise first: what a window left there must not leak into the next).
 */
function readInWindows(result: RemixResult, frames: number, room = false): Float32Array[] {
  const { stream } = result;
  const out = Array.from({ length: stream.channelCount }, () => new Float32Array(stream.length));
  const into = room
    ? Array.from({ length: stream.channelCount }, () => Float32Array.from({ length: frames }, () => Math.random()))
    : undefined;
  for (let from = 0; from < stream.length; from += frames) {
    const to = Math.min(stream.length, from + frames);
    const channels = stream.read(from, to, into);
    if (into) expect(channels.every((channel, c) => channel.buffer === into[c]!.buffer)).toBe(true);
    for (const [c, channel] of channels.entries()) out[c]!.set(channel, from);
  }
  return out;
}

const same = (a: Float32Array, b: Float32Array) =>
  a.length === b.length &&
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe("the rendering as a stream of windows", () => {
  for (const form of ["song", "continue"] as const) {
    test(`${form} form: any window size gives the one-piece render, sample for sample`, async () => {
      const input = steppedSong(form === "song" ? 6 : undefined);
      const result = await remixExtend(input, { ...options, form, targetSeconds: 170.3 });
      expect(result.form).toBe(form);
      // The case exercises every operation: joins, level rides and the ending.
      expect(result.seams.length).toBeGreaterThan(5);
      expect(result.notes.join("\n")).toMatch(/level ridden across/);
      const whole = result.stream.read(0, result.stream.length);
      expect(whole[0]!.length).toBe(Math.round(170.3 * input.sampleRate));
      for (const frames of [997, 4096, 65_536, 1_000_003]) {
        for (const room of [false, true]) {
          const windows = readInWindows(result, frames, room);
          for (const [c, channel] of windows.entries())
            expect(same(channel, whole[c]!), `${frames}-frame windows${room ? ", read into one room" : ""}`).toBe(true);
        }
      }
      // A window read on its own, out of order, around a join.
      const at = Math.round(result.seams[2]! * input.sampleRate);
      const around = result.stream.read(at - 300, at + 300);
      for (const [c, channel] of around.entries())
        expect(same(channel, whole[c]!.subarray(at - 300, at + 300))).toBe(true);
      expect(same(result.audio.channels[0]!, whole[0]!)).toBe(true);
    });
  }
});
