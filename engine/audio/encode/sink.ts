/**
 * Where an encoder's bytes go as they are made: a file being written beside its final name (the CLI), an S3
 * multipart upload (the worker), or memory. A header whose fields are known only at the end (sizes, frame counts,
 * checksums) is written first as a placeholder of its final size and patched once the rest has been written.
 */
export interface OutputSink {
  /** Appends bytes (the sink copies what it keeps: encoders reuse their buffers). */
  write(bytes: Uint8Array): Promise<void>;
  /** Rewrites bytes already written, from `offset` (only after the last write, only within the first 64 KiB). */
  patch(offset: number, bytes: Uint8Array): Promise<void>;
}

/** The bytes in memory, for short results and tests. */
export class MemorySink implements OutputSink {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;
  private patches: { offset: number; bytes: Uint8Array }[] = [];

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    this.chunks.push(bytes.slice());
    this.total += bytes.length;
  }

  async patch(offset: number, bytes: Uint8Array): Promise<void> {
    this.patches.push({ offset, bytes: bytes.slice() });
  }

  get length(): number {
    return this.total;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    for (const patch of this.patches) out.set(patch.bytes, patch.offset);
    return out;
  }
}
