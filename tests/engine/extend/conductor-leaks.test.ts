import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { encodeWav } from "../../../engine/audio/index.ts";
import { runExtensionJob } from "../../../engine/job.ts";
import { synthesizeSong } from "../../../engine/synth/song.ts";

describe("model-guided extension jobs (the conductor engine)", () => {
  it("leave no tensor behind: a worker can run job after job", async () => {
    const song = synthesizeSong({ seconds: 40, sampleRate: 22_050, channels: 1, bpm: 120, seed: 7 });
    const job = () =>
      runExtensionJob({
        bytes: encodeWav(song, 16),
        targetSeconds: 75,
        engine: "conductor",
        backend: "cpu",
        measure: false,
        picture: false,
      });
    const first = await job(); // loads the shipped conductor once per process: its weights stay
    expect(first.report.engine).toBe("conductor");
    expect(first.report.model).toBeDefined(); // steered by the model, not the model-free planner
    expect(first.report.output.seconds).toBe(75);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) await job();
    expect(tf.memory().numTensors).toBe(before);
  });
});
