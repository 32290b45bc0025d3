import type { ModelConfig } from "../../../engine/model/config.ts";
import { CONDUCTOR_PRESET } from "../../../engine/model/presets.ts";
import type { FileFrames } from "../../../engine/training/feature-windows.ts";
import { mulberry32 } from "../../../engine/random.ts";

/** A small conductor-like config (the conductor's design, narrower) for fast tests: [20][6] -> [10][6]. */
export const tinyConductorConfig: ModelConfig = { ...CONDUCTOR_PRESET, featureSize: 6, hiddenUnits: [16] };

/**
 * Files of second frames with a trivially learnable pattern: every frame alternates between two levels around a
 * file-specific offset (A, B, A, B, ...), plus a little noise. Repeating the last frame is wrong every other second;
 * the context mean is halfway; the pattern itself is exact.
 */
export function alternatingFiles(count: number, seconds: number, featureSize = 6, seed = 1): FileFrames[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, n) => {
    const offset = Array.from({ length: featureSize }, () => 2 * random() - 1);
    const swing = Array.from({ length: featureSize }, () => 0.5 + random());
    return {
      name: `song-${n}.wav`,
      frames: Array.from({ length: seconds }, (_, k) =>
        Float32Array.from(offset, (o, d) => o + (k % 2 === 0 ? 1 : -1) * swing[d]! + 0.05 * (random() - 0.5)),
      ),
    };
  });
}
