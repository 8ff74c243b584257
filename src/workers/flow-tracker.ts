import { EndCode } from '../flow/record.js';
import type { DecodedPacket } from './decode/packet.js';
import { ShardCounter } from './counters.js';
import type { FlowBatchWriter } from './flow-batch-writer.js';
import { flowHash } from './flow-hash.js';
import { FL, FlowState, FlowTable, List, LIST_COUNT } from './flow-table.js';
import { FRAGMENT_TIMEOUT_MS, FragmentTable } from './fragments.js';

export interface TrackerTimeouts {
  /** Idle timeouts (ms of packet time) per protocol class. */
  idleTcpMs: number;
  idleUdpMs: number;
  idleOtherMs: number;
  /** How long a TCP flow stays after both FINs or a RST, to catch the last ACKs. */
  lingerMs: number;
  /** Long flows are reported (and restarted) after this much time. */
  activeMs: number;
}

const FIN = 1;
const SYN = 2;
const RST = 4;
const ACK = 16;
const MAX_SHARDS = 64;

/** ICMP/ICMPv6 reply type -> request type, for the query/response pairs that form one flow. */
const ICMP4_REQUEST_OF_REPLY = new Int16Array(256).fill(-1);
const ICMP4_IS_REQUEST = new Uint8Array(256);
const ICMP6_REQUEST_OF_REPLY = new Int16Array(256).fill(-1);
const ICMP6_IS_REQUEST = new Uint8Array(256);
for (const [req, rep] of [
  [8, 0],
  [13, 14],
  [15, 16],
  [17, 18],
  [10, 9],
]) {
  ICMP4_REQUEST_OF_REPLY[rep] = req;
  ICMP4_IS_REQUEST[req] = 1;
}
for (const [req, rep] of [
  [128, 129],
  [133, 134],
  [135, 136],
  [139, 140],
  [144, 145],
]) {
  ICMP6_REQUEST_OF_REPLY[rep] = req;
  ICMP6_IS_REQUEST[req] = 1;
}

/**
 * Turns decoded packets into bidirectional flows in one shard's FlowTable: initiator detection,
 * TCP end states, fragments, idle/active timeouts, eviction. Ended flows go to `out`.
 * Allocation-free per packet.
 */
export class FlowTracker {
  private readonly idleByList: Float64Array;

  constructor(
    readonly table: FlowTable,
    readonly frags: FragmentTable,
    readonly counters: Float64Array,
    readonly timeouts: TrackerTimeouts,
    readonly shardIndex: number,
    readonly out: FlowBatchWriter,
  ) {
    if (shardIndex < 0 || shardIndex >= MAX_SHARDS)
      throw new RangeError(`shard index ${shardIndex} out of range`);
    this.idleByList = new Float64Array(LIST_COUNT);
    this.idleByList[List.tcp] = timeouts.idleTcpMs;
    this.idleByList[List.udp] = timeouts.idleUdpMs;
    this.idleByList[List.other] = timeouts.idleOtherMs;
    this.idleByList[List.closing] = timeouts.lingerMs;
  }

