// Loads a TypeScript entry module and everything it imports from this repository as one esbuild bundle, kept in
// node_modules/.cache/harmonizer and used again while none of its source files has changed (their SHA-1s are
// checked on every start). Going through tsx's loader instead costs every module a round trip to tsx's hooks thread:
// about 0.7 s of the CLI's start-up. Packages stay external (Node loads them as usual). Whenever the bundle cannot be
// made or kept (no esbuild, a read-only tree, a build error) the sources run through tsx as before;
// HARMONIZER_NO_BUNDLE=1 asks for that too (stack traces then name the sources' lines).
import { createHash, randomUUID } from "node:crypto";
import module from "node:module";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cjsPackages, REQUIRE_BANNER } from "./cjs-packages.mjs";

const DEFAULT_CACHE_DIR = fileURLToPath(new URL("../../node_modules/.cache/harmonizer/", import.meta.url));
const PROJECT_FILES = ["package.json", "tsconfig.json"].map((name) =>
  fileURLToPath(new URL(`../../${name}`, import.meta.url)),
);
const CJS_PACKAGES_PLUGIN = fileURLToPath(new URL("./cjs-packages.mjs", import.meta.url));
/** Part of the cache key: a change to how bundles are made invalidates the old ones. */
const BUNDLE_FORMAT = "2";
/** Superseded bundles this old are deleted when a new one is written (younger ones may be loading right now). */
const STALE_MS = 60_000;

/**
 * Imports the TypeScript module at `entryUrl` (a file: URL), bundled (see above) or through tsx. An error thrown while
 * the module runs is the module's own and propagates: it never runs twice.
 */
export async function importTypeScript(entryUrl, options = {}) {
  enableCompileCache(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const bundle =
    process.env.HARMONIZER_NO_BUNDLE === "1"
      ? undefined
      : await bundleFor(fileURLToPath(entryUrl), options.cacheDir ?? DEFAULT_CACHE_DIR).catch(() => undefined);
  if (bundle) return import(pathToFileURL(bundle).href);
  const { register } = await import("tsx/esm/api");
  // tsx turns source maps on; whoever turned them off (bin/harmonizer.mjs) keeps them off.
  const maps = process.sourceMapsEnabled;
  register();
  if (maps === false) process.setSourceMapsEnabled(false);
  return import(entryUrl);
}

/**
 * Node 22.1 and later keep the code they compile (the bundle, TensorFlow.js, ...) in a folder of the cache and use it
 * again while the sources are unchanged: about 0.07 s of the CLI's start-up. Earlier versions have no such cache.
 */
function enableCompileCache(cacheDir) {
  try {
    module.enableCompileCache?.(join(cacheDir, "compiled"));
  } catch {
    // Without the cache the modules are compiled as usual.
  }
}

/** The path of an up-to-date bundle of `entry`, made if needed. */
async function bundleFor(entry, cacheDir) {
  const id = sha1(`${BUNDLE_FORMAT}\u0000${entry}`).slice(0, 16);
  const manifestPath = join(cacheDir, `${id}.json`);
  const manifest = readManifest(manifestPath);
  if (manifest && unchanged(manifest.inputs)) return join(cacheDir, manifest.bundle);
  const { code, map, inputs } = await build(entry);
  const name = `${id}-${sha1(code).slice(0, 16)}.mjs`;
  mkdirSync(cacheDir, { recursive: true });
  writeAtomically(join(cacheDir, `${name}.map`), map);
  writeAtomically(join(cacheDir, name), `${code}//# sourceMappingURL=${name}.map\n`);
  writeAtomically(manifestPath, JSON.stringify({ bundle: name, inputs }));
  removeSuperseded(cacheDir, id, name);
  return join(cacheDir, name);
}

async function build(entry) {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["main"],
    sourcemap: "external",
    metafile: true,
    write: false,
    outdir: "out",
    logLevel: "silent",
    banner: { js: REQUIRE_BANNER },
    plugins: [sourceLocations, cjsPackages],
  });
  const output = (suffix) => result.outputFiles.find((file) => file.path.endsWith(suffix)).text;
  const sources = Object.keys(result.metafile.inputs).filter((path) => !path.includes(":"));
  const files = [...sources.map((path) => resolve(path)), CJS_PACKAGES_PLUGIN, ...PROJECT_FILES];
  return {
    code: output(".js"),
    map: output(".js.map"),
    inputs: Object.fromEntries(files.map((path) => [path, fileHash(path)])),
  };
}

/**
 * Modules find files beside themselves (the shipped model, a thread's entry, a package's WebAssembly) through
 * import.meta; in the bundle each one keeps naming its own source file.
 */
const sourceLocations = {
  name: "source-locations",
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?ts$/ }, ({ path }) => ({
      contents: readFileSync(path, "utf8")
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href))
        .replaceAll("import.meta.dirname", JSON.stringify(dirname(path)))
        .replaceAll("import.meta.filename", JSON.stringify(path)),
      loader: "ts",
    }));
  },
};

function readManifest(path) {
  try {
    const manifest = JSON.parse(readFileSync(path, "utf8"));
    statSync(join(dirname(path), manifest.bundle));
    return manifest;
  } catch {
    return undefined;
  }
}

function unchanged(inputs) {
  return Object.entries(inputs).every(([path, hash]) => fileHash(path) === hash);
}

function fileHash(path) {
  try {
    return sha1(readFileSync(path));
  } catch {
    return "missing";
  }
}

const sha1 = (data) => createHash("sha1").update(data).digest("hex");

/** Readers never see half a file: written beside, then renamed over. */
function writeAtomically(path, text) {
  const temporary = `${path}.${randomUUID()}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function removeSuperseded(cacheDir, id, current) {
  const now = Date.now();
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith(`${id}-`) || name === current || name === `${current}.map`) continue;
    const path = join(cacheDir, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    } catch {
      // Another process removed it first.
    }
  }
}
