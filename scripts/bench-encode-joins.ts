/**
 * Parallel encoding's joins, measured: a song (outside the corpus) encoded in one piece and in segments on several
 * threads, each format; both decoded by the project's decoder and by ffmpeg. Prints the lengths (asked, project
 * decoder, ffmpeg), the wall times side by side with the load average, and the worst join: the largest difference
 * from the one-piece decode, each decode's error against the encoded samples, largest step and click ratio (the
 * worst join of each), and each encode's wall and CPU time (all threads).
 *
 * Vorbis joins fall where the two encoders' blocks coincide (vorbis-join.ts): they are measured there, and how they
 * were made is printed (bit-exact, encoded again in step).
 *
 *   npx tsx scripts/bench-encode-joins.ts [--song FILE] [--seconds 120] [--formats flac,mp3,ogg-opus,ogg-vorbis]
 *                                         [--threads 2]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { decodeAudio, decodeAudioFile } from "../engine/audio/decode.ts";
import { encodeVorbisParallel, FLAC_PLAN, mp3Plan, OPUS_PLAN } from "../engine/audio/encode/encode-parallel.ts";
import { encodeStream, MemorySink, type OutputFormat } from "../engine/audio/encode/index.ts";
import { joinFigures } from "../engine/quality/encode-joins.ts";
import { mp3SampleRate } from "../engine/audio/encode/mp3.ts";
import { OPUS_RATE } from "../engine/audio/encode/opus.ts";
import { resampledStream } from "../engine/audio/encode/polyphase.ts";
import { oggPackets } from "../engine/audio/encode/ogg-packets.ts";
import { startEncodeThreads } from "../engine/audio/encode/segment-threads.ts";
import { segmentsOf } from "../engine/audio/encode/segments.ts";
import type { VorbisJoinCounts } from "../engine/audio/encode/vorbis-join.ts";
import { VORBIS_QUALITY } from "../engine/audio/encode/vorbis.ts";
import type { PcmAudio } from "../engine/audio/pcm.ts";
import { streamOf, wholeAudio } from "../engine/audio/stream.ts";

const SONG = "/work/music/root/usr/share/games/asc/music/time_to_strike.mp3";

/** Samples per channel ffmpeg decodes from `bytes` (from a file: read from a pipe, an MP3's end padding stays). */
function ffmpegLength(bytes: Uint8Array, channels: number): number {
  const dir = mkdtempSync(join(tmpdir(), "joins-"));
  try {
    writeFileSync(join(dir, "in"), bytes);
    const run = spawnSync(
      "ffmpeg",
      ["-v", "error", "-i", join(dir, "in"), "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"],
      {
        maxBuffer: 1 << 30,
      },
    );
    return run.status === 0 ? run.stdout.length / 4 / channels : Number.NaN;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where each segment after the first starts, in samples of the encoded (and decoded) stream. */
function joinsOf(format: OutputFormat, rate: number, length: number): number[] {
  const plan = format === "flac" ? FLAC_PLAN : format === "mp3" ? mp3Plan(rate) : OPUS_PLAN;
  const delay = format === "ogg-opus" ? 312 : format === "mp3" ? 1105 : 0;
  return [...segmentsOf(length, plan)].slice(1).map((segment) => segment.firstUnit * plan.unit - delay);
}

async function encodeTimed(audio: PcmAudio, format: OutputFormat, threads: number) {
  const sink = new MemorySink();
  const started = performance.now();
  const cpu = process.cpuUsage();
  let vorbis: VorbisJoinCounts | undefined;
  if (format === "ogg-vorbis" && threads > 1) {
    const started = startEncodeThreads(threads);
    try {
      vorbis = await encodeVorbisParallel(streamOf(audio), sink, VORBIS_QUALITY, started);
    } finally {
      await started.stop();
    }
  } else await encodeStream(streamOf(audio), format, sink, { threads, flacBits: 16 });
  const used = process.cpuUsage(cpu);
  return {
    vorbis,
    bytes: sink.bytes(),
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

const fixed = (x: number, digits = 4) => x.toFixed(digits);

async function main(): Promise<void> {
  const options = new Command()
    .option("--song <file>", "the song", SONG)
    .option("--seconds <n>", "seconds of it", "120")
    .option("--formats <list>", "formats", "flac,mp3,ogg-opus")
    .option("--threads <n>", "encoding threads", "2")
    .parse()
    .opts<{ song: string; seconds: string; formats: string; threads: string }>();
  const song = await decodeAudioFile(options.song);
  const frames = Math.min(song.channels[0]!.length, Math.round(Number(options.seconds) * song.sampleRate));
  const audio = { sampleRate: song.sampleRate, channels: song.channels.map((c) => c.slice(0, frames)) };
  console.log(`${options.song}: ${frames} samples at ${song.sampleRate} Hz; load average ${fixed(loadavg()[0]!, 1)}`);
  console.log(
    "\n| format | samples asked | project decoder | ffmpeg | wall one piece / parallel | CPU one piece / parallel | joins | largest difference | error rms at joins, parallel / one piece (worst ratio) | largest step at joins, parallel / one piece (worst ratio) | click ratio at joins, largest: one piece / parallel |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const format of options.formats.split(",") as OutputFormat[]) {
    const rate =
      format === "mp3" ? mp3SampleRate(audio.sampleRate) : format === "ogg-opus" ? OPUS_RATE : audio.sampleRate;
    const source = wholeAudio(await resampledStream(streamOf(audio), rate));
    const asked = source.channels[0]!.length;
    const one = await encodeTimed(audio, format, 1);
    const par = await encodeTimed(audio, format, Number(options.threads));
    const oneDecoded = await decodeAudio(one.bytes);
    const parDecoded = await decodeAudio(par.bytes);
    const joins = par.vorbis?.at ?? joinsOf(format, rate, asked);
    if (par.vorbis) {
      const { identical, rephased, replayed } = par.vorbis;
      const [ours, theirs] = [oggPackets(par.bytes).slice(3), oggPackets(one.bytes).slice(3)];
      const same = ours.filter((packet, i) => Buffer.from(packet).equals(Buffer.from(theirs[i] ?? []))).length;
      console.error(`${format}: ${same} of ${ours.length} audio packets the one-piece encode's (${theirs.length})`);
      console.error(
        `${format}: ${joins.length} joins, ${identical} bit-exact, ${rephased} encoded again in step, ${replayed} from the previous start`,
      );
    }
    // MP3 joins fall up to 10 frames from the segment's start (mp3-join.ts): ±12 frames hold them.
    const figures = joinFigures(parDecoded, oneDecoded, source, joins, 12 * 1152);
    const maxOf = (values: number[]) => values.reduce((a, b) => Math.max(a, b), 0);
    const largest = maxOf(figures.map((f) => f.maxDifference));
    const errorRatio = maxOf(figures.map((f) => f.errorRms.parallel / Math.max(1e-9, f.errorRms.onePiece)));
    const stepRatio = maxOf(figures.map((f) => f.largestStep.parallel / Math.max(1e-9, f.largestStep.onePiece)));
    const clicks = `${fixed(maxOf(figures.map((f) => f.clickRatio.onePiece)), 1)} / ${fixed(maxOf(figures.map((f) => f.clickRatio.parallel)), 1)}`;
    console.log(
      `| ${format} | ${asked} | ${parDecoded.channels[0]!.length} | ${ffmpegLength(par.bytes, audio.channels.length)} | ${fixed(one.seconds, 1)} / ${fixed(par.seconds, 1)} s | ${fixed(one.cpuSeconds, 1)} / ${fixed(par.cpuSeconds, 1)} s | ${joins.length} | ${fixed(largest)} | ${fixed(errorRatio, 2)}x | ${fixed(stepRatio, 2)}x | ${clicks} |`,
    );
  }
  console.log(`load average after: ${fixed(loadavg()[0]!, 1)}`);
}

await main();
