import { SingleBar, Presets } from "cli-progress";

/**
 * A seconds-of-audio progress bar on stderr (stdout stays clean for --json). Silent when disabled or not a TTY
 * and in CI logs, where a redrawn bar is noise.
 */
export function secondsProgress(
  label: string,
  enabled: boolean,
): {
  update: (done: number, total: number) => void;
  stop: () => void;
} {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} s`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(Math.round(total), 0);
        started = true;
      }
      bar.update(Math.round(done));
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
