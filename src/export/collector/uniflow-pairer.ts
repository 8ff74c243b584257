import { FLOW_REC_BYTES, FR, type FlowBatch } from '../../flow/batch.js';
import { EndCode } from '../../flow/record.js';

/** How far apart (flow times) the two directions of one conversation may be. */
const MAX_GAP_MS = 60_000;
const TCP_SYN = 0x02;
const TCP_ACK = 0x10;
/** ICMP type/code (type << 8 | code) of echo requests and their replies, v4 and v6. */
const ECHO_REVERSE = new Map<number, number>([
  [0x0800, 0x0000],
  [0x0000, 0x0800],
  [0x8000, 0x8100],
  [0x8100, 0x8000],
]);
const ECHO_REQUESTS = new Set([0x0800, 0x8000]);
/** exporter 2, protocol 1, VLAN 2, source address 16 and port 2, destination 16 and 2, IP version 1. */
const KEY_BYTES = 42;

export interface PairerStats {
  /** Conversations whose two directions were joined into one flow. */
  paired: number;
  /** Records stored on their own: no reverse came within the hold, or the table was full. */
  alone: number;
  /** Records that needed no partner (RFC 5103 biflows). */
  passed: number;
  /** Records waiting for their reverse now. */
  waiting: number;
}

interface Waiting {
  record: Uint8Array;
  /** Wall time it arrived (ms). */
  since: number;
}

/**
 * Joins the two unidirectional records most exporters send for one conversation (A→B and B→A,
 * from the same exporter) into one bidirectional flow, as the capture path makes it: the
 * initiator is the side that started first (or sent the SYN, or the echo request), the other
 * record's counters and TCP flags become the responder's. A record waits for its reverse at most
 * `holdMs` of wall time and is then stored alone, as it came; the waiting room is bounded (the
 * oldest leaves first). RFC 5103 biflow records (reverse counters present) pass through.
 */
export class UniflowPairer {
  private readonly waiting = new Map<string, Waiting>();
  private readonly out: Uint8Array;
  private outCount = 0;
  private readonly key = Buffer.alloc(KEY_BYTES);
  private paired = 0;
  private alone = 0;
  private passed = 0;

  constructor(
    private readonly holdMs: number,
    private readonly maxWaiting: number,
    private readonly sink: (batch: FlowBatch) => void,
    batchRecords = 4096,
  ) {
    this.out = new Uint8Array(batchRecords * FLOW_REC_BYTES);
  }

  /** Takes a batch of collected records; what is ready goes to the sink before this returns. */
  push(batch: FlowBatch, now: number): void {
    const bytes = new Uint8Array(batch.buffer);
    const view = new DataView(batch.buffer);
    for (let i = 0; i < batch.count; i++) {
      const o = i * FLOW_REC_BYTES;
      const record = bytes.subarray(o, o + FLOW_REC_BYTES);
      if (view.getFloat64(o + FR.dstPackets, true) > 0 || view.getFloat64(o + FR.dstBytes, true) > 0) {
        this.passed++;
        this.emit(record);
        continue;
      }
      const reverse = this.keyOf(record, true);
      const own = this.keyOf(record, false);
      // A flow from an address and port to themselves has no other direction to wait for.
      const partner = reverse === own ? undefined : this.waiting.get(reverse);
      if (partner && overlaps(partner.record, record)) {
        this.waiting.delete(reverse);
        this.paired++;
        this.emit(joined(partner.record, record));
        continue;
      }
      const same = this.waiting.get(own);
      if (same) {
        // An earlier record of the same direction (an interim export) is stored as it came.
        this.waiting.delete(own);
        this.alone++;
        this.emit(same.record);
      }
      if (this.waiting.size >= this.maxWaiting) this.releaseOldest();
      this.waiting.set(own, { record: record.slice(), since: now });
    }
    this.send();
  }

  /** Stores the records that waited `holdMs` or longer on their own (`now`: a monotonic clock, ms). */
  sweep(now: number): void {
    for (const [k, w] of this.waiting) {
      if (now - w.since < this.holdMs) break; // insertion order is arrival order
      this.waiting.delete(k);
      this.alone++;
      this.emit(w.record);
    }
    this.send();
  }

  /** Stores every waiting record now (shutdown, explicit flush). */
  releaseAll(): void {
    for (const w of this.waiting.values()) {
      this.alone++;
      this.emit(w.record);
    }
    this.waiting.clear();
    this.send();
  }

  stats(): PairerStats {
    return { paired: this.paired, alone: this.alone, passed: this.passed, waiting: this.waiting.size };
  }

  private releaseOldest(): void {
    for (const [k, w] of this.waiting) {
      this.waiting.delete(k);
      this.alone++;
      this.emit(w.record);
      return;
    }
  }

