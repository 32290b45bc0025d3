import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Command } from "commander";
import { decodeAudioFile } from "../engine/audio/decode.ts";
import { DEFAULT_FADE_OUT_SECONDS, extendAudio } from "../engine/extend/extend.ts";
import { measureExtension, measureStages } from "../engine/quality/measure.ts";

/**
 * What measuring a streamed result holds, in one process: the live heap and array buffers after a full collection
 * (array buffers freed at once), beyond what the planned result held, at the end of each measurement stage and every
 * half second (the method of tests/engine/quality/measure-memory.test.ts), for one target length. Run it once per
 * length and compare: what grows with the length shows here without the garbage collector's timing, which moves a
 * job's peak resident set by 20-30 MB.
 *
 *   npx tsx scripts/bench-measure-held.ts --song FILE --length 3600 [--engine remix]
 */
setFlagsFromString("--expose-gc");
setFlagsFromString("--no-concurrent-array-buffer-sweeping");
const gc = runInNewContext("gc") as () => void;

interface Held {
  readonly heap: number;
  readonly buffers: number;
}

function held(): Held {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed / 2 ** 20, buffers: arrayBuffers / 2 ** 20 };
}

const line = (label: string, { heap, buffers }: Held) =>
  `| ${label} | ${heap.toFixed(1)} MB | ${buffers.toFixed(1)} MB |`;

async function main(): Promise<void> {
  const options = new Command()
    .requiredOption("--song <file>")
    .requiredOption("--length <seconds>", "target length, seconds")
    .option("--engine <name>", "engine", "remix")
    .parse()
    .opts<{ song: string; length: string; engine: "remix" | "conductor" }>();
  const song = await decodeAudioFile(options.song);
  const before = held();
  const result = await extendAudio(song, {
    targetSeconds: Number(options.length),
    engine: options.engine,
    fadeOutSeconds: DEFAULT_FADE_OUT_SECONDS,
  });
  const planned = held();
  const beyond = (now: Held): Held => ({ heap: now.heap - planned.heap, buffers: now.buffers - planned.buffers });
  console.log(`song: ${options.song}, engine ${options.engine}, ${options.length} s`);
  console.log("\n| after | heap | array buffers |\n|---|---|---|");
  console.log(
    line("planning (beyond the input)", {
      heap: planned.heap - before.heap,
      buffers: planned.buffers - before.buffers,
    }),
  );
  const stages = measureStages({});
  let peak: Held & { at: string } = { heap: 0, buffers: 0, at: "" };
  const sample = (at: string): Held => {
    const now = beyond(held());
    if (now.heap + now.buffers > peak.heap + peak.buffers) peak = { ...now, at };
    return now;
  };
  const shown = new Set<string>();
  const timer = setInterval(() => sample("a half-second sample"), 500);
  try {
    await measureExtension(
      {
        original: song,
        result: result.stream,
        seams: result.seams,
        seamSources: result.seamSources,
        introSeconds: result.introSeconds,
      },
      {
        onProgress: (done) => {
          const name = stages[done - 1] ?? "?";
          const now = sample(name);
          if (!shown.has(name)) console.log(line(`measure: ${name}`, now));
          shown.add(name);
        },
      },
    );
  } finally {
    clearInterval(timer);
  }
  console.log(line(`the most (${peak.at})`, peak));
}

await main();
