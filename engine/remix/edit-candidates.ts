import type { SongForm } from "../analysis/form.ts";
import { SHORT_TERM_SECONDS } from "../audio/loudness.ts";
import { loudnessStepCost } from "./join-costs.ts";
import type { JumpGraph } from "./jump-graph.ts";
import { ALIKE_SHARE, echoBeats, echoHeard, loopAlike } from "./join-echo.ts";
import { RIDE_FROM_LU } from "./level-ride.ts";
import { MIN_REPLAY_SECONDS } from "./phrase-choice.ts";

/**
 * One edit of the song in its own order, at bar lines of its body ("sites": the bar lines from the intro's end to
 * the ending's start). "repeat": at `site` the song goes back to `from` and plays [from, site) again (one join, the
 * span heard twice in a row). "insert": at `site` the span [from, to) from elsewhere in the body is played, then the
 * song resumes at `site` (two joins). "cut": at `site` the song skips to `to` (one join, [site, to) left out).
 */
export interface Edit {
  readonly kind: "repeat" | "insert" | "cut";
  /** Beats. */
  readonly site: number;
  readonly from: number;
  readonly to: number;
  /** Samples added (repeat, insert) or left out (cut). */
  readonly amount: number;
  /** Source sample where the song plays on after the edit. */
  readonly resume: number;
  /** The edit's footprint in song order, as site indices: edits follow one another without overlapping. */
  readonly lo: number;
  readonly hi: number;
  readonly cost: number;
}

export interface EditSettings {
  readonly graph: JumpGraph;
  readonly form: SongForm;
  readonly cuts: readonly number[];
  readonly length: number;
  readonly sampleRate: number;
  /** Lengthening (repeats and inserts) or shortening (cuts). */
  readonly direction: "add" | "remove";
  /** Longest span a repeat or insert may add, samples (the scaled repeat limit, and no more than needed). */
  readonly maxSpanSamples: number;
}

/** Longer spans added are whole phrases (both ends on phrase starts); shorter ones may be any bar group. */
const MAX_BAR_GROUP_SECONDS = 16;
/** A span is offered for insertion at its cheapest this many phrase starts (a long song has hundreds). */
const INSERT_SITES = 6;
/** Each join costs this much on top of how it sounds: the fewest edits that reach the target. */
const JOIN_COST = 1;
/** An end of an edit on a bar line that is not a phrase start (a bar group rather than a whole phrase). */
const OFF_PHRASE_COST = 0.6;
/** A span heard twice in a row sooner than MIN_REPLAY_SECONDS is a back-to-back loop: allowed, not preferred. */
const LOOP_COST = 20;
const OFF_METRE_COST = 2;
/**
 * An insert whose join would have its level ridden across the song's only play of the bars beside its site (a sink
 * before a join into quieter material, a ride after one into louder: level-ride.ts) leaves those bars out of the
 * result as the song has them, up to RIDE_SECONDS of it (flare's town_theme at x2: 8 s, coverage 95.8 %): allowed, not
 * preferred.
 */
const RIDES_ONLY_PLAY_COST = 20;
/**
 * The plan reads a join's step from the song's own loudness, the render from the result's (with the rides before it):
 * steps this far under RIDE_FROM_LU count too (widelands' ingame_01 at x2: read under 1 LU, ridden at 1.1 LU).
 */
const RIDE_MARGIN_LU = 0.5;

/** The bar lines where edits may start and end: from the intro's end to the ending's start, both included. */
export function editSites(form: SongForm, graph: JumpGraph): number[] {
  const last = Math.min(form.endingStartBeat, graph.lastPlayable + 1);
  const sites = form.bars.filter((b) => b >= form.introEndBeat && b <= last);
  if (sites[0] !== form.introEndBeat) sites.unshift(form.introEndBeat);
  if (sites.at(-1) !== form.endingStartBeat && form.endingStartBeat > sites.at(-1)!) sites.push(form.endingStartBeat);
  return sites;
}

