/**
 * The scenario engine: launches flows at their start times and merges all active flows into one
 * time-ordered packet stream through a heap keyed by each flow's next packet time. Only active
 * flows are held, so memory follows concurrency, not file size. A flow's truth row is handed
 * out when its last packet has been produced.
 */
import { FlowFactory } from './factory.js';
import type { Flow } from './flow.js';
import { FlowHeap } from './heap.js';
import type { ResolvedOptions } from './options.js';
import { FrameComposer, MAX_FRAME } from './packet.js';
import { PayloadPattern } from './payload.js';
import { Rng } from './random.js';
import { PacketSpec } from './spec.js';
import { truthRow, type TruthRow } from './truth.js';
import { LINKTYPE } from './types.js';

/** One packet as sources hand it out: fields and frame bytes valid until the next call of next(). */
export class PacketSlot {
  tsSec = 0;
  tsNsec = 0;
  iface = 0;
  linkType = 1;
  flowId = -1;
  /** Frame length (bytes [0, length) of frame). */
  length = 0;

  constructor(public frame: Buffer) {}

  copyFrom(p: PacketSlot): void {
    this.tsSec = p.tsSec;
    this.tsNsec = p.tsNsec;
    this.iface = p.iface;
    this.linkType = p.linkType;
    this.flowId = p.flowId;
    this.length = p.length;
    p.frame.copy(this.frame, 0, 0, p.length);
  }
}

/** Anything that produces packets one by one (the scenario, or a reordering stage over it). */
export interface PacketSource {
  /** Advances to the next packet; false at the end. */
  next(): boolean;
  /** The current packet. */
  readonly packet: PacketSlot;
}

export class Scenario implements PacketSource {
  readonly packet: PacketSlot;
  /** Packets produced so far, and the sum of packets over all truth rows handed out. */
  packets = 0;
  truthPackets = 0;
  flowsEnded = 0;
  /** Largest number of flows active at once. */
  peakActive = 0;

  private readonly factory: FlowFactory;
  private readonly heap = new FlowHeap();
  private readonly composer: FrameComposer;
  private readonly spec = new PacketSpec();
  private readonly rng: Rng;
  private readonly linkTypes: number[];
  private readonly startSec: number;
  private readonly startNs0: number;
  private readonly slotNs: number;
  private launched = 0;
  private nextStart = 0;
  private plannedPackets = 0;

  /** The buffer that holds the frame, the payload pattern and `extraBytes` for the caller. */
  readonly arena: PayloadPattern;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly onFlow: (row: TruthRow) => void = () => {},
    extraBytes = 0,
  ) {
    this.factory = new FlowFactory(o);
    this.arena = new PayloadPattern(o.seed32, MAX_FRAME, extraBytes);
    this.composer = new FrameComposer(this.arena);
    this.packet = new PacketSlot(this.composer.buf);
    this.rng = new Rng(o.seed32, 0);
    this.linkTypes = o.interfaces.map((i) => LINKTYPE[i.link]);
    this.startSec = Math.floor(o.startMs / 1000);
    this.startNs0 = (o.startMs % 1000) * 1e6;
    // flow i starts at a random point of the i-th of `flows` equal slots: uniform and already sorted
    this.slotNs = (o.durationSec * 1e9) / o.flows;
    this.nextStart = Math.floor(this.rng.float() * this.slotNs);
  }

  get activeFlows(): number {
    return this.heap.size;
  }

  /** Flow objects allocated so far (pooled): the memory bound, compare with peakActive. */
  get flowObjects(): number {
    return this.factory.allocated;
  }

  next(): boolean {
    const heap = this.heap;
    for (;;) {
      const top = heap.peek();
      if (this.launched < this.o.flows && (top === undefined || this.nextStart <= top.t)) {
        this.launch();
        continue;
      }
      if (top === undefined) return false;
      this.emit(top);
      return true;
    }
  }

  private launch(): void {
    const i = this.launched++;
    const f = this.factory.create(i, this.nextStart, this.budget());
    this.plannedPackets += f.script ? f.script.planned : 1;
    this.heap.push(f);
    if (this.heap.size > this.peakActive) this.peakActive = this.heap.size;
    this.nextStart = Math.floor((i + 1 + this.rng.float()) * this.slotNs);
  }

  /**
   * Packets for the next flow: heavy-tailed (most flows small, a few large) around the mean that
   * still brings the total to the target, so kinds with fixed sizes (DNS, errors) are compensated.
   */
  private budget(): number {
    const left = this.o.flows - this.launched;
    const mean = Math.max(1, (this.o.packets - this.plannedPackets) / Math.max(1, left));
    const n = this.rng.chance(0.8) ? this.rng.exp(0.5 * mean) : this.rng.exp(3 * mean);
    // no flow takes more than 2% of the file, unless there are too few flows to reach the target
    const cap = Math.max(
      50,
      Math.ceil(this.o.packets * 0.02),
      Math.ceil((4 * this.o.packets) / this.o.flows),
    );
    return Math.max(1, Math.min(cap, Math.round(n)));
  }

  private emit(f: Flow): void {
    const s = this.spec;
    s.reset();
    const gap = f.script ? f.script.next(f, s) : -1;
    const p = this.packet;
    p.length = this.composer.build(f, s);
    p.flowId = f.id;
    p.iface = f.iface;
    p.linkType = this.linkTypes[f.iface];
    const x = this.startNs0 + f.t;
    const carry = Math.floor(x / 1e9);
    p.tsSec = this.startSec + carry;
    p.tsNsec = x - carry * 1e9;
    this.packets++;

    if (s.dir === 0) {
      f.c2sPackets++;
      f.c2sBytes += this.composer.ipBytes;
    } else {
      f.s2cPackets++;
      f.s2cBytes += this.composer.ipBytes;
    }
    if (f.firstT < 0) f.firstT = f.t;
    f.lastT = f.t;

    if (gap < 0) {
      this.heap.pop();
      this.finish(f);
      return;
    }
    let t = f.t + gap;
    // a hard cap on flow duration: approach the deadline instead of crossing it
    if (t > f.deadline) t = f.t + Math.max(0, (f.deadline - f.t) / 8);
    t = Math.ceil(t / f.tick) * f.tick;
    f.t = t > f.t ? t : f.t + f.tick;
    this.heap.topChanged();
  }

  private finish(f: Flow): void {
    this.flowsEnded++;
    this.truthPackets += f.c2sPackets + f.s2cPackets;
    this.factory.retire(f);
    this.onFlow(truthRow(f, this.o.startMs));
  }
}
