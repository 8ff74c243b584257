import { decodeFlow, FlowCursor, FLOW_REC_BYTES, type FlowBatch } from '../flow/batch.js';
import type { FlowRecord } from '../flow/record.js';

/** Records per chunk: 4096 × 144 B = 576 KiB, one allocation per chunk, never per flow. */
export const CHUNK_RECORDS = 4096;
const WORDS = FLOW_REC_BYTES / 4;

/**
 * Flow records kept in their binary batch layout (src/flow/batch.ts) in fixed-size chunks, so
 * that storing a flow is a 144-byte copy, a stored flow costs 144 bytes, and the filter
 * matcher, NDJSON encoder and record decoder read stored flows exactly as they read batches.
 */
export class RecordChunks {
  readonly chunks: ArrayBuffer[] = [];
  private readonly words: Int32Array[] = [];
  /** A reader per chunk, made on first decode: a cursor's views cost more to make than a decode. */
  private readonly cursors: (FlowCursor | undefined)[] = [];
  count = 0;

  /** Copies record `i` of `src` (an Int32Array over a batch buffer) to the end. Returns its index. */
  append(src: Int32Array, i: number): number {
    const at = this.count;
    const c = at >>> 12;
    if (c === this.chunks.length) {
      const buf = new ArrayBuffer(CHUNK_RECORDS * FLOW_REC_BYTES);
      this.chunks.push(buf);
      this.words.push(new Int32Array(buf));
    }
    this.copyIn(at, src, i);
    this.count++;
    return at;
  }

  /** Overwrites record `at` (which must exist) with record `i` of `src`. */
  copyIn(at: number, src: Int32Array, i: number): void {
    const dst = this.words[at >>> 12];
    const d = (at & (CHUNK_RECORDS - 1)) * WORDS;
    const s = i * WORDS;
    // 36 aligned 32-bit copies: Float64 copies could canonicalise NaN bit patterns of non-float fields.
    for (let k = 0; k < WORDS; k++) dst[d + k] = src[s + k];
  }

  /** The chunk holding record `at` as a batch, and the record's index within it. */
  locate(at: number): { batch: FlowBatch; index: number } {
    const c = at >>> 12;
    const inChunk = c === this.chunks.length - 1 ? this.count - c * CHUNK_RECORDS : CHUNK_RECORDS;
    return { batch: { buffer: this.chunks[c], count: inChunk }, index: at & (CHUNK_RECORDS - 1) };
  }

  /** Record `at` in the public record shape. */
  decode(at: number): FlowRecord {
    const c = at >>> 12;
    let cursor = this.cursors[c];
    if (cursor === undefined) {
      cursor = new FlowCursor({ buffer: this.chunks[c], count: CHUNK_RECORDS });
      this.cursors[c] = cursor;
    }
    return decodeFlow(cursor.batch, at & (CHUNK_RECORDS - 1), cursor);
  }

  /** Each chunk as a batch of the records it holds. */
  *batches(): Generator<FlowBatch> {
    for (let c = 0; c < this.chunks.length; c++) {
      const n = Math.min(CHUNK_RECORDS, this.count - c * CHUNK_RECORDS);
      if (n > 0) yield { buffer: this.chunks[c], count: n };
    }
  }

  get bytes(): number {
    return this.chunks.length * CHUNK_RECORDS * FLOW_REC_BYTES;
  }
}
