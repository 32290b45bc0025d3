import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { relative, resolve } from "node:path";
import { build } from "esbuild";
import { SHIPPED_CONDUCTOR_DIR } from "../../engine/job.ts";
import { describe, expect, it } from "vitest";

// No Docker engine here, so the image is never built in tests. This lints the lines that decide
// whether it can work: the CUDA base matching libtensorflow, the addon load check, the non-root
// user, the entry point, and that every COPY source exists. It cannot prove the image builds,
// that the base tag is still published, or that the addon finds a GPU at run time.
const ROOT = resolve(import.meta.dirname, "../..");
const dockerfile = readFileSync(resolve(ROOT, "container/Dockerfile"), "utf8");
/** Instructions with line continuations joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const finalStage = instructions.slice(instructions.findLastIndex((line) => /^FROM\s/i.test(line)));
const arg = (name: string) =>
  new RegExp(`^ARG ${name}=(\\S+)`).exec(instructions.find((l) => l.startsWith(`ARG ${name}=`)) ?? "")?.[1];

/** The sources of the COPY lines that copy from the build context (the repository root). */
const copySources = instructions
  .filter((l) => l.startsWith("COPY ") && !l.includes("--from="))
  .flatMap((l) => l.replace(/--\S+/g, "").trim().split(/\s+/).slice(1, -1));

/** CUDA release TensorFlow built each libtensorflow minor against (tensorflow.org/install/source#gpu). */
const CUDA_FOR_LIBTENSORFLOW: Record<string, string> = { "2.9": "11.2", "2.10": "11.2", "2.11": "11.2" };

