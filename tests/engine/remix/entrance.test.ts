import { describe, expect, test } from "vitest";
import type { PcmAudio } from "../../../engine/audio/pcm.ts";
import { rmsDb } from "../../../engine/analysis/signal.ts";
import type { RemixPlan } from "../../../engine/remix/plan.ts";
import { renderPlan } from "../../../engine/remix/render.ts";

const rate = 22050;
const beat = rate / 2;

/** 12 s of loud beats (a 40 ms burst on each, a soft pad under it), then 1 s of near-silence: a loop's quiet tail. */
function quietTailSong(): PcmAudio {
  const samples = new Float32Array(13 * rate);
  for (let i = 0; i < 12 * rate; i++) {
    const inBeat = i % beat;
    const burst = inBeat < 0.04 * rate ? 0.8 * Math.sin((2 * Math.PI * 1200 * inBeat) / rate) : 0;
    samples[i] = burst + 0.05 * Math.sin((2 * Math.PI * 220 * i) / rate);
  }
  for (let i = 12 * rate; i < 13 * rate; i++) samples[i] = 1e-4 * Math.sin((2 * Math.PI * 220 * i) / rate);
  return { sampleRate: rate, channels: [samples] };
}

describe("the continuation's entrance after a quiet tail", () => {
  test("keeps the incoming downbeat's attack: only the lead-in before it is faded", () => {
    const input = quietTailSong();
    const length = input.channels[0]!.length;
    // The continuation resumes at the downbeat at 4 s, read 0.3 s early (its lead-in), its cut 12 ms before the beat.
    const downbeat = 8 * beat;
    const cut = downbeat - Math.round(0.012 * rate);
    const leadIn = Math.round(0.3 * rate);
    const plan: RemixPlan = {
      form: "continue",
      ranges: [{ start: cut - leadIn, end: cut - leadIn + 6 * rate }],
      ending: { kind: "fade", fadeStart: length + 5 * rate },
      introSamples: length,
      shortfalls: [],
      leadInSamples: leadIn,
    };
    const target = length + 6 * rate;
    const out = renderPlan(input, plan, { targetSamples: target, crossfadeSamples: 441, entranceFadeSamples: rate });
    const result = out.read(0, out.length)[0]!;
    const source = input.channels[0]!;
    const attackOut = length + leadIn + (downbeat - cut);
    const probe = Math.round(0.02 * rate);
    // The attack comes through at the source's own level, within the join's 1.5 ms alignment (the bug: 45 dB below it, recovering 0.4 s later).
    expect(rmsDb(result, attackOut, attackOut + probe)).toBeGreaterThan(rmsDb(source, downbeat, downbeat + probe) - 2);
    // The lead-in still enters softly after the near-silence.
    expect(rmsDb(result, length, length + probe)).toBeLessThan(rmsDb(source, downbeat, downbeat + probe) - 30);
  });
});
