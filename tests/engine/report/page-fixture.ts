import { encodeAudio } from "../../../engine/audio/encode/index.ts";
import { runExtensionJob, type ExtensionJobOutput } from "../../../engine/job.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

export const INPUT_SECONDS = 24;
export const OUTPUT_SECONDS = 50;

/** A real job on a short synthetic MP3: the input's bytes and everything the job made from them. */
export async function extendedSong(): Promise<{ input: Uint8Array; job: ExtensionJobOutput }> {
  const input = await encodeAudio(synthesizeSong({ seconds: INPUT_SECONDS, sampleRate: 44100, seed: 11 }), "mp3");
  const job = await runExtensionJob({ bytes: input, targetSeconds: OUTPUT_SECONDS, form: "continue" });
  return { input, job };
}
