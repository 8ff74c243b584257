import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { FlowRecord } from '../flow/record.js';
import { FlowmatrixError } from '../errors.js';

/**
 * Ended flows as newline-delimited JSON, one record per line in the DESIGN schema, to a file or
 * to stdout ("-"). Lines of a batch are joined into one write.
 */
export class NdjsonWriter {
  private stream: WriteStream | NodeJS.WriteStream | null = null;
  private failure: Error | null = null;
  written = 0;

  constructor(readonly target: string) {}

  async start(): Promise<void> {
    if (this.target === '-') {
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

  write(records: Iterable<FlowRecord>): void {
    if (!this.stream) return;
    let chunk = '';
    for (const r of records) {
      chunk += JSON.stringify(r) + '\n';
      this.written++;
    }
    if (chunk) this.stream.write(chunk);
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
