import { expect } from "vitest";
import { decodeAudio } from "../../../engine/audio/index.ts";
import { HarmonizerInputError } from "../../../engine/errors.ts";

/** The error decoding these bytes throws; fails the test when they decode. */
export async function decodeError(bytes: Uint8Array): Promise<HarmonizerInputError> {
  const error = await decodeAudio(bytes).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HarmonizerInputError);
  return error as HarmonizerInputError;
}
