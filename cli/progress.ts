import type { TrainModelProgress } from "#engine";
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

/**
 * A batches-per-epoch bar on stderr for `harmonizer train` (the engine reports batches and epochs through its
 * onProgress callback). Silent when stderr is not a terminal.
 */
export function epochProgress(epochs: number): { onProgress: (event: TrainModelProgress) => void; stop: () => void } {
  const bar = new SingleBar(
    { format: "epoch {epoch} |{bar}| {value}/{total} batches | loss {loss}", hideCursor: true },
    Presets.shades_classic,
  );
  let running = false;
  return {
    onProgress: (event) => {
      if (event.phase !== "batch") return;
      if (event.batch === 1 || !running) {
        bar.start(event.batches, 0, { epoch: `${event.epoch}/${epochs}`, loss: "-" });
        running = true;
      }
      bar.update(event.batch, { loss: event.loss.toExponential(3) });
      if (event.batch === event.batches) {
        bar.stop();
        running = false;
      }
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}

const PHASE_LABELS = { analyse: "measuring", picture: "drawing", encode: "encoding" } as const;

/** One bar per phase after the extension (measuring, drawing, encoding), each replacing the one before. */
export function phaseProgress(enabled: boolean, stopExtending: () => void) {
  let phase: keyof typeof PHASE_LABELS | undefined;
  let bar: ReturnType<typeof secondsProgress> | undefined;
  return {
    update: (next: keyof typeof PHASE_LABELS, done: number, total: number) => {
      if (next !== phase) {
        if (bar === undefined) stopExtending();
        else bar.stop();
        phase = next;
        bar = secondsProgress(PHASE_LABELS[next], enabled);
      }
      bar!.update(done, total);
    },
    stop: () => bar?.stop(),
  };
}
