/**
 * UDP with IP fragmentation: small requests answered by datagrams larger than the MTU, sent as
 * IPv4 fragments or IPv6 Fragment headers. The first fragment carries the UDP header; the
 * fragments of one datagram are emitted in order, close together, and never cut by the budget.
 */
import type { Flow, FlowScript } from '../flow.js';
import { L4_UDP, type PacketSpec } from '../spec.js';
import { patternOffset, setPayload, smallPayload } from './common.js';

export class UdpFragScript implements FlowScript {
  readonly planned: number;
  private left: number;
  /** Current datagram: direction, UDP payload length, pattern offset, id; next fragment offset. */
  private dgDir = 0;
  private dgPayload = 0;
  private dgPat = 0;
  private dgId = 0;
  private dgOff = -1;
  private nextBig = false;
  private readonly fragData: number;
  private nextFragId: number;

  constructor(f: Flow, budget: number) {
    this.left = Math.max(3, budget);
    this.planned = this.left;
    // data bytes per fragment: a multiple of 8 that fits the room (IPv6 also carries the 8-byte Fragment header)
    this.fragData = ((f.room - (f.v6 ? 8 : 0)) >> 3) << 3;
    this.nextFragId = f.rng.u32();
  }

  next(f: Flow, s: PacketSpec): number {
    s.l4 = L4_UDP;
    if (this.dgOff < 0) {
      if (!this.nextBig) {
        // small request, not fragmented
        s.dir = 0;
        setPayload(f, s, smallPayload(f, 20, 120), f.room - 8);
        this.left--;
        this.nextBig = true;
        return f.rttGap();
      }
      this.startDatagram(f);
    }
    const total = 8 + this.dgPayload;
    const len = Math.min(this.fragData, total - this.dgOff);
    s.dir = this.dgDir;
    s.fragment = true;
    s.fragOff = this.dgOff;
    s.fragLen = len;
    s.fragMore = this.dgOff + len < total;
    s.fragId = this.dgId;
    s.payloadLen = this.dgPayload;
    s.patOff = this.dgPat;
    this.left--;
    this.dgOff += len;
    if (s.fragMore) return f.burstGap();
    this.dgOff = -1;
    this.nextBig = f.rng.chance(0.2); // sometimes two large datagrams in a row
    if (this.left <= 0) return -1;
    return f.dataGap();
  }

  private startDatagram(f: Flow): void {
    this.dgDir = f.rng.chance(0.8) ? 1 : 0;
    // more than one fragment's worth, at most four fragments
    this.dgPayload = f.rng.range(this.fragData - 7, 4 * this.fragData - 8);
    this.dgPat = patternOffset(f);
    this.dgId = f.v6 ? this.nextFragId : this.nextFragId & 0xffff;
    this.nextFragId = (this.nextFragId + 1) >>> 0;
    this.dgOff = 0;
  }
}
