import { describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { passingReport } from "../engine/quality/fixtures/quality-report.ts";
import { runExtensionJob } from "../../engine/job.ts";
import { DEMO_TARGET_SECONDS, demoRuns, demoSong, explainedFallback, targetsMet } from "../../scripts/demo-runs.ts";

describe("npm run demo", () => {
  it("passes each extension the engine it names, the trained model only to the engines that use one", () => {
    const runs = demoRuns("out/demo/model");
    expect(runs.map((run) => run.engine)).toEqual(["conductor", "hybrid", "neural"]);
    for (const run of runs) {
      const engine = run.args[run.args.indexOf("--engine") + 1];
      expect(engine).toBe(run.engine);
      // A raw-audio model given to the conductor engine would make it run as hybrid.
      expect(run.args.includes("--model")).toBe(run.engine !== "conductor");
    }
    expect(new Set(runs.map((run) => run.file)).size).toBe(runs.length);
  });

  it("lets only the neural chain's own guard stand for another engine, and says which note explains it", () => {
    const stopped = "the neural chain stopped at its first prediction: its prediction turned to noise";
    const neural = { engine: "neural" as const };
    expect(explainedFallback(neural, { engine: "remix", notes: ["47 beats", stopped] })).toBe(stopped);
    expect(
      explainedFallback(neural, { engine: "remix", notes: ["no trained model in out/demo/model"] }),
    ).toBeUndefined();
    expect(explainedFallback({ engine: "hybrid" }, { engine: "remix", notes: [stopped] })).toBeUndefined();
    expect(explainedFallback(neural, { engine: "neural", notes: [] })).toBeUndefined();
  });

  it("extends a fair song: the default engine meets every quality target on it, and the summary says so", async () => {
    const job = await runExtensionJob({
      bytes: encodeWav(demoSong(), 16),
      targetSeconds: DEMO_TARGET_SECONDS,
      engine: "conductor",
      picture: false,
    });
    expect(job.report.form).toBe("song");
    expect(targetsMet(job.report)).toMatch(/^all \d+ quality targets met$/);
  }, 120_000);

  it("names each missed target in the closing summary", () => {
    const report = { form: "continue" as const, quality: passingReport({ shortestLoopSeconds: 12.8 }) };
    expect(targetsMet(report)).toMatch(/^\d+ of \d+ quality targets met; missed: shortest back-to-back loop 12\.8 s/);
  });
});