  /** Accounts one decoded IP packet (decodePacket returned true). */
  packet(p: DecodedPacket, tsMs: number, ifIndex: number, vlan: number): void {
    const c = this.counters;
    const t = this.table;
    if (tsMs > t.nowMs) t.nowMs = tsMs;
    const meta = (p.proto & 0xff) | (p.ipVersion === 6 ? 0x100 : 0) | ((vlan & 0xfff) << 12);
    let sp = p.srcPort;
    let dp = p.dstPort;
    let hasPorts = p.hasPorts;
    let pendingEntry = -1;

    if (p.isFragment) {
      const f = this.frags;
      let e = f.find(p.src, p.dst, p.proto, p.fragId, meta);
      if (p.fragOffset === 0) {
        c[ShardCounter.fragmentsFirst]++;
        if (e < 0) e = this.claimFragment(p.src, p.dst, p.proto, p.fragId, meta, tsMs);
        if (hasPorts) f.setPorts(e, sp, dp);
        f.ts[e] = tsMs;
        if (f.pendPackets[e] > 0) pendingEntry = e;
      } else {
        c[ShardCounter.fragmentsLater]++;
        if (e >= 0 && f.hasPorts(e)) {
          const ports = f.ports[e];
          sp = ports >>> 16;
          dp = ports & 0xffff;
          hasPorts = true;
          f.ts[e] = tsMs;
        } else {
          // The first fragment has not been seen (yet): hold the packet in the entry.
          if (e < 0) e = this.claimFragment(p.src, p.dst, p.proto, p.fragId, meta, tsMs);
          if (f.pendPackets[e] === 0 || tsMs < f.pendFirst[e]) f.pendFirst[e] = tsMs;
          if (tsMs > f.pendLast[e]) f.pendLast[e] = tsMs;
          f.pendPackets[e]++;
          f.pendBytes[e] += p.ipBytes;
          f.ts[e] = tsMs;
          c[ShardCounter.flowPackets]++;
          return;
        }
      }
    }

    // Key orientation: `a` is the packet's source unless an ICMP reply is seen, which is keyed
    // as if it were its request (so request and reply are one flow).
    let a = p.src;
    let b = p.dst;
    let fromA = true;
    let icmpTypeCode = 0;
    if (!hasPorts) {
      sp = 0;
      dp = 0;
    } else if (p.proto === 1 || p.proto === 58) {
      const type = p.icmpType;
      const reqOfReply = p.proto === 1 ? ICMP4_REQUEST_OF_REPLY[type] : ICMP6_REQUEST_OF_REPLY[type];
      const isRequest = p.proto === 1 ? ICMP4_IS_REQUEST[type] === 1 : ICMP6_IS_REQUEST[type] === 1;
      if (reqOfReply >= 0) {
        a = p.dst;
        b = p.src;
        fromA = false;
        sp = reqOfReply;
        dp = p.icmpId;
        icmpTypeCode = (reqOfReply << 8) | p.icmpCode;
      } else if (isRequest) {
        sp = type;
        dp = p.icmpId;
        icmpTypeCode = (type << 8) | p.icmpCode;
      } else {
        sp = type;
        dp = p.icmpCode;
        icmpTypeCode = (type << 8) | p.icmpCode;
      }
    }

    const h = flowHash(a, b, sp, dp, meta);
    let slot = t.find(a, b, sp, dp, meta, h);
    let fromInitiator = fromA;
    const isTcp = p.proto === 6;
    const flags = isTcp ? p.tcpFlags : 0;

    if (slot >= 0) {
      fromInitiator = t.foundReversed === 0 ? fromA : !fromA;
      const st = t.u8[(slot << 7) + FL.state];
      if (isTcp && (flags & SYN) !== 0) {
        if ((st & FlowState.closing) !== 0 && (flags & ACK) === 0) {
          // A new SYN on a closed connection: port reuse, the old flow ends here.
          this.end(slot, this.closeCode(st));
          c[ShardCounter.tcpPortReuse]++;
          slot = -1;
        } else if ((st & FlowState.synSeen) === 0) {
          const pureSyn = (flags & ACK) === 0;
          if (pureSyn !== fromInitiator) {
            t.swapOrientation(slot);
            fromInitiator = !fromInitiator;
            c[ShardCounter.orientationSwaps]++;
          }
          t.u8[(slot << 7) + FL.state] = st | FlowState.synSeen;
        }
      }
      if (slot >= 0 && tsMs - t.f64[(slot << 4) + FL.first] >= this.timeouts.activeMs) {
        this.splitActive(slot, tsMs);
      }
    }

    if (slot < 0) {
      if (t.isFull()) this.evictOldest();
      const list = isTcp ? List.tcp : p.proto === 17 ? List.udp : List.other;
      // A SYN-ACK seen first: its sender is the server.
      const synAck = isTcp && (flags & (SYN | ACK)) === (SYN | ACK);
      if (synAck) {
        slot = t.insert(b, a, dp, sp, meta, h, list);
        fromInitiator = false;
      } else {
        slot = t.insert(a, b, sp, dp, meta, h, list);
        fromInitiator = fromA;
      }
      if (isTcp && (flags & SYN) !== 0) t.u8[(slot << 7) + FL.state] = FlowState.synSeen;
      t.f64[(slot << 4) + FL.id] = t.nextSeq() * MAX_SHARDS + this.shardIndex;
      t.f64[(slot << 4) + FL.first] = tsMs;
      t.f64[(slot << 4) + FL.last] = tsMs;
      t.u16[(slot << 6) + FL.ifIndex] = ifIndex;
      t.u16[(slot << 6) + FL.icmp] = icmpTypeCode;
      if (p.tunnelType !== 0) this.setTunnel(slot, p);
      c[ShardCounter.flowsCreated]++;
    }

    // Accounting.
    const bytes = p.ipBytes;
    if (fromInitiator) {
      t.f64[(slot << 4) + FL.srcPackets]++;
      t.f64[(slot << 4) + FL.srcBytes] += bytes;
      t.u8[(slot << 7) + FL.srcFlags] |= flags;
    } else {
      t.f64[(slot << 4) + FL.dstPackets]++;
      t.f64[(slot << 4) + FL.dstBytes] += bytes;
      t.u8[(slot << 7) + FL.dstFlags] |= flags;
    }
    if (tsMs < t.f64[(slot << 4) + FL.first]) t.f64[(slot << 4) + FL.first] = tsMs;
    if (tsMs > t.f64[(slot << 4) + FL.last]) t.f64[(slot << 4) + FL.last] = tsMs;
    c[ShardCounter.flowPackets]++;

    t.u8[(slot << 7) + FL.state] |= FlowState.dirty;
    let list = t.u8[(slot << 7) + FL.list];
    if (isTcp) {
      let st = t.u8[(slot << 7) + FL.state];
      if ((flags & FIN) !== 0) st |= fromInitiator ? FlowState.finFromSrc : FlowState.finFromDst;
      if ((flags & RST) !== 0) st |= FlowState.rst;
      if ((st & FlowState.closing) === 0 && (this.bothFins(st) || (st & FlowState.rst) !== 0)) {
        st |= FlowState.closing;
        list = List.closing;
      }
      t.u8[(slot << 7) + FL.state] = st;
    }
    t.touch(slot, list);

    if (pendingEntry >= 0) this.settlePending(pendingEntry, slot, fromInitiator);
  }

