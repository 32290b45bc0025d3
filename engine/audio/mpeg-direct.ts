/**
 * Drives mpg123-decoder's WebAssembly feed/read calls directly and hands each read's samples on as views of the
 * module's output buffer. The library's own `decode` copies every frame twice (a slice per channel, then one
 * concatenation per call) before the caller copies it a third time into its buffer; here the caller's copy is the
 * only one. The samples are the library's own, bit for bit (tests/engine/audio/mpeg-direct.test.ts).
 *
 * This reaches into the decoder object's fields, so it is tied to the exact version pinned in package.json
 * (mpg123-decoder 1.0.3): `directMpegReader` checks they are there and returns undefined otherwise, and the caller
 * falls back to `decode`.
 */
import type { WasmDecodeResult } from "./decode-capped.ts";

interface HeapArray<T> {
  readonly ptr: number;
  readonly len: number;
  readonly buf: T;
}

/** The fields of mpg123-decoder 1.0.3's MPEGDecoder (after `ready`) that its `decode` uses. */
interface MpegDecoderFields {
  _common: {
    wasm: {
      mpeg_decoder_feed(decoder: number, input: number, length: number): number;
      mpeg_decoder_read(
        decoder: number,
        output: number,
        outputLength: number,
        samplesDecoded: number,
        sampleRate: number,
        errorString: number,
      ): number;
    };
  };
  _decoder: number;
  _input: HeapArray<Uint8Array>;
  _output: HeapArray<Float32Array>;
  _samplesDecodedPtr: HeapArray<Uint32Array>;
  _sampleRatePtr: HeapArray<Uint32Array>;
  _errorStringPtr: HeapArray<Uint32Array>;
  _getErrorMessage(error: number): string;
}

const MPG123_NEED_MORE = -10;
const MPG123_NEW_FORMAT = -11;

/** Feeds `chunk` and calls `take` with each read's samples: two views valid only until `take` returns. */
export type DirectMpegReader = (chunk: Uint8Array, take: (part: WasmDecodeResult) => void) => void;

function hasFields(decoder: object): decoder is MpegDecoderFields {
  const fields = decoder as Partial<MpegDecoderFields>;
  return (
    typeof fields._common?.wasm?.mpeg_decoder_feed === "function" &&
    typeof fields._common.wasm.mpeg_decoder_read === "function" &&
    typeof fields._decoder === "number" &&
    fields._input?.buf instanceof Uint8Array &&
    fields._output?.buf instanceof Float32Array &&
    fields._samplesDecodedPtr?.buf instanceof Uint32Array &&
    fields._sampleRatePtr?.buf instanceof Uint32Array &&
    fields._errorStringPtr?.buf instanceof Uint32Array &&
    typeof fields._getErrorMessage === "function"
  );
}

/** A reader over a ready MPEGDecoder, or undefined when its fields are not the ones this was written for. */
export function directMpegReader(decoder: object): DirectMpegReader | undefined {
  if (!hasFields(decoder)) return undefined;
  const d = decoder;
  const wasm = d._common.wasm;
  return (chunk, take) => {
    for (let offset = 0; offset < chunk.length; ) {
      const piece = chunk.subarray(offset, offset + d._input.len);
      offset += piece.length;
      d._input.buf.set(piece);
      let error = wasm.mpeg_decoder_feed(d._decoder, d._input.ptr, piece.length);
      if (error === MPG123_NEED_MORE) continue;
      for (;;) {
        d._samplesDecodedPtr.buf[0] = 0;
        error = wasm.mpeg_decoder_read(
          d._decoder,
          d._output.ptr,
          d._output.len,
          d._samplesDecodedPtr.ptr,
          d._sampleRatePtr.ptr,
          d._errorStringPtr.ptr,
        );
        const samples = d._samplesDecodedPtr.buf[0]!;
        // As the library does: errors are collected, not thrown, and reading goes on. Its `decode` numbers every
        // error frame 0 (its counter only moves in decodeFrame), and so do we, so that messages stay the same.
        const errors =
          error !== 0 && error !== MPG123_NEED_MORE && error !== MPG123_NEW_FORMAT
            ? [{ message: d._getErrorMessage(error), frameNumber: 0 }]
            : [];
        if (samples > 0 || errors.length > 0) {
          const out = d._output.buf;
          take({
            channelData: [out.subarray(0, samples), out.subarray(samples, samples * 2)],
            samplesDecoded: samples,
            sampleRate: d._sampleRatePtr.buf[0]!,
            errors,
          });
        }
        if (error === MPG123_NEED_MORE) break;
      }
    }
  };
}
