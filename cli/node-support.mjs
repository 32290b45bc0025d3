// Which Node.js versions harmonizer runs on. Plain JavaScript, so the launcher can check before it loads anything.
// The range is package.json's "engines" field: the floor of every dependency's own (vite: ^20.19.0 || >=22.12.0;
// vitest: ^20 || ^22 || >=24). tests/cli/node-support.test.ts keeps the two in step.

export const SUPPORTED_NODE = "^20.19.0 || ^22.12.0 || >=24.0.0";

/** Undefined when `version` (e.g. process.version, "v20.20.2") is supported, else a message saying what is needed. */
export function nodeSupportProblem(version) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  const major = match ? Number(match[1]) : 0;
  const minor = match ? Number(match[2]) : 0;
  const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
  if (supported) return undefined;
  return (
    `harmonizer needs Node.js 20.19 or newer on the 20 line, 22.12 or newer on the 22 line, or 24 or newer ` +
    `(${SUPPORTED_NODE}); this is Node.js ${version}. Install a current LTS release from https://nodejs.org.`
  );
}