  /** Ends every flow idle longer than its timeout at `nowMs` (packet time). */
  expire(nowMs: number): void {
    const t = this.table;
    for (let l = 0; l < LIST_COUNT; l++) {
      const idle = this.idleByList[l];
      for (let s = t.listTail(l); s >= 0 && t.f64[(s << 4) + FL.last] + idle <= nowMs; s = t.listTail(l)) {
        this.end(s, l === List.closing ? this.closeCode(t.u8[(s << 7) + FL.state]) : EndCode.idle);
      }
    }
    this.expireFragments(nowMs);
    t.lastScanMs = nowMs;
  }

  /** Ends every flow (end of file or shutdown). Lingering TCP flows keep their fin/rst reason. */
  flushAll(code: number): void {
    const f = this.frags;
    for (let e = 0; e < f.size; e++) {
      if ((f.info[e] & 1) === 1) this.settleOrphans(e);
    }
    const t = this.table;
    for (let l = 0; l < LIST_COUNT; l++) {
      for (let s = t.listTail(l); s >= 0; s = t.listTail(l)) {
        this.end(s, l === List.closing ? this.closeCode(t.u8[(s << 7) + FL.state]) : code);
      }
    }
  }

  /**
   * Writes the flows changed since the last snapshot as 'active' records (for the store's live
   * view) and marks them clean. `all`: every active flow, changed or not.
   */
  snapshotActive(all = false): void {
    const t = this.table;
    for (let l = 0; l < LIST_COUNT; l++) {
      for (let s = t.listHead(l); s >= 0; s = t.nextOf(s)) {
        const at = (s << 7) + FL.state;
        if ((t.u8[at] & FlowState.dirty) === 0 && !all) break;
        this.out.write(t, s, EndCode.active);
        t.u8[at] &= ~FlowState.dirty;
      }
    }
  }

