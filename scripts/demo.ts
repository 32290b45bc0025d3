/**
 * `npm run demo`: the main job end to end on a fresh clone, nothing downloaded beyond npm.
 * 1. makes a few synthetic songs (training data) and a 77.5 s stereo 44.1 kHz song with a form to extend (demoSong);
 * 2. trains the small preset briefly (`harmonizer train`);
 * 3. extends the song to 3:00 three ways (`harmonizer extend`, see demoRuns): the default engine (the shipped
 *    conductor), the hybrid engine steered by the model just trained, and the neural engine (that model alone);
 *    each run names its engine, and the demo stops if its report shows another;
 * 4. prints a summary, with the quality targets each extension met and any it missed. Everything lands in out/demo/.
 * With the Debian corpus fetched (scripts/fetch-corpus.sh), pass --corpus to train on real music instead.
 */
import { execFileSync } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { encodeWav } from "#engine/audio/index.ts";
import { synthesizeSong } from "#engine/synth/song.ts";
import { DEMO_TARGET_SECONDS, demoRuns, demoSong, explainedFallback, targetsMet } from "./demo-runs.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "out/demo" },
    epochs: { type: "string", default: "2" },
    corpus: { type: "string" },
    to: { type: "string", default: String(DEMO_TARGET_SECONDS) },
  },
});
const out = resolve(values.out);
const cli = resolve(import.meta.dirname, "../bin/harmonizer.mjs");
const harmonizer = (...args: string[]) => {
  console.log(`\n$ npx harmonizer ${args.join(" ")}`);
  execFileSync(process.execPath, [cli, ...args], { stdio: "inherit" });
};

await rm(out, { recursive: true, force: true });
const songs = join(out, "songs");
await mkdir(songs, { recursive: true });
if (!values.corpus) {
  for (let i = 0; i < 6; i++) {
    const song = synthesizeSong({
      seconds: 40,
      sampleRate: 22050,
      channels: 1,
      bpm: 96 + 8 * i,
      key: i * 2,
      seed: 10 + i,
    });
    await writeFile(join(songs, `synthetic-${i + 1}.wav`), encodeWav(song, 16));
  }
  console.log(`made 6 synthetic 40 s songs in ${songs}`);
}
const input = join(out, "song.wav");
const song = demoSong();
await writeFile(input, encodeWav(song, 16));
const songSeconds = song.channels[0]!.length / song.sampleRate;
console.log(
  `made the song to extend: ${input} (${songSeconds.toFixed(1)} s, stereo, 44.1 kHz: an intro, two verses and ` +
    "two choruses, each phrase with chords and a melody of its own, and an ending)",
);

const model = join(out, "model");
harmonizer("train", "--data", values.corpus ?? songs, "--out", model, "--epochs", values.epochs, "--no-progress");
const results: { path: string; engine: string; seconds: number; what: string; targets: string }[] = [];
for (const run of demoRuns(model)) {
  const path = join(out, run.file);
  console.log(`\n${run.engine} engine: ${run.what}`);
  harmonizer("extend", input, "--to", values.to, "-o", path, ...run.args, "--no-progress");
  const report = JSON.parse(await readFile(path.replace(/\.wav$/, ".report.json"), "utf8"));
  // The demo says which engine it runs: a fallback (a model missing or of the wrong kind) must not pass unnoticed.
  // The neural chain's own guard (a prediction that turned to noise, handed to the planner) is said, not hidden.
  const fallback = explainedFallback(run, report);
  if (fallback !== undefined) console.log(`the ${run.engine} engine fell back, as its report says: ${fallback}`);
  else if (report.engine !== run.engine) {
    throw new Error(
      `the demo asked for the ${run.engine} engine, but the ${report.engine} engine ran: ${report.notes.join("; ")}`,
    );
  }
  const what =
    fallback === undefined ? run.what : `the ${run.engine} engine's prediction failed its checks (see above)`;
  results.push({ path, engine: report.engine, seconds: report.output.seconds, what, targets: targetsMet(report) });
}

console.log("\nDemo finished. Listen to:");
for (const result of results) {
  console.log(`  ${result.path} (${result.engine} engine, ${result.seconds.toFixed(1)} s): ${result.what}`);
  console.log(`    ${result.targets}`);
}
console.log(`  each with its picture (.png), report (.report.json) and page (.html) beside it, in ${out}`);
