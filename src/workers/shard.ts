import { ShardCounter } from './counters.js';
import { decodePacket, DECODE_ERROR_COUNT } from './decode/index.js';
import { DecodedPacket } from './decode/packet.js';
import { FlowBatchWriter } from './flow-batch-writer.js';
import { FlowTable, ShardOwnership } from './flow-table.js';
import { FlowTracker, type TrackerTimeouts } from './flow-tracker.js';
import { FragmentTable } from './fragments.js';
import { REC_HEADER_BYTES, Rec, RecordFlag } from './ring/layout.js';
import { RingConsumer } from './ring/ring.js';

/** The shared memory of one shard: everything a task needs to continue where the last one stopped. */
export interface ShardBuffers {
  ring: SharedArrayBuffer;
  table: SharedArrayBuffer;
  fragments: SharedArrayBuffer;
  counters: SharedArrayBuffer;
}

/** How often (packet time) the idle scan runs while packets flow. */
const SCAN_INTERVAL_MS = 1000;
/** How long a drain task sleeps on an empty ring before giving the worker back. */
const EMPTY_WAIT_MS = 2;

/**
 * A worker's handle on one shard: views over the shard's shared buffers plus the worker-local
 * scratch (decoded packet struct, output batch). Built once per worker and shard, reused by
 * every task that worker runs for the shard.
 */
export class ShardProcessor {
  private readonly ring: RingConsumer;
  private readonly table: FlowTable;
  private readonly tracker: FlowTracker;
  private readonly counters: Float64Array;
  private readonly decodeCounters: Float64Array;
  private readonly pkt = new DecodedPacket();
  private readonly out = new FlowBatchWriter();

  constructor(buffers: ShardBuffers, timeouts: TrackerTimeouts, shardIndex: number) {
    this.ring = new RingConsumer(buffers.ring);
    this.table = new FlowTable(buffers.table);
    this.counters = new Float64Array(buffers.counters);
    this.decodeCounters = new Float64Array(buffers.counters, ShardCounter.decodeBase * 8, DECODE_ERROR_COUNT);
    this.tracker = new FlowTracker(
      this.table,
      new FragmentTable(buffers.fragments),
      this.counters,
      timeouts,
      shardIndex,
      this.out,
    );
  }

  /**
   * Consumes the ring until it is empty (after a short wait) or `budgetMs` of wall time has
   * passed; ends flows whose timeouts passed in packet time. Returns the flow records produced.
   */
  drain(budgetMs: number): ArrayBuffer {
    ShardOwnership.acquire(this.table);
    const ring = this.ring;
    ring.resync();
    this.counters[ShardCounter.tasks]++;
    const deadline = performance.now() + budgetMs;
    let n = 0;
    for (;;) {
      const at = ring.peek();
      if (at < 0) {
        ring.publish();
        if (ring.isClosed() || performance.now() >= deadline) break;
        ring.waitForData(EMPTY_WAIT_MS);
        if (ring.peek() < 0) break;
        continue;
      }
      this.processRecord(at);
      ring.release(at);
      if ((++n & 1023) === 0) {
        if (this.table.nowMs - this.table.lastScanMs >= SCAN_INTERVAL_MS)
          this.tracker.expire(this.table.nowMs);
        if (performance.now() >= deadline) break;
      }
    }
    ring.publish();
    // The producer's clock moves on even when this shard gets no packets, but it may only be
    // used once everything published before it has been consumed: the producer stores the
    // clock after publishing, so reading the clock first and then finding the ring empty
    // proves no packet older than the clock is still waiting here.
    const clock = ring.clockMs();
    const now = ring.isEmpty() ? Math.max(this.table.nowMs, clock) : this.table.nowMs;
    if (now > this.table.nowMs) this.table.nowMs = now;
    if (now - this.table.lastScanMs >= SCAN_INTERVAL_MS) this.tracker.expire(now);
    ShardOwnership.release(this.table);
    return this.out.take().buffer;
  }

  /** Ends every flow with `endCode` (fin/rst kept for lingering TCP flows). */
  flush(endCode: number): ArrayBuffer {
    ShardOwnership.acquire(this.table);
    this.tracker.flushAll(endCode);
    ShardOwnership.release(this.table);
    return this.out.take().buffer;
  }

  /** Every active flow as an 'active' record. */
  snapshot(): ArrayBuffer {
    ShardOwnership.acquire(this.table);
    this.tracker.snapshotActive();
    ShardOwnership.release(this.table);
    return this.out.take().buffer;
  }

  private processRecord(at: number): void {
    const v = this.ring.view;
    const capLen = v.getUint32(at + Rec.capLen, true);
    const wireLen = v.getUint32(at + Rec.wireLen, true);
    const tsSec = v.getUint32(at + Rec.tsSec, true) + v.getUint32(at + Rec.tsSecHigh, true) * 4294967296;
    const tsMs = tsSec * 1000 + v.getUint32(at + Rec.tsNsec, true) / 1e6;
    const linkType = v.getUint16(at + Rec.linkType, true);
    const c = this.counters;
    c[ShardCounter.packets]++;
    c[ShardCounter.wireBytes] += wireLen;
    const pkt = this.pkt;
    if (
      !decodePacket(
        this.ring.bytes,
        at + REC_HEADER_BYTES,
        capLen,
        wireLen,
        linkType,
        pkt,
        this.decodeCounters,
      )
    ) {
      c[ShardCounter.noFlowPackets]++;
      if (tsMs > this.table.nowMs) this.table.nowMs = tsMs;
      return;
    }
    // TPACKET_V3 strips the outer 802.1Q tag into metadata: it wins over any tag left in the frame.
    const vlan =
      (v.getUint8(at + Rec.flags) & RecordFlag.vlanValid) !== 0
        ? v.getUint16(at + Rec.vlanTci, true) & 0xfff
        : pkt.vlan;
    this.tracker.packet(pkt, tsMs, v.getUint16(at + Rec.ifIndex, true), vlan);
  }
}