  private bothFins(st: number): boolean {
    return (st & FlowState.finFromSrc) !== 0 && (st & FlowState.finFromDst) !== 0;
  }

  private closeCode(st: number): number {
    return this.bothFins(st) || (st & FlowState.rst) === 0 ? EndCode.fin : EndCode.rst;
  }

  private end(slot: number, code: number): void {
    this.out.write(this.table, slot, code);
    this.counters[ShardCounter.flowsEnded]++;
    this.counters[ShardCounter.endedBase + code]++;
    this.table.remove(slot);
  }

  private evictOldest(): void {
    const t = this.table;
    let victim = -1;
    let oldest = Infinity;
    for (let l = 0; l < LIST_COUNT; l++) {
      const s = t.listTail(l);
      if (s >= 0 && t.f64[(s << 4) + FL.last] < oldest) {
        oldest = t.f64[(s << 4) + FL.last];
        victim = s;
      }
    }
    this.counters[ShardCounter.evictions]++;
    this.end(victim, EndCode.evicted);
  }

  private splitActive(slot: number, tsMs: number): void {
    const t = this.table;
    this.out.write(t, slot, EndCode.activeTimeout);
    this.counters[ShardCounter.flowsEnded]++;
    this.counters[ShardCounter.endedBase + EndCode.activeTimeout]++;
    this.counters[ShardCounter.activeTimeoutSplits]++;
    t.f64[(slot << 4) + FL.id] = t.nextSeq() * MAX_SHARDS + this.shardIndex;
    t.f64[(slot << 4) + FL.first] = tsMs;
    t.f64[(slot << 4) + FL.last] = tsMs;
    t.f64[(slot << 4) + FL.srcPackets] = 0;
    t.f64[(slot << 4) + FL.dstPackets] = 0;
    t.f64[(slot << 4) + FL.srcBytes] = 0;
    t.f64[(slot << 4) + FL.dstBytes] = 0;
    t.u8[(slot << 7) + FL.srcFlags] = 0;
    t.u8[(slot << 7) + FL.dstFlags] = 0;
  }

  private setTunnel(slot: number, p: DecodedPacket): void {
    const t = this.table;
    const k = slot * 8;
    for (let w = 0; w < 4; w++) {
      t.outer[k + w] = p.outerSrc[w];
      t.outer[k + 4 + w] = p.outerDst[w];
    }
    t.u8[(slot << 7) + FL.tunnelType] = p.tunnelType;
    t.u32[(slot << 5) + FL.tunnelId] = p.tunnelId;
    t.u8[(slot << 7) + FL.outerVersion] = p.outerVersion;
  }

  private claimFragment(
    src: Uint32Array,
    dst: Uint32Array,
    proto: number,
    id: number,
    meta: number,
    tsMs: number,
  ): number {
    const f = this.frags;
    const e = f.claim(src, dst, proto, id, meta, tsMs);
    if (f.overwritten) {
      if (f.ts[e] + FRAGMENT_TIMEOUT_MS > tsMs) this.counters[ShardCounter.fragmentTableOverwrites]++;
      this.settleOrphans(e);
    }
    f.fill(e, src, dst, proto, id, meta, tsMs);
    return e;
  }

