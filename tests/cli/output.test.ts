import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../cli/output.ts";

const OUTPUT_MODULE = pathToFileURL(resolve(import.meta.dirname, "../../cli/output.ts")).href;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-output-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Runs, in a child process, a write of 1 kB to `target` that is interrupted by Ctrl-C (SIGINT) before its second
 * kilobyte arrives: what a user gets who presses Ctrl-C while harmonizer writes the WAV.
 */
async function interruptedWrite(target: string): Promise<{ code: number | null; stderr: string }> {
  const script = join(dir, "interrupted-write.mts");
  await writeFile(
    script,
    `import { writeFileAtomic } from ${JSON.stringify(OUTPUT_MODULE)};
async function* slowly() {
  yield new Uint8Array(1024).fill(7);
  process.kill(process.pid, "SIGINT");
  await new Promise((done) => setTimeout(done, 10_000));
  yield new Uint8Array(1024).fill(8);
}
await writeFileAtomic(${JSON.stringify(target)}, slowly());
`,
  );
  try {
    const { stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
      cwd: resolve(import.meta.dirname, "../.."),
    });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number | null; stderr?: string };
    return { code: e.code ?? null, stderr: e.stderr ?? "" };
  }
}

describe("writing the output", () => {
  it("Ctrl-C during the write leaves neither a truncated file nor a temporary one, and keeps an earlier result", async () => {
    const folder = await mkdtemp(join(dir, "ctrl-c-"));
    const fresh = join(folder, "fresh.wav");
    const interrupted = await interruptedWrite(fresh);
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain("interrupted; no partial output was left behind");
    expect(await readdir(folder)).toEqual([]);

    const earlier = join(folder, "earlier.wav");
    await writeFile(earlier, "the previous, complete result");
    await interruptedWrite(earlier);
    expect(await readFile(earlier, "utf8")).toBe("the previous, complete result");
    expect(await readdir(folder)).toEqual(["earlier.wav"]);
  });

  it("a write that fails half-way leaves no file behind; a complete one appears whole", async () => {
    const folder = await mkdtemp(join(dir, "fail-"));
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1024);
      throw new Error("the disk went away");
    }
    await expect(writeFileAtomic(join(folder, "broken.wav"), failing())).rejects.toThrow("the disk went away");
    expect(await readdir(folder)).toEqual([]);

    await writeFileAtomic(join(folder, "sub", "whole.wav"), new Uint8Array([1, 2, 3]));
    expect([...(await readFile(join(folder, "sub", "whole.wav")))]).toEqual([1, 2, 3]);
    expect(await readdir(join(folder, "sub"))).toEqual(["whole.wav"]);
    expect(process.listenerCount("SIGINT")).toBe(0);
  });
});
