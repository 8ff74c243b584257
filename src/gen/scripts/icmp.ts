/** ICMP / ICMPv6 flows: echo request/reply sessions, and errors sent by a router to a host. */
import type { Flow, FlowScript } from '../flow.js';
import { L4_ICMP_ECHO, L4_ICMP_ERROR, type PacketSpec } from '../spec.js';
import { setPayload } from './common.js';

/** Echo requests, each answered after one round trip (a few replies are lost). */
export class IcmpEchoScript implements FlowScript {
  readonly planned: number;
  private left: number;
  private readonly ident: number;
  private seq = 1;
  private readonly size: number;
  private replyDue = false;
  private patOff = 0;

  constructor(f: Flow, budget: number) {
    this.left = Math.max(1, budget);
    this.planned = this.left;
    this.ident = f.rng.int(65536);
    this.size = f.tiny ? f.rng.int(8) : f.rng.chance(0.6) ? 56 : f.rng.range(0, Math.min(1400, f.room - 8));
    f.icmpType = f.v6 ? 128 : 8;
    f.icmpCode = 0;
  }

  next(f: Flow, s: PacketSpec): number {
    s.l4 = L4_ICMP_ECHO;
    s.icmpCode = 0;
    s.icmpRest = ((this.ident << 16) | (this.seq & 0xffff)) >>> 0;
    if (this.replyDue) {
      s.dir = 1;
      s.icmpType = f.v6 ? 129 : 0;
      s.payloadLen = this.size;
      s.patOff = this.patOff; // the reply echoes the request's data
      this.replyDue = false;
      this.seq++;
    } else {
      s.dir = 0;
      s.icmpType = f.v6 ? 128 : 8;
      setPayload(f, s, this.size, f.room - 8);
      this.patOff = s.patOff;
      this.replyDue = f.rng.chance(0.95);
      if (!this.replyDue) this.seq++;
    }
    if (--this.left === 0) return -1;
    return this.replyDue ? f.rttGap() : f.dataGap();
  }
}

/** 1–3 copies of one ICMP error from a router (the client) to a host, quoting the host's packet. */
export class IcmpErrorScript implements FlowScript {
  readonly planned: number;
  private left: number;

  constructor(f: Flow, budget: number) {
    this.left = Math.max(1, Math.min(3, budget));
    this.planned = this.left;
  }

  next(f: Flow, s: PacketSpec): number {
    s.l4 = L4_ICMP_ERROR;
    s.dir = 0;
    s.icmpType = f.icmpType;
    s.icmpCode = f.icmpCode;
    // "fragmentation needed" (v4) and "packet too big" (v6) carry the next-hop MTU
    const mtu = f.quoteLen > 1400 ? 1400 : 1280;
    if (!f.v6 && f.icmpType === 3 && f.icmpCode === 4) s.icmpRest = mtu;
    else if (f.v6 && f.icmpType === 2) s.icmpRest = mtu;
    else s.icmpRest = 0;
    if (--this.left === 0) return -1;
    return f.dataGap();
  }
}
