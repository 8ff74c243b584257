/** UDP flows: DNS-like request/response, longer bidirectional streams, one-way streams. */
import type { Flow, FlowScript } from '../flow.js';
import { L4_UDP, type PacketSpec } from '../spec.js';
import { bulkPayload, setPayload, smallPayload } from './common.js';

/** Query and answer; sometimes unanswered, sometimes retried once before the answer. */
export class DnsScript implements FlowScript {
  readonly planned: number;
  private readonly dirs: number[];
  private i = 0;

  constructor(f: Flow) {
    const x = f.rng.float();
    this.dirs = x < 0.85 ? [0, 1] : x < 0.93 ? [0] : [0, 0, 1];
    this.planned = this.dirs.length;
  }

  next(f: Flow, s: PacketSpec): number {
    const dir = this.dirs[this.i++];
    s.l4 = L4_UDP;
    s.dir = dir;
    const max = f.room - 8;
    setPayload(f, s, dir === 0 ? smallPayload(f, 17, 80) : smallPayload(f, 40, 512), max);
    if (this.i >= this.dirs.length) return -1;
    // a retry comes after a client timeout, an answer after one round trip
    return this.dirs[this.i] === 0 ? Math.min(f.maxGap, 1e9 + f.rng.float() * 1e9) : f.rttGap();
  }
}

/** Bidirectional stream (QUIC, RTP, VPN-like): mixed sizes, both directions. */
export class UdpStreamScript implements FlowScript {
  readonly planned: number;
  private left: number;
  private first = true;
  private readonly up: number;

  constructor(f: Flow, budget: number) {
    this.left = Math.max(2, budget);
    this.planned = this.left;
    this.up = 0.3 + 0.4 * f.rng.float();
  }

  next(f: Flow, s: PacketSpec): number {
    s.l4 = L4_UDP;
    s.dir = this.first || f.rng.chance(this.up) ? 0 : 1;
    this.first = false;
    const max = f.room - 8;
    const r = f.rng.float();
    setPayload(f, s, r < 0.4 ? smallPayload(f, 20, 200) : bulkPayload(f, max), max);
    if (--this.left === 0) return -1;
    return f.rng.chance(0.3) ? f.burstGap() : f.dataGap();
  }
}

/** One-way stream (syslog, flow export, metrics): client to server only. */
export class UdpOneWayScript implements FlowScript {
  readonly planned: number;
  private left: number;

  constructor(_f: Flow, budget: number) {
    this.left = Math.max(1, budget);
    this.planned = this.left;
  }

  next(f: Flow, s: PacketSpec): number {
    s.l4 = L4_UDP;
    s.dir = 0;
    const max = f.room - 8;
    setPayload(f, s, smallPayload(f, 40, Math.min(1200, max)), max);
    if (--this.left === 0) return -1;
    return f.dataGap();
  }
}
