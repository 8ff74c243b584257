import { FLOW_REC_BYTES, FR } from '../flow/batch.js';
import type { RecordChunks } from './record-chunks.js';

/**
 * Host index of one segment: every record's source and destination address as a 32-bit key
 * (IPv4 itself, IPv6 a hash of its 16 bytes), sorted, each with its record index. A query that
 * requires a host binary-searches it instead of scanning the segment; candidates are then checked
 * by the full filter, so hash collisions cost only a check. 16 bytes per flow.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class HostIndex {
  private readonly entries: BigUint64Array;
  /** Records covered (a segment that grows later is indexed again or scanned past this). */
  readonly covered: number;

  constructor(records: RecordChunks) {
    this.covered = records.count;
    const e = new BigUint64Array(this.covered * 2);
    // Entries are written as two 32-bit halves (key high, record low) through a Uint32Array over
    // the same memory: making two BigInts per address cost ~1 µs a record, and the segment that
    // is still filling is indexed again every time it grows by half (API p99 spikes).
    const words = new Uint32Array(e.buffer);
    const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
    let n = 0;
    let at = 0;
    for (const batch of records.batches()) {
      const bytes = new Uint8Array(batch.buffer);
      for (let i = 0; i < batch.count; i++, at++) {
        const o = i * FLOW_REC_BYTES;
        const v6 = bytes[o + FR.ipVersion] === 6;
        words[2 * n + hi] = hostKey32(bytes, o + FR.srcAddr, v6);
        words[2 * n + lo] = at;
        n++;
        words[2 * n + hi] = hostKey32(bytes, o + FR.dstAddr, v6);
        words[2 * n + lo] = at;
        n++;
      }
    }
    e.sort();
    this.entries = e;
  }

  get bytes(): number {
    return this.entries.byteLength;
  }

  /** Indexes of the records that have `key` as source or destination, ascending, without repeats. */
  lookup(key: number): number[] {
    const e = this.entries;
    const lo = BigInt(key) << 32n;
    let a = 0;
    let b = e.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (e[m] < lo) a = m + 1;
      else b = m;
    }
    const out: number[] = [];
    const k = BigInt(key);
    for (let i = a; i < e.length && e[i] >> 32n === k; i++) {
      const rec = Number(e[i] & 0xffffffffn);
      if (out.length === 0 || out[out.length - 1] !== rec) out.push(rec);
    }
    return out;
  }
}

/** IPv4: the address as a number; IPv6: FNV-1a of its 16 bytes. */
export function hostKey32(bytes: Uint8Array, at: number, v6: boolean): number {
  if (!v6) return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) h = Math.imul(h ^ bytes[at + i], 0x01000193);
  return h >>> 0;
}
