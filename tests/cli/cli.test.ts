import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runHarmonizer } from "../support/cli.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio, encodeWav, peak, rms } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";

const harmonizer = (...args: string[]) => runHarmonizer(args);

/** Whether the native tfjs-node-gpu addon loads here: then "auto" runs on it and --backend tensorflow works. */
const tensorflowLoads = await import("@tensorflow/tfjs-node-gpu" as string).then(
  () => true,
  () => false,
);

let dir: string;
let song: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-cli-"));
  song = join(dir, "song.wav");
  await writeFile(song, encodeWav(synthesizeSong({ seconds: 25, sampleRate: 44_100, channels: 2, seed: 21 }), 16));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("harmonizer --version", () => {
  it("prints the package's version and exits 0", async () => {
    const { code, stdout } = await harmonizer("--version");
    expect(code).toBe(0);
    const manifest = JSON.parse(await readFile(join(import.meta.dirname, "../../package.json"), "utf8"));
    expect(stdout.trim()).toBe(manifest.version);
  });
});

describe("harmonizer --help", () => {
  it("lists the four verbs, and each verb documents its flags", async () => {
    const top = await harmonizer("--help");
    expect(top.code).toBe(0);
    for (const verb of ["extend", "train", "evaluate", "info"])
      expect(top.stdout).toMatch(new RegExp(`^\\s+${verb} `, "m"));
    const extend = await harmonizer("extend", "--help");
    for (const flag of [
      "--to",
      "--output",
      "--model",
      "--engine",
      "--form",
      "--backend",
      "--fade-out",
      "--crossfade",
      "--json",
    ]) {
      expect(extend.stdout).toContain(flag);
    }
    const train = await harmonizer("train", "--help");
    for (const flag of ["--data", "--out", "--preset", "--epochs", "--resume", "--patience", "--hop"]) {
      expect(train.stdout).toContain(flag);
    }
    expect((await harmonizer("evaluate", "--help")).stdout).toContain("--model");
    expect((await harmonizer("info", "--help")).stdout).toContain("--preset");
  });
});