describe("container/Dockerfile", () => {
  it("uses a supported CUDA 11.x + cuDNN 8 runtime base the libtensorflow that tfjs-node-gpu binds can load", () => {
    const require = createRequire(import.meta.url);
    const { LIBTENSORFLOW_VERSION } = require("@tensorflow/tfjs-node-gpu/scripts/deps-constants.js") as {
      LIBTENSORFLOW_VERSION: string;
    };
    const minor = LIBTENSORFLOW_VERSION.split(".").slice(0, 2).join(".");
    const cuda = CUDA_FOR_LIBTENSORFLOW[minor];
    expect(cuda, `no CUDA mapping for libtensorflow ${LIBTENSORFLOW_VERSION}`).toBeDefined();
    const image = arg("CUDA_IMAGE") ?? "";
    // CUDA minor-version compatibility: a library built with 11.2 loads any 11.x runtime from 11.2 on.
    const [, major, minor2, ubuntu] =
      /^nvidia\/cuda:(\d+)\.(\d+)\.\d+-cudnn8-runtime-ubuntu(\d+)\.04@sha256:[0-9a-f]{64}$/.exec(image) ?? [];
    expect(major, image).toBe(cuda!.split(".")[0]);
    expect(Number(minor2)).toBeGreaterThanOrEqual(Number(cuda!.split(".")[1]));
    // Ubuntu 20.04 (and the CUDA 11.2 images on it) are end of life.
    expect(Number(ubuntu)).toBeGreaterThanOrEqual(22);
    expect(finalStage[0]).toMatch(/^FROM \$\{CUDA_IMAGE\}/);
  });

  it("installs Node.js 22 or newer, its checksums verified with the release keys (GPG)", () => {
    expect(Number(arg("NODE_VERSION")?.split(".")[0])).toBeGreaterThanOrEqual(22);
    expect(dockerfile).toMatch(/gpg --batch --decrypt --output SHASUMS256\.txt SHASUMS256\.txt\.asc/);
    expect(dockerfile).toMatch(/SHASUMS256\.txt \| sha256sum -c/);
  });

  it("pins the base image by digest and libtensorflow by its SHA-256, so a plain docker build is reproducible", () => {
    expect(arg("CUDA_IMAGE")).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(arg("LIBTENSORFLOW_SHA256")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("checks libtensorflow against a SHA-256 and builds the addon from source (no unchecked download)", () => {
    expect(dockerfile).toMatch(/echo "\$\{LIBTENSORFLOW_SHA256\} {2}\/tmp\/\$\{tf\}" \| sha256sum -c -/);
    expect(instructions.some((l) => /test -n "\$\{LIBTENSORFLOW_SHA256\}" \|\| \{/.test(l))).toBe(true);
    expect(instructions.some((l) => /npm run build-addon-from-source/.test(l))).toBe(true);
    // tfjs-node-gpu's own install script would download libtensorflow and a prebuilt addon unchecked.
    expect(dockerfile).not.toMatch(/npm rebuild @tensorflow\/tfjs-node-gpu/);
  });

  it("builds the tfjs-node-gpu addon explicitly and fails the build unless it loads in the final image", () => {
    expect(instructions.some((l) => /npm ci --omit=dev --ignore-scripts/.test(l))).toBe(true);
    expect(finalStage.some((l) => /^RUN node -e "require\('@tensorflow\/tfjs-node-gpu'\)/.test(l))).toBe(true);
  });

  it("runs the worker entry with tsx as a non-root user", () => {
    const users = finalStage.filter((l) => /^USER\s/.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|$)/);
    const cmd = finalStage.find((l) => l.startsWith("CMD "));
    expect(cmd).toBe('CMD ["node", "--import", "tsx", "container/worker/main.ts"]');
    expect(existsSync(resolve(ROOT, "container/worker/main.ts"))).toBe(true);
  });

  it("copies only sources that exist in the build context (the repository root)", () => {
    expect(copySources.length).toBeGreaterThan(0);
    for (const source of copySources) expect(existsSync(resolve(ROOT, source)), source).toBe(true);
  });

  it("copies every local module the worker and the trainer import, and installs every package they use", async () => {
    // Started by file name, so entries of their own: the engine thread (engine-thread-boot.mjs), the CLI the
    // trainer spawns (bin/harmonizer.mjs) and the module that launcher loads by URL (engine/threads/load-ts.mjs).
    const entries = [
      "container/worker/main.ts",
      "container/worker/engine-thread-main.ts",
      "container/trainer/main.ts",
      "bin/harmonizer.mjs",
      "cli/main.ts",
    ];
    const { metafile } = await build({
      entryPoints: entries.map((entry) => resolve(ROOT, entry)),
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      outdir: "unused",
      logLevel: "silent",
    });
    const modules = Object.keys(metafile.inputs);
    expect(modules).toEqual(expect.arrayContaining(["aws/shared/aws-clients.ts", "cli/main.ts"]));
    const uncopied = modules.filter((module) => !copySources.some((source) => `${module}/`.startsWith(`${source}/`)));
    expect(uncopied).toEqual([]);

    // The image installs with --omit=dev: a package the code imports must be a dependency (or optional).
    const manifest = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
    const installed = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
    ]);
    const packages = new Set(
      Object.values(metafile.outputs)
        .flatMap((output) => output.imports)
        .filter((imported) => imported.external && !imported.path.startsWith("node:"))
        .map((imported) =>
          imported.path
            .split("/")
            .slice(0, imported.path.startsWith("@") ? 2 : 1)
            .join("/"),
        ),
    );
    expect(packages.size).toBeGreaterThan(0);
    expect([...packages].filter((name) => !installed.has(name))).toEqual([]);
  });

  it("ships the trained conductor where the engine looks for it (the default engine's model)", () => {
    const copies = instructions.filter((l) => l.startsWith("COPY ") && !l.includes("--from="));
    const workdir = "/app/";
    const shipped = relative(ROOT, SHIPPED_CONDUCTOR_DIR);
    expect(copies.some((l) => l.includes(` ${shipped} ./${shipped}`))).toBe(true);
    expect(existsSync(resolve(ROOT, shipped, "model.json"))).toBe(true);
    expect(instructions).toContain(`WORKDIR ${workdir.slice(0, -1)}`);
  });

  it("keeps node_modules, tests, corpus and local state out of the build context", () => {
    const ignored = readFileSync(resolve(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim());
    for (const entry of ["node_modules", ".git", ".venv", "cdk.out", "corpus", "tests"])
      expect(ignored).toContain(entry);
  });
});
