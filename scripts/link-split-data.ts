/**
 * Makes the training folder of a split whose `sources` map each name to a path under a Debian root's usr/share
 * (scripts/conductor-wide-split.json): one symbolic link per name, so `harmonizer train --data OUT --split SPLIT`
 * reads them. An entry already in OUT is left as it is (and counted), never replaced.
 *
 *   npx tsx scripts/link-split-data.ts --split scripts/conductor-wide-split.json \
 *     --share /work/music/root/usr/share --out /tmp/wide-data
 */
import { access, mkdir, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "commander";

const opts = new Command()
  .requiredOption("--split <file>", "split JSON with a `sources` map")
  .requiredOption("--share <dir>", "the usr/share folder the sources are under")
  .requiredOption("--out <dir>", "folder to fill with links")
  .parse()
  .opts<{ split: string; share: string; out: string }>();

const { sources } = JSON.parse(await readFile(opts.split, "utf8")) as { sources: Record<string, string> };
await mkdir(opts.out, { recursive: true });
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
const missing: string[] = [];
let existing = 0;
for (const [name, source] of Object.entries(sources)) {
  const target = join(opts.share, source);
  if (!(await exists(target))) missing.push(source);
  else if (await exists(join(opts.out, name))) existing += 1;
  else await symlink(target, join(opts.out, name));
}
const made = Object.keys(sources).length - missing.length - existing;
console.log(`${made} links made in ${opts.out}, ${existing} already there (left as they were)`);
if (missing.length > 0) {
  console.error(`missing under ${opts.share} (unpack their packages first): ${missing.join(", ")}`);
  process.exitCode = 1;
}
