import { fileURLToPath } from "node:url";

/** The conductor that ships with the project (models/conductor, trained on the corpus): the default engine's model. */
export const SHIPPED_CONDUCTOR_DIR = fileURLToPath(new URL("../../models/conductor", import.meta.url));
