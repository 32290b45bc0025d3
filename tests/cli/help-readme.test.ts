import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runHarmonizer } from "../support/cli.ts";

const README = join(import.meta.dirname, "../../README.md");

/** The flag table under the README's `### \`harmonizer VERB ...\`` heading: flag -> its default cell. */
function readmeTable(readme: string, verb: string): Map<string, string> {
  const start = readme.indexOf(`### \`harmonizer ${verb} `);
  const end = readme.indexOf("\n### ", start + 1);
  const rows = readme.slice(start, end).matchAll(/^\| `(?:-\w, )?(--[\w-]+)[^|]*\|\s*([^|]*?)\s*\|/gm);
  return new Map([...rows].map(([, flag, cell]) => [flag!, cell!]));
}

/**
 * The options --help lists: flag -> its default when that is a value (commander's quoted `default: "auto"`, or a
 * figure first: `default: 10; conductor: 30`), not a sentence. false (a switch's) counts as none.
 */
function helpOptions(help: string): Map<string, string | undefined> {
  const options = new Map<string, string | undefined>();
  const entries = help.slice(help.indexOf("Options:")).split(/\n(?=\s{2}-)/);
  for (const entry of entries) {
    const flag = entry.match(/^\s+(?:-\w, )?(--[\w-]+)/)?.[1];
    if (flag === undefined || flag === "--help") continue;
    const text = entry.replace(/\s+/g, " ");
    const given = text.match(/default: (?:"([^"]+)"|([\d.]+)[;,)])/);
    options.set(flag, given?.[1] ?? given?.[2]);
  }
  return options;
}

describe("each subcommand's --help against its README table", () => {
  it.each(["extend", "loop-points", "train", "evaluate"])(
    "%s: the same flags in both, and each default --help gives is in the README's default cell",
    async (verb) => {
      const readme = readmeTable(await readFile(README, "utf8"), verb);
      const { code, stdout } = await runHarmonizer([verb, "--help"]);
      expect(code).toBe(0);
      const help = helpOptions(stdout);
      expect([...readme.keys()].sort()).toEqual([...help.keys()].sort());
      const differing = [...help].filter(([flag, given]) => given !== undefined && !readme.get(flag)?.includes(given));
      expect(differing.map(([flag, given]) => `${flag}: --help "${given}", README "${readme.get(flag)}"`)).toEqual([]);
    },
  );
});
