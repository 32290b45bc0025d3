import { loadavg } from "node:os";
import { Command } from "commander";
import { decodeAudioFile } from "../engine/audio/decode.ts";
import type { AudioStream } from "../engine/audio/stream.ts";
import { DEFAULT_FADE_OUT_SECONDS, extendAudio } from "../engine/extend/extend.ts";
import { measureExtension } from "../engine/quality/measure.ts";

/**
 * What measuring a streamed result costs in one process: how many times over the quality report renders the result
 * (frames read from its stream / its length) and the CPU time of the measurement (all threads), per target length.
 * CPU time depends far less on the machine's load than wall time does.
 */

/** The stream, counting the frames read from it. */
function counting(stream: AudioStream): { stream: AudioStream; rendered: () => number } {
  let rendered = 0;
  const counted: AudioStream = {
    sampleRate: stream.sampleRate,
    channelCount: stream.channelCount,
    length: stream.length,
    read: (from, to, into) => {
      rendered += Math.max(0, Math.min(to, stream.length) - Math.max(0, from));
      return stream.read(from, to, into);
    },
  };
  return { stream: counted, rendered: () => rendered };
}

async function main(): Promise<void> {
  const options = new Command()
    .requiredOption("--song <file>")
    .option("--lengths <list>", "target lengths, seconds", "600,3600")
    .option("--engine <name>", "engine", "remix")
    .parse()
    .opts<{ song: string; lengths: string; engine: "remix" | "conductor" }>();
  const song = await decodeAudioFile(options.song);
  console.log(`song: ${options.song}, engine ${options.engine}; load average ${loadavg()[0]!.toFixed(1)} before`);
  console.log("\n| result | rendered (times its length) | measuring CPU | measuring wall |");
  console.log("|---|---|---|---|");
  for (const length of options.lengths.split(",").map(Number)) {
    const result = await extendAudio(song, {
      targetSeconds: length,
      engine: options.engine,
      fadeOutSeconds: DEFAULT_FADE_OUT_SECONDS,
    });
    const { stream, rendered } = counting(result.stream);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await measureExtension({
      original: song,
      result: stream,
      seams: result.seams,
      seamSources: result.seamSources,
      introSeconds: result.introSeconds,
    });
    const used = process.cpuUsage(cpu);
    console.log(
      `| ${length} s | ${(rendered() / stream.length).toFixed(2)} | ${((used.user + used.system) / 1e6).toFixed(1)} s | ${((performance.now() - start) / 1000).toFixed(1)} s |`,
    );
  }
  console.log(`load average ${loadavg()[0]!.toFixed(1)} after`);
}

await main();
