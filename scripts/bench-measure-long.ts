/**
 * What the quality report costs on long results (issue 22 item 3): `harmonizer extend` of one song to each length,
 * 16-bit WAV out, with the report, picture and page on (the default) and, beside it, with --no-report --no-page.
 * Prints each run's wall time, its measuring time (the report's timingsMs.analyse), its peak resident memory (VmHWM
 * sampled from /proc: Linux only), how measuring scales with the length, and the load average before and after (the
 * machine may be shared: compare within one run).
 *
 *   npx tsx scripts/bench-measure-long.ts --song FILE [--lengths 600,3600,36000] [--engine conductor]
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { checkTargets } from "../engine/quality/targets.ts";

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
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(ROOT, "bin/harmonizer.mjs"), ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let peakKb = 0;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const timer = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // exited between two samples
      }
    }, 50);
    child.on("exit", (code) => {
      clearInterval(timer);
      const note = stderr.trim().split("\n").at(-1) ?? "";
      done({ seconds: (performance.now() - started) / 1000, peakMb: peakKb / 1024, ok: code === 0, note });
    });
  });
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