  /**
   * exporter, protocol, VLAN, then source address and port and destination address and port
   * (swapped for `reverse`; for ICMP the echo type/code of the answer), IP version, as a latin1
   * string.
   */
  private keyOf(r: Uint8Array, reverse: boolean): string {
    const k = this.key;
    k[0] = r[FR.exporterId];
    k[1] = r[FR.exporterId + 1];
    k[2] = r[FR.proto];
    k[3] = r[FR.vlan];
    k[4] = r[FR.vlan + 1];
    const a = reverse ? FR.dstAddr : FR.srcAddr;
    const b = reverse ? FR.srcAddr : FR.dstAddr;
    for (let i = 0; i < 16; i++) {
      k[5 + i] = r[a + i];
      k[23 + i] = r[b + i];
    }
    if (r[FR.isIcmp] === 1) {
      const tc = (r[FR.dstPort + 1] << 8) | r[FR.dstPort];
      const want = reverse ? (ECHO_REVERSE.get(tc) ?? tc) : tc;
      k[21] = k[22] = 0;
      k[39] = want & 0xff;
      k[40] = want >>> 8;
    } else {
      const pa = reverse ? FR.dstPort : FR.srcPort;
      const pb = reverse ? FR.srcPort : FR.dstPort;
      k[21] = r[pa];
      k[22] = r[pa + 1];
      k[39] = r[pb];
      k[40] = r[pb + 1];
    }
    k[41] = r[FR.ipVersion];
    return k.toString('latin1', 0, KEY_BYTES);
  }

  private emit(record: Uint8Array): void {
    if (this.outCount === this.out.length / FLOW_REC_BYTES) this.send();
    this.out.set(record, this.outCount * FLOW_REC_BYTES);
    this.outCount++;
  }

  private send(): void {
    if (this.outCount === 0) return;
    const buffer = this.out.slice(0, this.outCount * FLOW_REC_BYTES).buffer;
    const count = this.outCount;
    this.outCount = 0;
    this.sink({ buffer, count });
  }
}

const f64Bytes = new Uint8Array(8);
const f64View = new DataView(f64Bytes.buffer);

/** A little-endian float64 field of a record, read without making a view of the record. */
function f64(r: Uint8Array, at: number): number {
  for (let k = 0; k < 8; k++) f64Bytes[k] = r[at + k];
  return f64View.getFloat64(0, true);
}

function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return (
    f64(b, FR.firstSeen) <= f64(a, FR.lastSeen) + MAX_GAP_MS &&
    f64(a, FR.firstSeen) <= f64(b, FR.lastSeen) + MAX_GAP_MS
  );
}

/**
 * True when `a` rather than `b` started the conversation. A record's TCP flags are the OR of
 * its packets', so after a handshake both sides show SYN and ACK: SYN decides only for an
 * unanswered (or reset) SYN. Then the earlier start decides; at equal starts (exporters with
 * millisecond or second times, short round trips) it is a guess: the higher port is taken for
 * the client's ephemeral one, which is wrong for clients on low ports (NFS from port 800 to 2049,
 * say). The guess is counted nowhere: a planner wanting better should look at flowStart with
 * µs/ns precision, which the collector already keeps when the exporter sends it.
 */
function initiates(a: Uint8Array, b: Uint8Array): boolean {
  if (a[FR.isIcmp] === 1) {
    const tc = (a[FR.dstPort + 1] << 8) | a[FR.dstPort];
    if (ECHO_REQUESTS.has(tc)) return true;
    const tb = (b[FR.dstPort + 1] << 8) | b[FR.dstPort];
    if (ECHO_REQUESTS.has(tb)) return false;
  }
  const synA = (a[FR.srcTcpFlags] & (TCP_SYN | TCP_ACK)) === TCP_SYN;
  const synB = (b[FR.srcTcpFlags] & (TCP_SYN | TCP_ACK)) === TCP_SYN;
  if (synA !== synB) return synA;
  const fa = f64(a, FR.firstSeen);
  const fb = f64(b, FR.firstSeen);
  if (fa !== fb) return fa < fb;
  // Same start: the client is the side with the higher (ephemeral) port.
  const pa = (a[FR.srcPort + 1] << 8) | a[FR.srcPort];
  const pb = (b[FR.srcPort + 1] << 8) | b[FR.srcPort];
  return pa >= pb;
}

/** One bidirectional record of two unidirectional ones (see UniflowPairer). */
function joined(x: Uint8Array, y: Uint8Array): Uint8Array {
  const [init, resp] = initiates(x, y) ? [x, y] : [y, x];
  const out = init.slice();
  const v = new DataView(out.buffer);
  v.setFloat64(FR.dstPackets, f64(resp, FR.srcPackets), true);
  v.setFloat64(FR.dstBytes, f64(resp, FR.srcBytes), true);
  v.setFloat64(FR.firstSeen, Math.min(f64(init, FR.firstSeen), f64(resp, FR.firstSeen)), true);
  v.setFloat64(FR.lastSeen, Math.max(f64(init, FR.lastSeen), f64(resp, FR.lastSeen)), true);
  out[FR.dstTcpFlags] = resp[FR.srcTcpFlags];
  out[FR.endCode] = joinedEnd(init[FR.endCode], resp[FR.endCode]);
  return out;
}

/** A reset on either side ends the conversation with rst; otherwise a FIN; otherwise the initiator's reason. */
function joinedEnd(a: number, b: number): number {
  if (a === EndCode.rst || b === EndCode.rst) return EndCode.rst;
  if (a === EndCode.fin || b === EndCode.fin) return EndCode.fin;
  return a;
}