/** Every edit the song allows in this direction, with its cost (lower is less audible). */
export function editCandidates(sites: readonly number[], settings: EditSettings): Edit[] {
  const { graph, form, cuts, length, sampleRate } = settings;
  const at = (beat: number) => cuts[beat] ?? length;
  const phraseStarts = new Set(form.phraseStarts);
  phraseStarts.add(form.introEndBeat);
  phraseStarts.add(form.endingStartBeat);
  const scale = typicalJoinCost(sites, graph);
  const join = (from: number, to: number): number =>
    JOIN_COST +
    graph.transitionCost(from, to) / scale +
    loudnessStepCost(graph, from + 1, to) +
    (graph.samePlaceInBar(from + 1, to) ? 0 : OFF_METRE_COST);
  const offPhrase = (beat: number) => (phraseStarts.has(beat) ? 0 : OFF_PHRASE_COST);
  const echoes = joinEchoes(graph, at, sampleRate);
  const edits: Edit[] = [];
  for (let i = 0; i < sites.length; i++) {
    for (let k = i + 1; k < sites.length; k++) {
      const [a, b] = [sites[i]!, sites[k]!];
      const amount = at(b) - at(a);
      const ends = offPhrase(a) + offPhrase(b);
      if (settings.direction === "remove") {
        const loop = echoes(a - 1, b, at(a)) ? LOOP_COST : 0;
        edits.push({
          kind: "cut",
          site: a,
          from: a,
          to: b,
          amount,
          resume: at(b),
          lo: i,
          hi: k,
          cost: join(a - 1, b) + ends + loop,
        });
        continue;
      }
      if (amount > settings.maxSpanSamples) break;
      if (ends > 0 && amount > MAX_BAR_GROUP_SECONDS * sampleRate) continue;
      const loop = amount < MIN_REPLAY_SECONDS * sampleRate || echoes(b - 1, a, at(b)) ? LOOP_COST : 0;
      const cost = join(b - 1, a) + ends + loop;
      edits.push({ kind: "repeat", site: b, from: a, to: b, amount, resume: at(a), lo: i, hi: k, cost });
      edits.push(...insertions(sites, i, k, ends, { at, join, echoes, phraseStarts, sampleRate, graph }));
    }
  }
  return edits;
}

/**
 * Whether the join out of the song after beat `from` into beat `entry` plays the seconds just heard again
 * (join-echo.ts), after `run` samples heard contiguously and with `entryBeats` played from the entry on. The run before
 * a join is read as the song in its own order (an edit before it is at least a phrase away). Each join is read once.
 */
function joinEchoes(graph: JumpGraph, at: (beat: number) => number, sampleRate: number) {
  const known = new Map<number, number | undefined>();
  return (from: number, entry: number, run: number, entryBeats = Infinity): boolean => {
    const key = from * graph.beatCount + entry;
    if (!known.has(key)) {
      known.set(key, echoBeats(graph, { from, entry, sampleRate, maxSeconds: MIN_REPLAY_SECONDS }, at));
    }
    return echoHeard({ from, entryBeats, runSamples: run }, known.get(key), at);
  };
}

/**
 * The span [sites[i], sites[k]) played at a phrase start at least MIN_REPLAY_SECONDS away from it. A span shorter than
 * MIN_REPLAY_SECONDS that sounds like the song just before or just after its site (a chorus played again beside
 * another copy of that chorus) is a back-to-back loop all the same (see loopsAtSite), and so is a join into or out of
 * the span whose first seconds are the seconds just heard (trackballs' tb_genesis: a 3.4 s loop): allowed, not
 * preferred.
 */