describe("harmonizer info", () => {
  it("reports the seed preset's exact parameter count as JSON", async () => {
    const { code, stdout } = await harmonizer("info", "--preset", "seed", "--json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout).parameters).toBe(399_890_460);
  });

  it("refuses neither or both of --preset and --model as a usage error (exit 2), saying so", async () => {
    const { code, stderr } = await harmonizer("info");
    expect(code).toBe(2);
    expect(stderr).toBe("harmonizer: give exactly one of --preset NAME or --model DIR\n");
  });

  it("refuses an unknown preset as a usage error (exit 2) naming the choices, without a stack trace", async () => {
    const { code, stderr } = await harmonizer("info", "--preset", "huge");
    expect(code).toBe(2);
    expect(stderr).toContain("Allowed choices are seed, small, conductor");
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe("harmonizer extend", () => {
  it("extends a 25 s stereo 44.1 kHz WAV to 60 s: same format, untouched start, audible unclipped extension", async () => {
    const output = join(dir, "out", "song-60.wav");
    const { code, stdout } = await harmonizer("extend", song, "--to", "60", "-o", output, "--json", "--no-progress");
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.output).toEqual({ seconds: 60, sampleRate: 44_100, channels: 2 });
    expect(summary.files.picture).toBe(join(dir, "out", "song-60.png"));
    expect(summary.form).toMatch(/^(song|continue)$/);
    expect(summary.formReason).toMatch(/^(auto|song|continue)\b/);

    const original = await decodeAudio(await readFile(song));
    const extended = await decodeAudio(await readFile(output));
    expect(extended.sampleRate).toBe(44_100);
    expect(extended.channels).toHaveLength(2);
    for (const [c, channel] of extended.channels.entries()) {
      expect(channel.length).toBe(60 * 44_100);
      expect(channel.subarray(0, 25 * 44_100)).toEqual(original.channels[c]);
      const extension = channel.subarray(25 * 44_100, 52 * 44_100);
      expect(20 * Math.log10(rms(extension))).toBeGreaterThan(-30); // not silent
      expect(peak(extension)).toBeLessThan(1); // not clipped
    }
    const picture = await readFile(summary.files.picture);
    expect([...picture.subarray(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    const report = JSON.parse(await readFile(summary.files.report, "utf8"));
    expect(report.quality.clicksAtSeams).toBe(0);
  });

  it.each([
    ["a target shorter than any song is made", ["--to", "10"], /target of 10 s is too short; ask for at least 20 s/],
    [
      "a model directory without a model",
      ["--to", "40", "--model", "/nonexistent-model"],
      /no trained model in \/nonexistent-model/,
    ],
    [
      "an input longer than the configured limit",
      ["--to", "40", "--max-input-minutes", "0.3"],
      /at most 18\.0 s is accepted; raise it with --max-input-minutes/,
    ],
  ])("refuses %s with a clear message and exit code 2", async (_name, flags, message) => {
    const result = await harmonizer("extend", song, "-o", join(dir, "never.wav"), ...flags);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("refuses a non-audio file and a too-short song, naming the limit", async () => {
    const text = join(dir, "notes.wav");
    await writeFile(text, "these are not the droids you are looking for\n".repeat(50));
    const notAudio = await harmonizer("extend", text, "--to", "60", "-o", join(dir, "x.wav"));
    expect(notAudio.code).toBe(2);
    expect(notAudio.stderr).toMatch(/not an audio file/);

    const short = join(dir, "short.wav");
    await writeFile(short, encodeWav(synthesizeSong({ seconds: 8, sampleRate: 22_050, channels: 1 }), 16));
    const tooShort = await harmonizer("extend", short, "--to", "60", "-o", join(dir, "y.wav"));
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toMatch(/input is 8\.0 s long; at least 20(\.0)? s is needed/);
  });

  it("refuses --form sonata with exit code 2, naming the allowed forms", async () => {
    const result = await harmonizer("extend", song, "--to", "40", "-o", join(dir, "sonata.wav"), "--form", "sonata");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--form.*expected one of auto, song, continue, got "sonata"/);
  });

  it("--form continue: the report says so, and the terminal shows the form, the seams and the quality targets", async () => {
    const output = join(dir, "continued.wav");
    const run = ["extend", song, "--to", "32", "-o", output, "--form", "continue", "--no-progress"];
    const { code, stdout, stderr } = await harmonizer(...run);
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, "continued.report.json"), "utf8"));
    expect(report.form).toBe("continue");
    expect(report.formReason).toEqual(expect.any(String));
    expect(report.introSeconds).toBeCloseTo(25, 1);
    expect(stdout).toContain(`form: continue (${report.formReason}); input kept up to 0:25`);
    expect(stdout).toMatch(new RegExp(`^seams: ${report.seams.length} at 0:2\\d`, "m"));
    expect(stdout).toMatch(/^quality targets: \d+ of \d+ met$/m);
    expect(stdout).toMatch(/^ {2}clicks at seams +0 +target 0 +ok$/m);
    // Every missed target is also a named warning on stderr, with the joins that miss it when it is a seam's.
    const missed = stdout.match(/ MISSED$/gm)?.length ?? 0;
    expect(stderr.match(/^warning: .+ \(target [^)]+\)(: at \d+:\d\d.*)?$/gm)?.length ?? 0).toBe(missed);
  }, 60_000);

  it("rejects a bad flag value naming the rule", async () => {
    const result = await harmonizer("extend", song, "--to", "soon", "-o", join(dir, "z.wav"));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/expected a length like .* got "soon"/);
  });

  it("--to takes lengths as people write them: x2 is twice the song, 0:40 is 40 s, both sample-exact", async () => {
    for (const [to, seconds] of [
      ["x2", 50],
      ["0:40", 40],
    ] as const) {
      const output = join(dir, `to-${seconds}.wav`);
      const run = [
        "extend",
        song,
        "--to",
        to,
        "-o",
        output,
        "--no-progress",
        "--no-picture",
        "--no-page",
        "--no-report",
      ];
      const { code, stderr } = await harmonizer(...run);
      expect(code, stderr).toBe(0);
      const result = await decodeAudio(await readFile(output));
      expect(result.channels[0]?.length, `--to ${to}`).toBe(seconds * 44_100);
    }
  }, 90_000);

  it("refuses a multiple over --max-target-minutes once the song's length is known, naming the limit", async () => {
    const run = ["extend", song, "--to", "x3", "-o", join(dir, "x3.wav"), "--max-target-minutes", "1"];
    const result = await harmonizer(...run);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /target of 75 s is too long; at most 60 s is possible; raise it with --max-target-minutes/,
    );
  });
});

describe("harmonizer train -> extend -> evaluate", () => {
  it("trains the small preset for one epoch, then extends and evaluates with that model", async () => {
    const data = join(dir, "songs");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(data);
    for (let i = 0; i < 3; i++) {
      // 36 s: a body of three phrases or more after the intro. At 31 s two were left, and every plan of a
      // 2x stretch cycles them back to back (a 15 s loop by the song's own material).
      const song = synthesizeSong({
        seconds: 36,
        sampleRate: 8000,
        channels: 1,
        bpm: 100 + 10 * i,
        key: i,
        seed: 40 + i,
      });
      await writeFile(join(data, `s${i}.wav`), encodeWav(song, 16));
    }
    const model = join(dir, "model");
    const train = await harmonizer(
      "train",
      "--data",
      data,
      "--out",
      model,
      "--epochs",
      "1",
      "--json",
      "--cache",
      join(dir, "cache"),
    );
    expect(train.code).toBe(0);
    const report = JSON.parse(train.stdout);
    expect(report.history).toHaveLength(1);
    expect(report.preset).toBe("small");
    expect(JSON.parse(await readFile(join(model, "training-report.json"), "utf8")).history).toHaveLength(1);

    const info = await harmonizer("info", "--model", model, "--json");
    expect(JSON.parse(info.stdout).parameters).toBe(
      JSON.parse((await harmonizer("info", "--preset", "small", "--json")).stdout).parameters,
    );

    const output = join(dir, "song-hybrid.wav");
    const extend = await harmonizer(
      "extend",
      song,
      "--to",
      "45",
      "-o",
      output,
      "--model",
      model,
      "--engine",
      "hybrid",
      "--json",
    );
    expect(extend.code).toBe(0);
    const summary = JSON.parse(extend.stdout);
    expect(summary.engine).toBe("hybrid");
    expect(summary.backend).toBe(tensorflowLoads ? "tensorflow" : "wasm");
    expect(summary.output.seconds).toBe(45);

    const gpu = await harmonizer(
      "extend",
      song,
      "--to",
      "45",
      "-o",
      join(dir, "gpu.wav"),
      "--model",
      model,
      "--engine",
      "neural",
      "--backend",
      "tensorflow",
    );
    if (tensorflowLoads) expect(gpu.code).toBe(0);
    else {
      expect(gpu.code).toBe(2);
      expect(gpu.stderr).toMatch(/backend "tensorflow" is not available/);
    }

    const evaluate = await harmonizer(
      "evaluate",
      "--model",
      model,
      "--data",
      data,
      "--json",
      "--cache",
      join(dir, "cache"),
    );
    expect(evaluate.code).toBe(0);
    const scores = JSON.parse(evaluate.stdout);
    expect(scores.mean.model).toBeGreaterThan(0);
    expect(scores.mean.silence).toBeGreaterThan(0);
    expect(scores.mean.repeatLast).toBeGreaterThan(0);

    const quality = await harmonizer(
      "evaluate",
      "--data",
      data,
      "--model",
      model,
      "--files",
      "all",
      "--engine",
      "remix,hybrid,loop",
      "--stretch",
      "2",
      "--min-seconds",
      "40",
      "--json",
    );
    expect(quality.code).toBe(0);
    const { medians, runs } = JSON.parse(quality.stdout);
    expect(Object.keys(medians).sort()).toEqual(["hybrid", "loop", "remix"]);
    expect(medians.remix.clicksAtSeams).toBe(0);
    // The synthetic songs repeat a 16-beat pattern themselves; the remix may loop no tighter than its song does.
    const remixRuns = runs.filter((r: { engine: string }) => r.engine === "remix");
    expect(remixRuns).toHaveLength(3);
    for (const { report } of remixRuns) {
      if (report.shortestLoopSeconds !== 0) {
        expect(report.shortestLoopSeconds).toBeGreaterThanOrEqual(report.originalShortestLoopSeconds - 0.1);
      }
    }
  }, 300_000);
});
