import { loadavg } from "node:os";
import { Command } from "commander";
import { decodeAudioFile } from "../engine/audio/decode.ts";
import { DEFAULT_FADE_OUT_SECONDS, extendAudio } from "../engine/extend/extend.ts";
import { measureForm } from "../engine/quality/form.ts";

// The form metrics' stage (the copy searches: the result against the input, then against itself) of streamed remix
// results of one song at several lengths, CPU per run: it should grow in proportion to the length (issue 22 item 3).
// Usage: npx tsx scripts/bench-form-stage.ts --song song.mp3 --lengths 3600,10800 --runs 3

async function main(): Promise<void> {
  const options = new Command()
    .requiredOption("--song <file>")
    .option("--lengths <list>", "target lengths, seconds", "3600,10800")
    .option("--runs <n>", "measurements of each result", "3")
    .parse()
    .opts<{ song: string; lengths: string; runs: string }>();
  const song = await decodeAudioFile(options.song);
  const loadBefore = loadavg()[0]!;
  const rows: { length: number; seconds: number[] }[] = [];
  for (const length of options.lengths.split(",").map(Number)) {
    const result = await extendAudio(song, {
      targetSeconds: length,
      engine: "remix",
      fadeOutSeconds: DEFAULT_FADE_OUT_SECONDS,
    });
    const seconds: number[] = [];
    for (let run = 0; run < Number(options.runs); run++) {
      const start = process.cpuUsage();
      measureForm(song, result.stream, { introSeconds: result.introSeconds });
      const used = process.cpuUsage(start);
      seconds.push((used.user + used.system) / 1e6);
    }
    rows.push({ length, seconds });
    process.stderr.write(`${length} s: ${seconds.map((s) => s.toFixed(2)).join(", ")} s\n`);
  }
  console.log(
    `song: ${options.song}, remix; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
  );
  console.log("\n| result | form stage CPU (each run) | median | per result-hour |\n|---|---|---|---|");
  for (const { length, seconds } of rows) {
    const m = median(seconds);
    console.log(
      `| ${length} s | ${seconds.map((s) => s.toFixed(2)).join(", ")} s | ${m.toFixed(2)} s | ${((m * 3600) / length).toFixed(2)} s |`,
    );
  }
  const [base, ...rest] = rows;
  for (const row of base ? rest : []) {
    console.log(
      `${row.length} s: ${(median(row.seconds) / median(base!.seconds)).toFixed(2)}x the ${base!.length} s result's form stage for ${(row.length / base!.length).toFixed(1)}x the length`,
    );
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

await main();
