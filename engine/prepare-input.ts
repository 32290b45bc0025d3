import type { SignalAnalysis } from "./analysis/beats.ts";
import { createLoudnessProfile } from "./analysis/continuity.ts";
import type { PcmAudio } from "./audio/pcm.ts";
import type { EngineName } from "./extend/types.ts";
import type { Conductor } from "./model/port.ts";
import type { InputThread } from "./analysis/input-thread.ts";
import { conductorFrames } from "./remix/conductor-steering.ts";
import { stage } from "./stages.ts";

/**
 * The input's beats and frame features, found in the second thread while this one computes what else the engine
 * reads of the input; undefined for the neural engine, which reads none (the thread is then stopped).
 */
export async function analyseInput(
  thread: InputThread,
  input: PcmAudio,
  settings: { readonly engine: EngineName; readonly conductor?: Conductor },
): Promise<SignalAnalysis | undefined> {
  if (settings.engine === "neural") {
    thread.stop();
    return undefined;
  }
  const analysing = thread.analyse(input);
  createLoudnessProfile(input);
  stage("loudness profile");
  if (settings.conductor) {
    const frames = conductorFrames(input);
    stage("conductor frames");
    await warmConductor(settings.conductor, frames);
    stage("conductor warmed");
  }
  return analysing;
}

/** A conductor's first predictions take several times as long as later ones; a few run while the beats are found. */
const WARM_PREDICTIONS = 6;

async function warmConductor(conductor: Conductor, frames: readonly Float32Array[]): Promise<void> {
  if (frames.length < conductor.contextFrames) return;
  const context = frames.slice(0, conductor.contextFrames);
  for (let k = 0; k < WARM_PREDICTIONS; k++) await conductor.predict(context);
}
