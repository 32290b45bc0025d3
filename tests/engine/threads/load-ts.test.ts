import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const LOADER = pathToFileURL(join(import.meta.dirname, "../../../engine/threads/load-ts.mjs")).href;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "harmonizer-load-ts-"));
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await writeFile(
    join(dir, "entry.ts"),
    'import { value } from "./value.ts";\nconsole.log(`${value} ${import.meta.url}`);\n',
  );
  await writeFile(join(dir, "value.ts"), 'export const value: string = "first";\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs entry.ts through importTypeScript in a fresh Node process, as the CLI launcher does. */
async function run(cacheDir: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const script = `import { importTypeScript } from ${JSON.stringify(LOADER)};
await importTypeScript(${JSON.stringify(pathToFileURL(join(dir, "entry.ts")).href)}, { cacheDir: ${JSON.stringify(cacheDir)} });`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, HARMONIZER_NO_BUNDLE: "", ...env },
  });
  return stdout.trim();
}

const bundles = async (cacheDir: string) => (await readdir(cacheDir)).filter((name) => name.endsWith(".mjs"));

describe("importTypeScript (the CLI's and the threads' module loader)", () => {
  it("runs a bundle of the sources, and the edited sources after any change, never a stale bundle", async () => {
    const cache = join(dir, "cache");
    expect(await run(cache)).toMatch(/^first /);
    expect(await bundles(cache)).toHaveLength(1);
    expect(await run(cache)).toMatch(/^first /);
    expect(await bundles(cache)).toHaveLength(1);
    await writeFile(join(dir, "value.ts"), 'export const value: string = "second";\n');
    expect(await run(cache)).toMatch(/^second /);
    await writeFile(join(dir, "value.ts"), 'export const value: string = "first";\n');
    expect(await run(cache)).toMatch(/^first /);
  });

  it("keeps import.meta.url naming each module's own source file inside the bundle", async () => {
    const output = await run(join(dir, "cache"));
    expect(output).toBe(`first ${pathToFileURL(join(dir, "entry.ts")).href}`);
  });

  it("runs the sources through tsx when the cache cannot be written, or when HARMONIZER_NO_BUNDLE=1", async () => {
    await writeFile(join(dir, "not-a-directory"), "");
    expect(await run(join(dir, "not-a-directory", "cache"))).toMatch(/^first /);
    const cache = join(dir, "cache");
    await mkdir(cache);
    expect(await run(cache, { HARMONIZER_NO_BUNDLE: "1" })).toMatch(/^first /);
    expect(await bundles(cache)).toHaveLength(0);
  });

  it("gives a CommonJS package's exports as Node's import would, and leaves ES module packages to Node", async () => {
    const cjs = join(dir, "node_modules", "cjs-pkg");
    const esm = join(dir, "node_modules", "esm-pkg");
    await mkdir(cjs, { recursive: true });
    await mkdir(esm, { recursive: true });
    await writeFile(join(cjs, "package.json"), '{ "name": "cjs-pkg", "main": "lib.js" }\n');
    await writeFile(join(cjs, "lib.js"), "exports.named = 1;\nexports.other = 2;\n");
    await writeFile(join(esm, "package.json"), '{ "name": "esm-pkg", "type": "module", "main": "index.js" }\n');
    await writeFile(join(esm, "index.js"), "export const where = import.meta.url;\n");
    await writeFile(
      join(dir, "entry.ts"),
      [
        'import whole, { named } from "cjs-pkg";',
        'import * as namespace from "cjs-pkg";',
        'import { where } from "esm-pkg";',
        'const later = await import("cjs-pkg");',
        "console.log(JSON.stringify([whole, named, namespace.other, namespace.default, later.named, later.default, where]));",
      ].join("\n"),
    );
    const viaTsx = await run(join(dir, "cache"), { HARMONIZER_NO_BUNDLE: "1" });
    const bundled = await run(join(dir, "cache"));
    expect(await bundles(join(dir, "cache"))).toHaveLength(1);
    expect(bundled).toBe(viaTsx);
    const exports = { named: 1, other: 2 };
    expect(JSON.parse(bundled)).toEqual([
      exports,
      1,
      2,
      exports,
      1,
      exports,
      pathToFileURL(join(esm, "index.js")).href,
    ]);
  });

  it("imports a CommonJS package whose exports name another file for require than for import, as Node does", async () => {
    const dual = join(dir, "node_modules", "dual-pkg");
    await mkdir(dual, { recursive: true });
    const exports = { import: "./imported.js", require: "./required.js" };
    await writeFile(join(dual, "package.json"), JSON.stringify({ name: "dual-pkg", exports }));
    await writeFile(join(dual, "imported.js"), 'exports.via = "import";\n');
    await writeFile(join(dual, "required.js"), 'exports.via = "require";\n');
    await writeFile(join(dir, "entry.ts"), 'import { via } from "dual-pkg";\nconsole.log(via);\n');
    expect(await run(join(dir, "cache"))).toBe("import");
    expect(await run(join(dir, "cache"), { HARMONIZER_NO_BUNDLE: "1" })).toBe("import");
  });

  it("lets an error thrown by the module propagate without running it a second time", async () => {
    const log = join(dir, "runs.log");
    await writeFile(
      join(dir, "entry.ts"),
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(log)}, "ran\\n");\nthrow new Error("the module's own failure");\n`,
    );
    await expect(run(join(dir, "cache"))).rejects.toThrow(/the module's own failure/);
    expect(await readFile(log, "utf8")).toBe("ran\n");
  });
});
