/** Flows of other IP protocols (ESP, OSPF, PIM, VRRP, GRE with an opaque payload, ...). */
import type { Flow, FlowScript } from '../flow.js';
import { L4_RAW, type PacketSpec } from '../spec.js';
import { setPayload, smallPayload } from './common.js';

/** VRRP speaks one way (the master advertises); the others both ways. */
const ONE_WAY = new Set([112]);

export class OtherScript implements FlowScript {
  readonly planned: number;
  private left: number;
  private first = true;
  private readonly spi0: number;
  private readonly spi1: number;
  private seq0 = 0;
  private seq1 = 0;
  private readonly oneWay: boolean;

  constructor(f: Flow, budget: number) {
    this.left = Math.max(1, budget);
    this.planned = this.left;
    this.spi0 = f.rng.u32() | 0x100;
    this.spi1 = f.rng.u32() | 0x100;
    this.oneWay = ONE_WAY.has(f.proto);
  }

  next(f: Flow, s: PacketSpec): number {
    s.l4 = L4_RAW;
    s.dir = this.first || this.oneWay || f.rng.chance(0.5) ? 0 : 1;
    this.first = false;
    s.rawSpi = s.dir === 0 ? this.spi0 : this.spi1;
    s.rawSeq = s.dir === 0 ? ++this.seq0 : ++this.seq1;
    const max = f.room - 8;
    setPayload(f, s, smallPayload(f, 20, Math.min(1400, max)), max);
    if (--this.left === 0) return -1;
    return f.dataGap();
  }
}
