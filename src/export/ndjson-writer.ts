import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FlowCursor } from '../flow/batch.js';
import { FlowJsonEncoder } from '../flow/json-encoder.js';
import { EndCode } from '../flow/record.js';
import { FlowmatrixError } from '../errors.js';

/**
 * Ended flows as newline-delimited JSON, one record per line in the DESIGN schema, to a file or
 * to stdout ("-"). Lines of a batch are joined into one write.
 */
const CHUNK_BYTES = 1 << 20;

export class NdjsonWriter {
  private stream: WriteStream | NodeJS.WriteStream | null = null;
  private failure: Error | null = null;
  private readonly encoder = new FlowJsonEncoder(CHUNK_BYTES + 4096);
  written = 0;

  constructor(
    readonly target: string,
    private readonly filter: { matchBatch(cursor: FlowCursor, i: number): boolean } | null = null,
  ) {}

  async start(): Promise<void> {
    if (this.target === '-') {
      // A reader that goes away (| head) ends the output, not the program: like tcpdump.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') this.stream = null;
        else this.failure = err;
      });
      this.stream = process.stdout;
      return;
    }
    const s = createWriteStream(this.target);
    s.on('error', (err) => {
      this.failure = err;
    });
    try {
      await once(s, 'open');
    } catch (err) {
      throw new FlowmatrixError('FILE_UNWRITABLE', `cannot write ${this.target}: ${(err as Error).message}`);
    }
    this.stream = s;
  }

  /** Writes the ended flows of a batch (active snapshots are not output). */
  writeBatch(cursor: FlowCursor): void {
    const stream = this.stream;
    if (!stream) return;
    const { batch } = cursor;
    const view = new DataView(batch.buffer);
    const bytes = new Uint8Array(batch.buffer);
    const enc = this.encoder;
    for (let i = 0; i < batch.count; i++) {
      if (cursor.at(i).endCode === EndCode.active) continue;
      if (this.filter && !this.filter.matchBatch(cursor, i)) continue;
      enc.line(view, bytes, i);
      this.written++;
      if (enc.length >= CHUNK_BYTES) stream.write(enc.take());
    }
    if (enc.length > 0) stream.write(enc.take());
  }

  async stop(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    if (!s) return;
    if (s === process.stdout) {
      if (s.writableNeedDrain) await once(s, 'drain');
      return;
    }
    await new Promise<void>((resolve) => (s as WriteStream).end(() => resolve()));
    if (this.failure)
      throw new FlowmatrixError('FILE_UNWRITABLE', `writing ${this.target} failed: ${this.failure.message}`);
  }
}
