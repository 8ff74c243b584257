import type { FlowBatch, FlowCursor } from '../../flow/batch.js';
import { FlowJsonEncoder } from '../../flow/json-encoder.js';

/**
 * The JSON of the records still waiting to be sent, written once per record straight from the
 * binary batch (FlowJsonEncoder: the same text as JSON.stringify of the decoded record), however
 * many connections it goes to. Keyed weakly by batch: an entry lives as long as some connection
 * still holds that batch.
 */
export class RecordCache {
  private readonly encoded = new WeakMap<FlowBatch, (string | undefined)[]>();
  private readonly encoder = new FlowJsonEncoder(2048);
  private view: DataView | null = null;
  private bytes: Uint8Array | null = null;
  private last: FlowBatch | null = null;
  /** Records encoded (for tests and the benchmark: encodes ≤ records sent). */
  encodes = 0;

  json(cursor: FlowCursor, i: number): string {
    const batch = cursor.batch;
    let rows = this.encoded.get(batch);
    if (rows === undefined) {
      rows = new Array<string | undefined>(batch.count);
      this.encoded.set(batch, rows);
    }
    let s = rows[i];
    if (s === undefined) {
      s = this.encode(batch, i);
      rows[i] = s;
      this.encodes++;
    }
    return s;
  }

  private encode(batch: FlowBatch, i: number): string {
    if (batch !== this.last) {
      this.last = batch;
      this.view = new DataView(batch.buffer);
      this.bytes = new Uint8Array(batch.buffer);
    }
    this.encoder.line(this.view as DataView, this.bytes as Uint8Array, i);
    const line = this.encoder.take();
    return line.toString('latin1', 0, line.length - 1);
  }
}
