/** The Node.js versions harmonizer supports, as a semver range (package.json "engines"). */
export declare const SUPPORTED_NODE: string;
/** Undefined when `version` (e.g. process.version) is supported, else a message saying what is needed. */
export declare function nodeSupportProblem(version: string): string | undefined;
