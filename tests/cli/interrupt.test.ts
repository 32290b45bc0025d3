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

/** Runs `extend` on a terminal, types Ctrl-C once a progress bar has hidden the cursor; all it printed, and its code. */
function extendThenCtrlC(): Promise<{ output: string; code: number | null }> {
  const command = `${process.execPath} ${CLI} extend song.wav --to 1200 -o out.wav`;
  const child = spawn(SCRIPT, ["-qfec", command, "/dev/null"], { cwd: dir, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  let typed = false;
  const read = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (!typed && output.includes(HIDE_CURSOR)) {
      typed = true;
      child.stdin.write("\u0003");
    }
  };
  child.stdout.on("data", read);
  child.stderr.on("data", read);
  return new Promise((done) => child.on("close", (code) => done({ output, code })));
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
