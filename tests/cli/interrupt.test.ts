import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../engine/audio/index.ts";
import { synthesizeSong } from "../../engine/synth/song.ts";
import { CLI } from "../support/cli.ts";

/** util-linux's `script` runs the CLI on a pseudo-terminal, where the progress bars draw and Ctrl-C is a keystroke. */
const SCRIPT = "/usr/bin/script";
const HIDE_CURSOR = "\u001b[?25l";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-interrupt-"));
  await writeFile(join(dir, "song.wav"), encodeWav(synthesizeSong({ seconds: 40, sampleRate: 22_050, seed: 3 }), 16));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs `extend` on a terminal, types Ctrl-C once `when` is printed (default: a progress bar has hidden the cursor);
 * all it printed, its code, and the seconds from the keystroke to its end.
 */
function extendThenCtrlC(
  args = "song.wav --to 1200 -o out.wav",
  when = HIDE_CURSOR,
): Promise<{ output: string; code: number | null; seconds: number }> {
  const command = `${process.execPath} ${CLI} extend ${args}`;
  const child = spawn(SCRIPT, ["-qfec", command, "/dev/null"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  let typed: number | undefined;
  const read = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (typed === undefined && output.includes(when)) {
      typed = performance.now();
      child.stdin.write("\u0003");
    }
  };
  child.stdout.on("data", read);
  child.stderr.on("data", read);
  return new Promise((done) =>
    child.on("close", (code) => done({ output, code, seconds: (performance.now() - (typed ?? 0)) / 1000 })),
  );
}

describe.skipIf(!existsSync(SCRIPT))("Ctrl-C during extend", () => {
  it("gives the terminal back its cursor and line wrap, says it was interrupted, exits 130 and leaves no file", async () => {
    const { output, code } = await extendThenCtrlC();
    expect(output).toContain(HIDE_CURSOR);
    const afterBar = output.slice(output.lastIndexOf(HIDE_CURSOR));
    expect(afterBar).toContain("\u001b[?25h"); // cursor shown
    expect(afterBar).toContain("\u001b[?7h"); // line wrap on
    expect(afterBar).toMatch(/harmonizer: interrupted/);
    expect(code).toBe(130);
    expect((await readdir(dir)).sort()).toEqual(["song.wav"]);
  }, 180_000);

  it("while a long result is measured, ends within seconds (the measurement lets the stop through), leaving no file", async () => {
    // Measuring this hour took 15-40 s on 2 shared cores; the stop waited for all of it before the measurement
    // gave the event loop a turn between its steps.
    await writeFile(
      join(dir, "long.wav"),
      encodeWav(synthesizeSong({ seconds: 40, sampleRate: 44_100, channels: 2, seed: 4 }), 16),
    );
    const { output, code, seconds } = await extendThenCtrlC(
      "long.wav --to 3600 -o out.wav --engine remix",
      "measuring",
    );
    await rm(join(dir, "long.wav"));
    expect(output).toMatch(/harmonizer: interrupted/);
    expect(code).toBe(130);
    expect(seconds).toBeLessThan(5);
    expect((await readdir(dir)).sort()).toEqual(["song.wav"]);
  }, 300_000);
});

describe.skipIf(!existsSync(SCRIPT))("a stop from outside while a long result is planned", () => {
  it("on SIGTERM ends within seconds (the planner lets the stop through), exits 143 and leaves no file", async () => {
    // Planning this hour (the walk, block reuse, the join search) took 8-13 s on 2 shared cores, and the stop waited
    // for all of it. On a terminal the "extending" bar starts at the walk's first phrase: planning has begun.
    await writeFile(
      join(dir, "plan.wav"),
      encodeWav(synthesizeSong({ seconds: 40, sampleRate: 44_100, channels: 2, seed: 4 }), 16),
    );
    // The shell prints its id, then becomes the CLI: the signal goes to the CLI itself, not to `script`.
    const command = `echo "pid $$"; exec ${process.execPath} ${CLI} extend plan.wav --to 3600 -o out.wav --engine remix`;
    const child = spawn(SCRIPT, ["-qfec", command, "/dev/null"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let sent: number | undefined;
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const pid = /pid (\d+)/.exec(output)?.[1];
      if (sent === undefined && pid !== undefined && output.includes("extending")) {
        sent = performance.now();
        process.kill(Number(pid), "SIGTERM");
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    const code = await new Promise<number | null>((done) => child.on("close", done));
    const seconds = (performance.now() - (sent ?? 0)) / 1000;
    await rm(join(dir, "plan.wav"));
    expect(sent).toBeDefined();
    expect(output).toMatch(/harmonizer: interrupted/);
    expect(output).not.toContain("measuring");
    expect(code).toBe(143);
    expect(seconds).toBeLessThan(5);
    expect((await readdir(dir)).sort()).toEqual(["song.wav"]);
  }, 300_000);
});

describe("a stop from outside during extend (kill, a service manager)", () => {
  it("on SIGTERM removes the output being written, says it was interrupted and exits 143", async () => {
    const child = spawn(process.execPath, [CLI, "extend", "song.wav", "--to", "1200", "-o", "out.wav"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    const closed = new Promise<number | null>((done) => child.on("close", done));
    // Stop it once the result is being written beside its final name.
    let partial: string | undefined;
    for (let i = 0; i < 1200 && partial === undefined; i++) {
      partial = (await readdir(dir)).find((name) => name !== "song.wav");
      if (partial === undefined) await new Promise((wait) => setTimeout(wait, 100));
    }
    expect(partial).toBeDefined();
    child.kill("SIGTERM");
    expect(await closed).toBe(143);
    expect(output).toMatch(/harmonizer: interrupted/);
    expect((await readdir(dir)).sort()).toEqual(["song.wav"]);
  }, 180_000);
});
