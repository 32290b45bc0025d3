/**
 * The decoders' own error texts (libvorbis's OV_*, libopus's OPUS_*, libFLAC's, mpg123's) in words a user can act on. The raw text stays
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
  // libFLAC's FLAC__STREAM_DECODER_ERROR_STATUS_*, by their last words.
  LOST_SYNC: "the decoder lost its place in the frames (damaged or missing data)",
  BAD_HEADER: "a frame's header is damaged",
  FRAME_CRC_MISMATCH: "a frame is damaged (its checksum does not match)",
  UNPARSEABLE_STREAM: "the stream cannot be read as FLAC",
  BAD_METADATA: "its metadata blocks are damaged",
  MISSING_FRAME: "a frame is missing or damaged (a gap in the stream)",
  // mpg123's catch-all, as the library reports it ("-1 MPG123_ERR").
  MPG123_ERR: "an MP3 frame is damaged",
};

/** The decoder's message in words, or undefined when it names no code the table knows. */
export function decoderErrorInWords(message: string): string | undefined {
  const code = /(OV_[A-Z]+|OPUS_[A-Z_]+|MPG123_[A-Z_]+)|FLAC__STREAM_DECODER_ERROR_STATUS_([A-Z_]+)/.exec(message);
  return code === null ? undefined : IN_WORDS[code[1] ?? code[2] ?? ""];
}

/** Ends the message for a file cut short: what a user can do with a partial download a player still plays. */
export const TRUNCATED =
  "(truncated? download it again, or convert what there is with a tool that plays it, e.g. ffmpeg -i song.mp3 song.flac)";
