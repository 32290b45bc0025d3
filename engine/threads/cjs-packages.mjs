// An esbuild plugin for the bundles of load-ts.mjs: a package that Node would load as CommonJS is loaded with
// require() instead of import. Importing CommonJS from a module makes Node scan the package's source for its export
// names (cjs-module-lexer), and follow the packages it re-exports: the whole of TensorFlow.js (about 6 MB of
// source) and libsamplerate's 2 MB, about 0.2-0.3 s of every start. esbuild's own CommonJS interop gives the module
// the same values: `import x from` is module.exports (as in Node), `import * as` and named imports its properties.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const NAMESPACE = "harmonizer-cjs-package";
/** Set on the plugin's own resolve calls so that it does not see them again. */
const OWN = Symbol("own resolve");

/**
 * Put at the top of every bundle: the `require` that the plugin's modules call, relative to the importing source
 * file (createRequire), for a bundle kept in a cache folder of its own.
 */
export const REQUIRE_BANNER = 'import { createRequire as __harmonizerCreateRequire } from "node:module";';

/**
 * Packages stay outside the bundle (in place of esbuild's `packages: "external"`, whose resolve calls give no file to
 * look at); the ones Node would load as CommonJS become a module that requires them.
 */
export const cjsPackages = {
  name: "cjs-packages",
  setup(builder) {
    builder.onResolve({ filter: /^[^./#]/ }, async ({ path, importer, resolveDir, kind, pluginData }) => {
      if (pluginData === OWN || path.startsWith("node:")) return undefined;
      const resolved = await builder.resolve(path, { importer, resolveDir, kind, pluginData: OWN });
      const found = resolved.errors.length === 0 && !resolved.external;
      const imported = kind === "import-statement" || kind === "dynamic-import";
      if (found && imported && isCommonJs(resolved.path) && requiredFile(importer, path) === resolved.path) {
        return { path, namespace: NAMESPACE, pluginData: { importer } };
      }
      return { path, external: true };
    });
    builder.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path, pluginData }) => ({
      contents: `module.exports = __harmonizerCreateRequire(${JSON.stringify(pluginData.importer)})(${JSON.stringify(path)});`,
      loader: "js",
    }));
  },
};

/** The file require() loads (a package whose "exports" name another file for require than for import stays imported). */
function requiredFile(importer, path) {
  try {
    return createRequire(importer).resolve(path);
  } catch {
    return undefined;
  }
}

/** Node's rule: .cjs, or .js under a package.json whose type is not "module". */
function isCommonJs(file) {
  if (file.endsWith(".cjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const type = packageType(join(dir, "package.json"));
    if (type !== undefined) return type !== "module";
    if (dirname(dir) === dir) return true;
  }
}

function packageType(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8")).type ?? "commonjs";
  } catch {
    return undefined;
  }
}
