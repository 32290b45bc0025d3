import type { SourceRange } from "./plan.ts";

/** A stretch of the input as it would be heard: source [start, end) from output position `outputStart`. */
export interface HeardStretch {
  readonly start: number;
  readonly end: number;
  readonly outputStart: number;
}

/**
 * The shortest lag, samples, at which `stretch` would replay input already heard back to back, or undefined: some
 * earlier part of the output (`heard`, ranges back to back from output 0) plays source that overlaps the stretch's by
 * at least half the lag (and `minOverlap`), less than `maxLag` earlier. Unlike the planner's per-phrase rule, this
 * sees a run of several short phrases that repeats the run before it (the loop metric hears the run, not its parts).
 */
export function replayLag(
  heard: readonly SourceRange[],
  stretch: HeardStretch,
  options: { readonly maxLag: number; readonly minLag: number; readonly minOverlap: number },
): number | undefined {
  let shortest: number | undefined;
  let output = 0;
  for (const range of heard) {
    const lag = stretch.outputStart - stretch.start - (output - range.start);
    output += range.end - range.start;
    if (lag <= options.minLag || lag >= options.maxLag) continue;
    const overlap = Math.min(range.end, stretch.end) - Math.max(range.start, stretch.start);
    if (overlap >= Math.max(options.minOverlap, 0.5 * lag) && (shortest === undefined || lag < shortest)) {
      shortest = lag;
    }
  }
  return shortest;
}

/**
 * Continue form (where follow.ts pulls toward recent material): the replay lag of playing source [phrase.start,
 * phrase.end) next, with the run it extends when it is the song's own next phrase (`natural`), or after the join's
 * lead-in otherwise; undefined when it replays nothing heard less than `maxLag` ago.
 */
export function runReplayLag(
  heard: readonly SourceRange[],
  phrase: { readonly start: number; readonly end: number },
  natural: boolean,
  join: { readonly leadIn?: number },
  settings: { readonly maxLag: number; readonly sampleRate: number },
): number | undefined {
  const total = heard.reduce((sum, r) => sum + r.end - r.start, 0);
  const last = heard.at(-1);
  const stretch =
    natural && last
      ? { start: last.start, end: last.end + phrase.end - phrase.start, outputStart: total - (last.end - last.start) }
      : { start: phrase.start - (join.leadIn ?? 0), end: phrase.end, outputStart: total };
  return replayLag(natural ? heard.slice(0, -1) : heard, stretch, {
    maxLag: settings.maxLag,
    minLag: 0.5 * settings.sampleRate,
    minOverlap: 2 * settings.sampleRate,
  });
}
