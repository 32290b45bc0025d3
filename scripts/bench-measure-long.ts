import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { checkTargets } from "../engine/quality/targets.ts";
import { measureProcess } from "./measure-process.ts";

const ROOT = resolve(import.meta.dirname, "..");

interface Run {
  readonly seconds: number;
  readonly peakMb: number;
  readonly ok: boolean;
  readonly note: string;
  /** From the report, when there is one. */
  readonly measureSeconds?: number;
  readonly targets?: string;
}

/** Runs the CLI to its end, sampling its peak resident set every 50 ms. */
function run(args: readonly string[]): Promise<Omit<Run, "measureSeconds" | "targets">> {
  return measureProcess(process.execPath, [join(ROOT, "bin/harmonizer.mjs"), ...args]);
}

async function extend(song: string, length: number, engine: string, work: string, report: boolean): Promise<Run> {
  const out = join(work, `r-${length}-${report ? "on" : "off"}.wav`);
  const flags = report ? [] : ["--no-report", "--no-page"];
  const ran = await run(
    ["extend", song, "--to", String(length), "-o", out, "--format", "wav", "--engine", engine].concat(
      ["--no-progress"],
      flags,
    ),
  );
  const reportPath = out.replace(/\.wav$/, ".report.json");
  let measured: Pick<Run, "measureSeconds" | "targets"> = {};
  if (existsSync(reportPath)) {
    const json = JSON.parse(readFileSync(reportPath, "utf8"));
    const checks = json.quality
      ? checkTargets(json.quality, {
          inputHasEnding: json.form === "song",
          shortestRepeatSeconds: json.shortestRepeatSeconds,
        })
      : [];
    const met = checks.filter((c) => c.met === true).length;
    const judged = checks.filter((c) => c.met !== null).length;
    measured = {
      measureSeconds: (json.timingsMs?.analyse ?? 0) / 1000,
      targets: json.quality ? `${met} of ${judged}` : "not measured",
    };
  }
  rmSync(work, { recursive: true, force: true });
  return { ...ran, ...measured };
}

async function main(): Promise<void> {
  const options = new Command()
    .requiredOption("--song <file>")
    .option("--lengths <list>", "target lengths, seconds", "600,3600,36000")
    .option("--engine <name>", "engine", "conductor")
    .parse()
    .opts<{ song: string; lengths: string; engine: string }>();
  const lengths = options.lengths.split(",").map(Number);
  const loadBefore = loadavg()[0]!;
  const rows: { length: number; on: Run; off: Run }[] = [];
  for (const length of lengths) {
    const work = () => mkdtempSync(join(tmpdir(), "bench-measure-"));
    const on = await extend(options.song, length, options.engine, work(), true);
    const off = await extend(options.song, length, options.engine, work(), false);
    rows.push({ length, on, off });
    process.stderr.write(
      `${length} s: report on ${on.seconds.toFixed(1)} s ${Math.round(on.peakMb)} MB; off ${off.seconds.toFixed(1)} s ${Math.round(off.peakMb)} MB\n`,
    );
  }
  console.log(
    `song: ${options.song}, engine ${options.engine}; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
  );
  console.log("\n| result | report on: wall | measuring | peak RSS | targets met | report off: wall | peak RSS |");
  console.log("|---|---|---|---|---|---|---|");
  const fail = (r: Run) => `failed: ${r.note}`;
  for (const { length, on, off } of rows) {
    console.log(
      `| ${length} s | ${on.ok ? `${on.seconds.toFixed(1)} s` : fail(on)} | ${on.measureSeconds?.toFixed(1) ?? "–"} s | ${Math.round(on.peakMb)} MB | ${on.targets ?? "–"} | ${off.ok ? `${off.seconds.toFixed(1)} s` : fail(off)} | ${Math.round(off.peakMb)} MB |`,
    );
  }
  const base = rows[0];
  for (const row of rows.slice(1)) {
    if (!base?.on.measureSeconds || !row.on.measureSeconds) continue;
    console.log(
      `${row.length} s: measuring costs ${(row.on.measureSeconds / base.on.measureSeconds).toFixed(2)}x the ${base.length} s result's (length ${(row.length / base.length).toFixed(1)}x); peak memory ${(row.on.peakMb / base.on.peakMb).toFixed(2)}x`,
    );
  }
}

await main();
