import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** The project's Python virtual environment holding moto and cfn-lint (pinned in requirements-dev.txt). */
export const VENV_DIR = resolve(import.meta.dirname, "../../.venv");
const REQUIREMENTS = resolve(import.meta.dirname, "../../requirements-dev.txt");
const STAMP = join(VENV_DIR, ".requirements-installed");

export const venvBin = (tool: string): string => join(VENV_DIR, "bin", tool);

/** Creates .venv and installs requirements-dev.txt unless that exact file is already installed there. */
export function ensurePythonTools(): void {
  const wanted = readFileSync(REQUIREMENTS, "utf8");
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === wanted) return;
  if (!existsSync(venvBin("python"))) {
    execFileSync("python3", ["-m", "venv", VENV_DIR], { stdio: "inherit" });
  }
  execFileSync(venvBin("pip"), ["install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS], {
    stdio: "inherit",
  });
  writeFileSync(STAMP, wanted);
}
