import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthHarmonizer } from "./synth.ts";

let synthesized: ReturnType<typeof synthHarmonizer>;
beforeAll(() => {
  synthesized = synthHarmonizer();
});
afterAll(() => synthesized?.cleanup());

/** The build context `cdk deploy` hands to Docker: the staged copy of the repository, after the excludes. */
function stagedImageContext(): { directory: string; dockerfile: string; dockerBuildArgs?: Record<string, string> } {
  const manifest = JSON.parse(
    readFileSync(join(synthesized.assembly.directory, `${synthesized.stack.artifactId}.assets.json`), "utf8"),
  ) as { dockerImages: Record<string, { source: ImageSource }> };
  const images = Object.values(manifest.dockerImages);
  expect(images).toHaveLength(1);
  const { directory, dockerFile, dockerBuildArgs } = images[0]!.source;
  return { directory: join(synthesized.assembly.directory, directory), dockerfile: dockerFile, dockerBuildArgs };
}

interface ImageSource {
  readonly directory: string;
  readonly dockerFile: string;
  readonly dockerBuildArgs?: Record<string, string>;
}

describe("the worker image's build context", () => {
  it("holds every source the Dockerfile copies (the shared AWS code and the shipped conductor too)", () => {
    const { directory, dockerfile } = stagedImageContext();
    const sources = readFileSync(join(directory, dockerfile), "utf8")
      .replace(/\\\n/g, " ")
      .split("\n")
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.replace(/--\S+/g, "").trim().split(/\s+/).slice(1, -1));
    expect(sources).toEqual(expect.arrayContaining(["aws/shared", "models/conductor"]));
    for (const source of sources) expect(existsSync(join(directory, source)), source).toBe(true);
    expect(existsSync(join(directory, "models/conductor/model.json"))).toBe(true);
  });

  it("leaves tests, the corpus, local models and node_modules out", () => {
    const { directory } = stagedImageContext();
    const top = readdirSync(directory);
    for (const left of ["tests", "corpus", "node_modules", "cdk.out", ".git", ".venv"]) expect(top).not.toContain(left);
    expect(readdirSync(join(directory, "models"))).toEqual(["conductor"]);
  });
});

describe("the worker image's pins", () => {
  it("leaves the Dockerfile's pinned libtensorflow checksum in force unless the deploy setting overrides it", () => {
    // An empty LIBTENSORFLOW_SHA256 build argument would replace the pin and stop the build.
    expect(stagedImageContext().dockerBuildArgs?.LIBTENSORFLOW_SHA256).toBeUndefined();
  });
});
