export interface Run {
  readonly outputStart: number;
  readonly sourceStart: number;
  readonly seconds: number;
}

/**
 * Every pair of places in the output that play the same stretch of the input less than 20 s apart, the stretch
 * filling at least half of the gap (and 2 s): a listener hears it again straight away, a back-to-back loop.
 */
export function quickReplays(runs: readonly Run[]): string[] {
  const found: string[] = [];
  for (const [i, a] of runs.entries()) {
    for (const b of runs.slice(i + 1)) {
      const from = Math.max(a.sourceStart, b.sourceStart);
      const to = Math.min(a.sourceStart + a.seconds, b.sourceStart + b.seconds);
      const lag = Math.abs(b.outputStart - b.sourceStart - (a.outputStart - a.sourceStart));
      if (to - from < Math.max(2, 0.5 * lag)) continue;
      if (lag > 0.5 && lag < 20) {
        found.push(
          `input ${from.toFixed(1)}–${to.toFixed(1)} s heard at ${(a.outputStart + from - a.sourceStart).toFixed(1)} s and again ${lag.toFixed(1)} s later`,
        );
      }
    }
  }
  return found;
}
