import { fileURLToPath } from "node:url";

/** The conductor that ships with the project (models/conductor, trained on the corpus): the default engine's model. */
export const SHIPPED_CONDUCTOR_DIR = fileURLToPath(new URL("../../models/conductor", import.meta.url));

/**
 * The outlook trained with the project (scripts/train-outlook.ts). Not in the shipped conductor's folder, so the default
 * engine does not use it (docs/continuation.md: it did not choose better than the rules); a conductor folder with a
 * copy of it in outlook/ uses it.
 */
export const SHIPPED_OUTLOOK_DIR = fileURLToPath(new URL("../../models/outlook", import.meta.url));
