import type { SeamReading } from "../quality/report.ts";

/** Seconds of lead-in each join's button plays before the join. */
export const JOIN_LEAD_IN_SECONDS = 5;

const MISS_LABELS: Record<SeamReading["missed"][number], string> = {
  click: "click",
  flux: "seam flux z over 1.5",
  loudness: "loudness change over 1 LU",
};

/** 83.64 -> "1:23.6". */
function joinTime(seconds: number): string {
  const tenths = Math.max(0, Math.round(seconds * 10));
  const whole = Math.floor(tenths / 10);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}.${tenths % 10}`;
}

const figure = (value: number | null, digits: number) => (value === null ? "–" : value.toFixed(digits));

/** The figures of a measured join: song positions, step (and the song's own), flux z, loudness change, misses. */
function figureCells(seam: SeamReading): string {
  const source =
    seam.fromSeconds === null || seam.toSeconds === null
      ? "–"
      : `${joinTime(seam.fromSeconds)} → ${joinTime(seam.toSeconds)}`;
  const missed = seam.missed.map((miss) => MISS_LABELS[miss]).join(", ");
  return (
    `<td>${source}</td><td>${figure(seam.step, 3)}${seam.ownStep === null ? "" : ` (song ${figure(seam.ownStep, 3)})`}</td>` +
    `<td>${figure(seam.fluxZ, 1)}</td><td>${figure(seam.loudnessChangeLu, 1)}</td><td class="status">${missed || "ok"}</td>`
  );
}

/** One row: the join's time, its figures when measured, and its button. */
function joinRow(atSeconds: number, seam: SeamReading | undefined, index: number, leadIn: number): string {
  const from = Math.max(0, atSeconds - leadIn);
  const state = seam === undefined ? "na" : seam.missed.length > 0 ? "missed" : "met";
  const cells = seam === undefined ? `<td colspan="5" class="status">not measured</td>` : figureCells(seam);
  return (
    `<tr class="join ${state}" id="join-${index + 1}"><td>${joinTime(atSeconds)}</td>${cells}` +
    `<td><button type="button" class="play-before" data-from="${from.toFixed(2)}">play ${Math.round(atSeconds - from)} s before</button></td></tr>`
  );
}

/**
 * The joins section: every join with a button that plays the result from `leadIn` seconds before it, and its
 * figures from the report's seam list when the quality was measured.
 */
export function joinsSection(
  seams: readonly number[],
  list: readonly SeamReading[] | undefined,
  leadIn: number,
): string {
  if (seams.length === 0) return "";
  const missing = (list ?? []).filter((seam) => seam.missed.length > 0).length;
  const heading = list === undefined ? `Joins (${seams.length})` : `Joins: ${missing} of ${seams.length} miss a target`;
  // The list holds the seams inside the measured part, in order: matched by time.
  const reading = (at: number) => list?.find((seam) => Math.abs(seam.atSeconds - at) < 0.001);
  const rows = seams.map((at, i) => joinRow(at, reading(at), i, leadIn)).join("\n");
  return (
    `<section id="joins"><h2>${heading}</h2>\n<table class="joins"><thead><tr><th>at</th><th>song (left → entered)</th>` +
    `<th>step</th><th>flux z</th><th>loudness (LU)</th><th>misses</th><th></th></tr></thead>\n<tbody>\n${rows}\n</tbody></table></section>`
  );
}
