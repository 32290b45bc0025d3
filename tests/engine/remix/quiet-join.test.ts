import { describe, expect, it } from "vitest";
import { downmix } from "../../../engine/analysis/signal.ts";
import { mulberry32 } from "../../../engine/random.ts";
import { type JoinSearchJob, searchJoins, takePairs } from "../../../engine/remix/join-search-threads.ts";
import { quietestShift } from "../../../engine/remix/quiet-join.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";
import { clickSong } from "./signals.ts";

/** The join search as first written: every shift rendered whole and its median selected. */
function everyShiftSelected(mono: Float32Array, a: number, b: number, search: number, rate: number, half: number) {
  const seamHalf = Math.max(1, Math.round(0.002 * rate));
  const context = Math.round(0.02 * rate);
  const reach = Math.max(half, seamHalf + context) + 1;
  const gain = (k: number, f: (x: number) => number) =>
    f((Math.PI / 2) * Math.min(1, Math.max(0, (k + half + 0.5) / (2 * half))));
  const rendered = new Float32Array(2 * reach + 1);
  let best = 0;
  let bestRatio = Infinity;
  for (let d = 0; d >= -search; d -= 4) {
    if (a + d - reach < 0 || b + d - reach < 0 || a + d + reach >= mono.length || b + d + reach >= mono.length)
      continue;
    for (let k = -seamHalf - context; k <= Math.min(reach, seamHalf + context); k++) {
      const outgoing = k < half ? mono[a + d + k]! : 0;
      const incoming = k >= -half ? mono[b + d + k]! : 0;
      rendered[k + reach] = gain(k, Math.cos) * outgoing + gain(k, Math.sin) * incoming;
    }
    const step = (k: number) => Math.abs(rendered[k + reach + 1]! - rendered[k + reach]!);
    let peak = 0;
    for (let k = -seamHalf; k < seamHalf; k++) peak = Math.max(peak, step(k));
    const around = new Float64Array(2 * context);
    let n = 0;
    for (let k = -seamHalf - context; k < -seamHalf; k++) around[n++] = step(k);
    for (let k = seamHalf; k < seamHalf + context && k + reach + 1 < rendered.length; k++) around[n++] = step(k);
    const sorted = around.subarray(0, n).sort();
    const ratio = peak / Math.max(1e-9, n > 0 ? sorted[Math.floor(n / 2)]! : 0);
    if (ratio < bestRatio - 1e-9) {
      bestRatio = ratio;
      best = d;
    }
  }
  return best;
}

describe("quietestShift", () => {
  it("picks the shift a full median at every shift picks, on music, silence and both crossfade widths", () => {
    const rate = 22_050;
    const song = downmix(synthesizeSong({ seconds: 20, sampleRate: rate, seed: 4 }));
    const clicks = downmix(clickSong({ seconds: 20, sampleRate: rate, seed: 9 }));
    // Silence in the middle of the song: flat joins (no step at all) and joins into and out of silence.
    song.fill(0, 8 * rate, 10 * rate);
    const random = mulberry32(5);
    const search = Math.round(0.03 * rate);
    let moved = 0;
    for (const mono of [song, clicks]) {
      for (let pair = 0; pair < 20; pair++) {
        const a = Math.floor(random() * mono.length);
        const b = pair % 5 === 0 ? a + 1 : Math.floor(random() * mono.length);
        for (const half of [Math.round(0.04 * rate), 40]) {
          const expected = everyShiftSelected(mono, a, b, search, rate, half);
          expect(quietestShift(mono, a, b, search, rate, half)).toBe(expected);
          if (expected !== 0) moved++;
        }
      }
    }
    // The searches must have had something to find.
    expect(moved).toBeGreaterThan(30);
  });
});

describe("the join search on two threads", () => {
  const rate = 44_100;
  const song = synthesizeSong({ seconds: 30, sampleRate: rate, seed: 6 });
  const mono = downmix(song);
  const random = mulberry32(3);
  const pairs = Array.from(
    { length: 80 },
    () => [1, 2].map(() => 2_000 + Math.floor(random() * 1_300_000)) as [number, number],
  );
  const search = Math.round(0.03 * rate);
  const alone = pairs.map(([a, b]) => quietestShift(mono, a, b, search, rate, 1_744));
  /** A plan whose joins are the pairs: range i ends at pair i's outgoing position, range i + 1 starts at its incoming. */
  const rangesJoining = (joins: readonly (readonly [number, number])[]) =>
    [{ start: 0, end: joins[0]![0] }].concat(
      joins.map(([, b], i) => ({ start: b, end: joins[i + 1]?.[0] ?? b + 1_000 })),
    );

  it("gives each join of a plan the shift one thread finds, for many joins (two threads) and for a few", async () => {
    for (const count of [pairs.length, 5]) {
      const { shifts } = await searchJoins(song, rangesJoining(pairs.slice(0, count)), 2 * 1_744);
      expect(pairs.slice(0, count).map(([a, b]) => shifts.get(`${a},${b}`))).toEqual(alone.slice(0, count));
    }
    expect(new Set(alone).size).toBeGreaterThan(10);
  });

  it("shares out the pairs through one counter: two takers search each pair once between them", () => {
    const job: JoinSearchJob = {
      mono,
      pairs: Int32Array.from(pairs.flat()),
      shifts: new Int32Array(pairs.length).fill(1),
      next: new Int32Array(1),
      search,
      sampleRate: rate,
      half: 1_744,
    };
    // The other taker has already taken the first 30 pairs (and is still on them): this one searches the rest.
    job.next[0] = 30;
    takePairs(job);
    expect([...job.shifts.subarray(0, 30)].every((shift) => shift === 1)).toBe(true);
    expect([...job.shifts.subarray(30)]).toEqual(alone.slice(30));
    expect(job.next[0]).toBeGreaterThanOrEqual(pairs.length);
  });
});
