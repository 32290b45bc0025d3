import { Command, InvalidArgumentError } from "commander";
import { existsSync } from "node:fs";
import { dirname, extname, join, parse } from "node:path";
import { findSongLoop, type LoopPoints, SEAMLESS, type SongLoop, sniffFormat } from "#engine";
import { isTaggable, withLoopTags } from "./loop-tags.ts";
import { readInputFile } from "./input.ts";
import { UsageError } from "./options.ts";
import { checkOutputPaths, refuseExistingOutput, writeFileAtomic } from "./output.ts";

interface LoopFlags {
  json: boolean;
  tag: boolean;
  output?: string;
  force: boolean;
  minShare: number;
}

const share = (value: string): number => {
  const parsed = Number(value);
  if (!(parsed > 0 && parsed < 1)) throw new InvalidArgumentError(`expected a number between 0 and 1, got "${value}"`);
  return parsed;
};

export function loopPointsCommand(): Command {
  return new Command("loop-points")
    .description("find where a song loops seamlessly (LOOPSTART/LOOPLENGTH for game engines and players)")
    .argument("<song>", "the song (WAV, MP3, Ogg Vorbis/Opus, FLAC)")
    .option("--json", "print the loop (or why there is none) as JSON", false)
    .option("--tag", "write LOOPSTART/LOOPLENGTH into a copy of the song (Ogg, Opus, FLAC, MP3; never the original)")
    .option("-o, --output <file>", "with --tag: the tagged copy (default: <song>-loop.<ext> beside the song)")
    .option("--force", "with --tag: replace -o when it already exists", false)
    .option("--min-share <fraction>", "shortest loop, as a share of the song's length", share, 0.35)
    .action(loopPoints);
}

async function loopPoints(song: string, flags: LoopFlags): Promise<void> {
  if (flags.output !== undefined && !flags.tag) throw new UsageError("-o names the tagged copy: it needs --tag");
  const bytes = await readInputFile(song);
  const copy = flags.tag ? taggedCopyPath(song, flags) : undefined;
  if (copy !== undefined && sniffFormat(bytes) === "wav") {
    throw new UsageError(
      `${song} is WAV, which has no LOOPSTART/LOOPLENGTH tags; --tag writes them into Ogg Vorbis, Opus, FLAC and MP3 (without --tag the points are printed)`,
    );
  }
  const loop = await findSongLoop(bytes, { minShare: flags.minShare });
  const { search } = loop;
  const written = search.found && copy !== undefined ? await writeTaggedCopy(song, loop, search.loop, copy) : undefined;
  if (flags.json) {
    console.log(JSON.stringify(loopJson(loop, written), null, 2));
  } else if (search.found) {
    printLoop(search.loop, loop);
    if (written !== undefined) console.log(`tagged copy: ${written} (LOOPSTART, LOOPLENGTH)`);
  } else {
    const best = search.best === undefined ? "" : `; the least bad: ${describeSpan(search.best)}`;
    console.log(`no seamless loop in ${song}: ${search.reason}${best}`);
  }
  if (!search.found) {
    if (copy !== undefined) console.error(`harmonizer: no tagged copy was written (no seamless loop)`);
    process.exitCode = 1;
  }
}

/** The copy --tag writes: -o, else <song>-loop<ext> beside the song; refused before any work when it may not be. */
function taggedCopyPath(song: string, flags: LoopFlags): string {
  const copy = flags.output ?? join(dirname(song), `${parse(song).name}-loop${parse(song).ext}`);
  const wanted = extname(song).toLowerCase();
  if (extname(copy).toLowerCase() !== wanted) {
    throw new UsageError(`-o ${copy}: the tagged copy keeps the song's own format; give a name ending in ${wanted}`);
  }
  checkOutputPaths(song, copy, [copy]);
  if (flags.output === undefined && !flags.force && existsSync(copy)) {
    throw new UsageError(`the tagged copy ${copy} already exists; pass --force to replace it, or name another with -o`);
  }
  refuseExistingOutput(copy, flags.force);
  return copy;
}

async function writeTaggedCopy(song: string, found: SongLoop, loop: LoopPoints, copy: string): Promise<string> {
  if (!isTaggable(found.format)) throw new Error(`cannot tag ${found.format}`);
  const tags = { LOOPSTART: loop.start, LOOPLENGTH: loop.end - loop.start };
  await writeFileAtomic(copy, await withLoopTags(song, found.format, tags));
  return copy;
}

const clock = (samples: number, rate: number) => {
  const seconds = samples / rate;
  return `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(3).padStart(6, "0")}`;
};

const describeSpan = (loop: LoopPoints) =>
  `${clock(loop.start, loop.sampleRate)} to ${clock(loop.end, loop.sampleRate)} (samples ${loop.start} to ${loop.end})`;

const figure = (value: number | null, digits: number) => (value === null ? "not measured" : value.toFixed(digits));

function printLoop(loop: LoopPoints, song: SongLoop): void {
  const { join } = loop;
  console.log(`loop: ${describeSpan(loop)}, ${((loop.end - loop.start) / loop.sampleRate).toFixed(3)} s`);
  console.log(`  LOOPSTART=${loop.start} LOOPLENGTH=${loop.end - loop.start} (samples at ${song.sampleRate} Hz)`);
  console.log(
    `  join: step ratio ${join.stepRatio.toFixed(1)} (limit ${SEAMLESS.stepRatio}; click ratio ${join.clickRatio.toFixed(1)}), loudness change ` +
      `${figure(join.loudnessChangeLu, 2)} LU (limit ${SEAMLESS.loudnessChangeLu}), beat shift ` +
      `${figure(join.beatPhaseError, 2)} beat (limit ${SEAMLESS.beatPhaseError}), onset bump ${figure(join.fluxZ, 1)} sd, ` +
      `jump cost ${loop.cost.toFixed(2)} (limit ${SEAMLESS.cost})`,
  );
}

function loopJson(song: SongLoop, written: string | undefined) {
  const { search } = song;
  const points = (loop: LoopPoints) => ({
    start: loop.start,
    end: loop.end,
    length: loop.end - loop.start,
    startSeconds: loop.start / loop.sampleRate,
    endSeconds: loop.end / loop.sampleRate,
    cost: loop.cost,
    join: loop.join,
  });
  return {
    found: search.found,
    sampleRate: song.sampleRate,
    lengthSamples: song.length,
    ...(search.found
      ? { loop: points(search.loop) }
      : { reason: search.reason, best: search.best && points(search.best) }),
    limits: SEAMLESS,
    candidates: search.candidates,
    ...(written !== undefined && { taggedCopy: written }),
  };
}
