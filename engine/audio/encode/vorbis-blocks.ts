/**
 * What the Vorbis joiner needs from a stream's headers and packets: the two block sizes (identification header), the
 * block flag of each mode (setup header) and each audio packet's block size (Vorbis I spec, sections 4.2 and 4.3).
 * Blocks overlap by half: block k is centred at c_k, and c_k - c_{k-1} = n_{k-1}/4 + n_k/4; block 0 is centred at
 * the stream's first sample, and libvorbis gives packet k the granule position c_k.
 */
export interface VorbisBlocks {
  /** Samples in a short and a long block. */
  readonly sizes: readonly [number, number];
  /** Whether each mode codes a long block. */
  readonly modeLong: readonly boolean[];
}

/** Bits needed for values up to x (the spec's ilog). */
const ilog = (x: number): number => (x <= 0 ? 0 : 32 - Math.clz32(x));

/** Bit `i` of a Vorbis bitstream (bits are packed from each byte's least significant end). */
const bitAt = (bytes: Uint8Array, i: number): number => (bytes[i >> 3]! >> (i & 7)) & 1;

function bitsAt(bytes: Uint8Array, from: number, count: number): number {
  let value = 0;
  for (let b = 0; b < count; b++) value |= bitAt(bytes, from + b) << b;
  return value;
}

/**
 * The modes, read backwards from the end of the setup header (as ffmpeg's and libvorbisfile's packet parsers do):
 * the framing bit, then per mode 1 + 16 + 16 + 8 bits (block flag, window type 0, transform type 0, mapping), and
 * before them the mode count - 1 in 6 bits. Decoding the codebooks, floors and residues before them is not needed.
 */
function modesOf(setup: Uint8Array): boolean[] {
  let end = setup.length * 8 - 1;
  while (end >= 0 && bitAt(setup, end) === 0) end--; // the framing bit is the last bit set
  const modes: boolean[] = [];
  let best: boolean[] | undefined;
  for (let at = end - 41; at >= 6; at -= 41) {
    if (bitsAt(setup, at + 1, 16) !== 0 || bitsAt(setup, at + 17, 16) !== 0) break;
    modes.unshift(bitAt(setup, at) === 1);
    if (bitsAt(setup, at - 6, 6) === modes.length - 1) best = [...modes];
  }
  if (best === undefined) throw new Error("no Vorbis modes found at the end of the setup header");
  return best;
}

/** The block sizes and modes of a stream, from its identification and setup headers. */
export function vorbisBlocks(identification: Uint8Array, setup: Uint8Array): VorbisBlocks {
  if (identification[0] !== 1 || setup[0] !== 5) throw new Error("not Vorbis identification and setup headers");
  const sizes = identification[28]!;
  return { sizes: [1 << (sizes & 15), 1 << (sizes >> 4)], modeLong: modesOf(setup) };
}

/** Whether an audio packet codes a long block. */
export function isLongBlock(packet: Uint8Array, blocks: VorbisBlocks): boolean {
  if ((packet[0]! & 1) !== 0) throw new Error("a Vorbis header packet among the audio packets");
  const mode = bitsAt(packet, 1, ilog(blocks.modeLong.length - 1));
  const long = blocks.modeLong[mode];
  if (long === undefined) throw new Error(`a Vorbis audio packet names mode ${mode} of ${blocks.modeLong.length}`);
  return long;
}
