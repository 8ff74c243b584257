/**
 * Buffered file output with two large buffers: one is being filled while the other is written,
 * so disk writes overlap generation and there is one write call per few megabytes.
 */
import { open, type FileHandle } from 'node:fs/promises';

export const SINK_BUFFER = 8 << 20;

export class FileSink {
  /** The buffer being filled, and the fill position. */
  buf: Buffer;
  pos = 0;
  bytes = 0;
  private spare: Buffer;
  private inFlight: Promise<unknown> | null = null;

  private constructor(
    private readonly fh: FileHandle,
    space: Buffer | null,
  ) {
    this.buf = space ? space.subarray(0, SINK_BUFFER) : Buffer.allocUnsafe(SINK_BUFFER);
    this.spare = space ? space.subarray(SINK_BUFFER, 2 * SINK_BUFFER) : Buffer.allocUnsafe(SINK_BUFFER);
  }

  /** `space` (2 * SINK_BUFFER bytes), when given, holds the two buffers. */
  static async open(path: string, space: Buffer | null = null): Promise<FileSink> {
    return new FileSink(await open(path, 'w'), space);
  }

  room(): number {
    return this.buf.length - this.pos;
  }

  /** Starts writing the filled buffer and switches to the other one (after its write finished). */
  async swap(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    const full = this.buf.subarray(0, this.pos);
    this.bytes += this.pos;
    this.inFlight = this.fh.write(full, 0, full.length);
    const b = this.buf;
    this.buf = this.spare;
    this.spare = b;
    this.pos = 0;
  }

  /** Appends bytes (small ones: headers). */
  async append(bytes: Uint8Array): Promise<void> {
    if (this.room() < bytes.length) await this.swap();
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  async close(): Promise<void> {
    try {
      await this.swap();
      if (this.inFlight) await this.inFlight;
    } finally {
      this.inFlight = null;
      await this.fh.close();
    }
  }
}
