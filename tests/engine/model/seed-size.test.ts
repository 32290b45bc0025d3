import { expect, it } from "vitest";
import { selectBackend } from "../../../engine/model/backend.ts";
import { buildModel, countParameters } from "../../../engine/model/build.ts";
import { SEED_PRESET } from "../../../engine/model/presets.ts";

// Builds the full seed model once (~25 s, ~3 GB): the fidelity check of docs/model.md (the seed's parameter count).
// It starts among the first files (tests/support/sequencer.ts), beside the memory tests' encoder threads: under a
// load average of 15 it took 141 s, past the default 120 s.
it("builds the seed preset with exactly 399,890,460 parameters", async () => {
  await selectBackend("cpu");
  const model = buildModel(SEED_PRESET);
  expect(countParameters(model)).toBe(399_890_460);
  expect(model.outputs[0]!.shape).toEqual([null, 10, 22_050]);
  model.dispose();
}, 600_000);
