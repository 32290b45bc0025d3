/**
 * The decoders' own error texts (libvorbis's OV_*, libopus's OPUS_*) in words a user can act on. The raw text stays
 * in the error's cause; a message the table does not know is passed on as it is.
 */
const IN_WORDS: Readonly<Record<string, string>> = {
  OV_EBADHEADER: "its Vorbis headers (the setup every later packet needs) are damaged, so none of it can be decoded",
  OV_ENOTVORBIS: "its stream is not Vorbis audio",
  OV_EVERSION: "it uses a Vorbis version this decoder does not know",
  OV_ENOTAUDIO: "its first packet is not audio",
  OV_EBADPACKET: "an audio packet is damaged",
  OV_EBADLINK: "a chained stream's link is damaged",
  OV_HOLE: "part of the stream is missing (a gap between its pages)",
  OV_EREAD: "a read failed while decoding",
  OV_EFAULT: "the decoder failed on damaged data",
  OPUS_INVALID_PACKET: "an Opus packet is damaged",
  OPUS_BAD_ARG: "the Opus header describes an impossible stream",
  OPUS_INTERNAL_ERROR: "the Opus decoder failed on damaged data",
};

/** The decoder's message in words, or undefined when it names no code the table knows. */
export function decoderErrorInWords(message: string): string | undefined {
  const code = /(OV_[A-Z]+|OPUS_[A-Z_]+)/.exec(message)?.[1];
  return code === undefined ? undefined : IN_WORDS[code];
}
