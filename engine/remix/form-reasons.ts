import type { SongForm } from "../analysis/form.ts";

type Ending = Pick<SongForm, "hasEnding" | "endingReason">;

/**
 * Continue form asked for: what the detection found, as song form asked for says. A song that ends (a fade, a final
 * decay, silence) is heard ending mid-way, then going on, which the reason must not leave to the listener to find.
 */
export const continueAskedFor = ({ hasEnding, endingReason }: Ending): string =>
  hasEnding
    ? `continue: asked for, although the input has an ending of its own (${endingReason}): the whole input plays, its ending too, before the continuation (song form would end with it)`
    : `continue: asked for; the input has no ending of its own either (${endingReason})`;

/** Song form asked for: whether the detection agrees, and what a result of a song with no ending ends with. */
export const songAskedFor = ({ hasEnding, endingReason }: Ending): string =>
  hasEnding
    ? `song: asked for; the input has an ending of its own too (${endingReason})`
    : `song: asked for, although the input has no ending of its own (${endingReason}): the result ends with the input's last seconds`;