  /** The first fragment arrived after some later ones: they join its flow now. */
  private settlePending(e: number, slot: number, fromInitiator: boolean): void {
    const f = this.frags;
    const t = this.table;
    const n = f.pendPackets[e];
    if (fromInitiator) {
      t.f64[(slot << 4) + FL.srcPackets] += n;
      t.f64[(slot << 4) + FL.srcBytes] += f.pendBytes[e];
    } else {
      t.f64[(slot << 4) + FL.dstPackets] += n;
      t.f64[(slot << 4) + FL.dstBytes] += f.pendBytes[e];
    }
    if (f.pendFirst[e] < t.f64[(slot << 4) + FL.first]) t.f64[(slot << 4) + FL.first] = f.pendFirst[e];
    if (f.pendLast[e] > t.f64[(slot << 4) + FL.last]) t.f64[(slot << 4) + FL.last] = f.pendLast[e];
    this.counters[ShardCounter.fragmentsEarlySettled] += n;
    f.pendPackets[e] = 0;
    f.pendBytes[e] = 0;
  }

  /**
   * A datagram whose first fragment never came: its held fragments are accounted to the
   * port-less flow of (src, dst, proto), so no packet is lost from the totals.
   */
  private settleOrphans(e: number): void {
    const f = this.frags;
    const n = f.pendPackets[e];
    if (n > 0) {
      const t = this.table;
      const k = e * 8;
      const src = this.orphanSrc;
      const dst = this.orphanDst;
      for (let w = 0; w < 4; w++) {
        src[w] = f.key[k + w];
        dst[w] = f.key[k + 4 + w];
      }
      const info = f.info[e];
      const proto = (info >>> 8) & 0xff;
      const meta = proto | (info & 4 ? 0x100 : 0) | ((info >>> 16) << 12);
      const h = flowHash(src, dst, 0, 0, meta);
      let slot = t.find(src, dst, 0, 0, meta, h);
      let fromInitiator = t.foundReversed === 0;
      if (slot < 0) {
        if (t.isFull()) this.evictOldest();
        slot = t.insert(
          src,
          dst,
          0,
          0,
          meta,
          h,
          proto === 6 ? List.tcp : proto === 17 ? List.udp : List.other,
        );
        t.f64[(slot << 4) + FL.id] = t.nextSeq() * MAX_SHARDS + this.shardIndex;
        t.f64[(slot << 4) + FL.first] = f.pendFirst[e];
        t.f64[(slot << 4) + FL.last] = f.pendLast[e];
        t.u16[(slot << 6) + FL.ifIndex] = 0;
        fromInitiator = true;
        this.counters[ShardCounter.flowsCreated]++;
      }
      if (fromInitiator) {
        t.f64[(slot << 4) + FL.srcPackets] += n;
        t.f64[(slot << 4) + FL.srcBytes] += f.pendBytes[e];
      } else {
        t.f64[(slot << 4) + FL.dstPackets] += n;
        t.f64[(slot << 4) + FL.dstBytes] += f.pendBytes[e];
      }
      if (f.pendFirst[e] < t.f64[(slot << 4) + FL.first]) t.f64[(slot << 4) + FL.first] = f.pendFirst[e];
      if (f.pendLast[e] > t.f64[(slot << 4) + FL.last]) t.f64[(slot << 4) + FL.last] = f.pendLast[e];
      t.u8[(slot << 7) + FL.state] |= FlowState.dirty;
      t.touch(slot, t.u8[(slot << 7) + FL.list]);
      this.counters[ShardCounter.fragmentsOrphaned] += n;
    }
    f.free(e);
  }

  private readonly orphanSrc = new Uint32Array(4);
  private readonly orphanDst = new Uint32Array(4);

  private expireFragments(nowMs: number): void {
    const f = this.frags;
    for (let e = 0; e < f.size; e++) {
      if ((f.info[e] & 1) === 1 && f.ts[e] + FRAGMENT_TIMEOUT_MS <= nowMs) this.settleOrphans(e);
    }
  }
}
