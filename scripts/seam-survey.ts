import { readFile } from "node:fs/promises";
import { basename } from "node:path";
/**
 * `npx tsx scripts/seam-survey.ts SONG...`: extends each song by 10 s and by 60 s with the remix engine and prints,
 * per run, how many seams the click rule flags: by the step ratio alone (the rule before the song's own step was
 * compared) and by the rule in force, with each flagged seam's ratio, step and the song's own step. See docs/seams.md.
 */
import { decodeAudio } from "../engine/audio/index.ts";
import { analyseSignal } from "../engine/analysis/beats.ts";
import { extendAudio } from "../engine/extend/extend.ts";
import { measureResultSeams, seamReferenceOf } from "../engine/quality/span.ts";

const files = process.argv.slice(2);
for (const file of files) {
  const decoded = await decodeAudio(new Uint8Array(await readFile(file)));
  const input = { sampleRate: decoded.sampleRate, channels: decoded.channels };
  const seconds = input.channels[0]!.length / input.sampleRate;
  const shared = analyseSignal(input);
  for (const add of [10, 60]) {
    const result = await extendAudio(input, {
      targetSeconds: seconds + add,
      engine: "remix",
      fadeOutSeconds: 6,
      beats: shared.beats,
    });
    const m = measureResultSeams(
      {
        original: input,
        result: result.audio,
        seams: result.seams,
        seamSources: result.seamSources,
        introSeconds: result.introSeconds,
      },
      seamReferenceOf(shared),
    );
    const old = m.seamList.filter((s) => s.stepRatio > 8);
    console.log(
      `${basename(file)} +${add}s: ${m.seamList.length} seams, old rule ${old.length} clicks, new rule ${m.clicksAtSeams}; ` +
        old
          .map(
            (s) =>
              `${s.atSeconds.toFixed(1)} ratio ${s.stepRatio.toFixed(1)} step ${s.step.toFixed(3)} own ${s.ownStep?.toFixed(3)} ${s.click ? "CLICK" : ""}`,
          )
          .join("; "),
    );
  }
}