function insertions(
  sites: readonly number[],
  i: number,
  k: number,
  ends: number,
  helpers: {
    at: (beat: number) => number;
    join: (from: number, to: number) => number;
    echoes: ReturnType<typeof joinEchoes>;
    phraseStarts: ReadonlySet<number>;
    sampleRate: number;
    graph: JumpGraph;
  },
): Edit[] {
  const { at, join, echoes, phraseStarts, sampleRate, graph } = helpers;
  const [from, to] = [sites[i]!, sites[k]!];
  const gap = MIN_REPLAY_SECONDS * sampleRate;
  const edits: Edit[] = [];
  for (const [q, site] of sites.entries()) {
    if (!phraseStarts.has(site) || q === 0) continue;
    if (at(site) > at(from) - gap && at(site) < at(to) + gap) continue;
    const loop =
      (at(to) - at(from) < gap && loopsAtSite(graph, from, site, to - from)) ||
      echoes(site - 1, from, at(site), to - from) ||
      echoes(to - 1, site, at(to) - at(from))
        ? LOOP_COST
        : 0;
    const rides = ridesOnlyPlay(graph, { site, from, to }, at(to) - at(from) < SHORT_TERM_SECONDS * sampleRate)
      ? RIDES_ONLY_PLAY_COST
      : 0;
    const cost = join(site - 1, from) + join(to - 1, site) + ends + loop + rides;
    edits.push({ kind: "insert", site, from, to, amount: at(to) - at(from), resume: at(site), lo: q, hi: q, cost });
  }
  return edits.sort((a, b) => a.cost - b.cost).slice(0, INSERT_SITES);
}

/**
 * Whether an insert's joins would be ridden over the song's own play beside its site: the join into the span steps
 * down (the bars before the site sink) or the join back steps up (the bars after it are ridden). A span shorter than
 * the ride's 3 s reading is heard with the site's own seconds around it: the song's own step at the site counts too
 * (flare's town_theme: 1.6 s played at its ending's start, where the song itself steps down 2.6 LU).
 */
function ridesOnlyPlay(
  graph: JumpGraph,
  { site, from, to }: { site: number; from: number; to: number },
  short: boolean,
) {
  const step = (next: number, entry: number) => graph.loudnessStep?.(next, entry) ?? 0;
  const into = short ? Math.max(step(site, from), step(site, site)) : step(site, from);
  const back = short ? Math.min(step(to, site), step(site, site)) : step(to, site);
  const least = RIDE_FROM_LU - RIDE_MARGIN_LU;
  return into > least || back < -least;
}

/**
 * Whether the span [from, from + beats) played at `site` is heard as a back-to-back loop of period `beats`: the loop
 * metric's reading, beat by beat. Each beat of the span is compared with the beat `beats` before it (the song before
 * the site) and with the one `beats` after it (the song from the site on); some run of `beats` such pairs, across the
 * span's start or its end, has at least ALIKE_SHARE of them loopAlike (join-echo.ts: "the same audio", with the
 * margin the metric's frame resolution calls for).
 */
function loopsAtSite(graph: JumpGraph, from: number, site: number, beats: number): boolean {
  if (beats < 2 || site - beats < 0 || site + beats > graph.beatCount || from + beats > graph.beatCount) return false;
  const alike = (a: number, b: number): number => (loopAlike(graph, a, b) ? 1 : 0);
  // Pairs in output order: the song before the site against the span, then the span against the song after it.
  const pairs = [
    ...Array.from({ length: beats }, (_, k) => alike(site - beats + k, from + k)),
    ...Array.from({ length: beats }, (_, k) => alike(from + k, site + k)),
  ];
  let matching = pairs.slice(0, beats).reduce((sum, m) => sum + m, 0);
  for (let k = beats; ; k++) {
    if (matching >= ALIKE_SHARE * beats) return true;
    if (k === pairs.length) return false;
    matching += pairs[k]! - pairs[k - beats]!;
  }
}

/** Lower quartile of the raw costs of jumping between sites: costs are compared to what this song offers. */
function typicalJoinCost(sites: readonly number[], graph: JumpGraph): number {
  const costs: number[] = [];
  for (const a of sites) for (const b of sites) if (a !== b && a > 0) costs.push(graph.transitionCost(a - 1, b));
  costs.sort((x, y) => x - y);
  return Math.max(1e-6, costs[Math.floor(costs.length / 4)] ?? 1);
}
