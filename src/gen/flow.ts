/**
 * One generated flow: its identity (addresses, ports, encapsulation), its private random stream,
 * its clock, its script (what the next packet is) and its ground-truth counters.
 */
import { Rng } from './random.js';
import type { PacketSpec } from './spec.js';
import type { EndKind, FlowKind, L2Kind, LinkName, TunnelKind } from './types.js';

export interface FlowScript {
  /** Packets the script expects to send (exact except for fragmented datagrams). */
  readonly planned: number;
  /**
   * Fills `s` for the flow's next packet. Returns the gap in ns to the packet after it, or -1
   * when this packet is the flow's last.
   */
  next(f: Flow, s: PacketSpec): number;
}

/** Bits of Flow.v6Ext: extension headers on the flow-layer IPv6 packet. */
export const EXT_HOP_BY_HOP = 1;
export const EXT_ROUTING = 2;
export const EXT_DEST_OPTS = 4;

/** What "other" protocol flows put before their payload. */
export const RAW_NONE = 0;
export const RAW_ESP = 1;
export const RAW_GRE = 2;

export class Flow {
  kind: FlowKind = 'tcp';
  proto = 6;
  v6 = false;
  tunnel: TunnelKind | '' = '';
  outerV6 = false;
  l2: L2Kind = 'plain';
  vlan = 0;
  innerVlan = 0;
  pcp = 0;
  readonly mpls: number[] = [];
  pppoeSession = 0;
  iface = 0;
  link: LinkName = 'ethernet';
  /** Timestamp quantum of the flow's interface, ns. */
  tick = 1000;
  /** Decimals of first/last in the truth (6 for ms/µs interfaces, 9 for ns). */
  decimals = 6;

  // Address buffers of both families, allocated once per pooled Flow; cAddr etc. point at one.
  readonly c4 = new Uint8Array(4);
  readonly s4 = new Uint8Array(4);
  readonly c6 = new Uint8Array(16);
  readonly s6 = new Uint8Array(16);
  readonly ta4 = new Uint8Array(4);
  readonly tb4 = new Uint8Array(4);
  readonly ta6 = new Uint8Array(16);
  readonly tb6 = new Uint8Array(16);
  readonly q4 = new Uint8Array(4);
  readonly q6 = new Uint8Array(16);

  cAddr: Uint8Array = this.c4;
  sAddr: Uint8Array = this.s4;
  cPort = 0;
  sPort = 0;
  readonly cMac = new Uint8Array(6);
  readonly sMac = new Uint8Array(6);

  // tunnel (outer) side
  tA: Uint8Array = this.ta4;
  tB: Uint8Array = this.tb4;
  /** Outer UDP source port per direction (VXLAN/Geneve). */
  tPort0 = 0;
  tPort1 = 0;
  /** GRE key / VNI / uplink TEID; downlink TEID. */
  tKey = 0;
  tKey2 = 0;
  greKey = true;
  readonly innerMacC = new Uint8Array(6);
  readonly innerMacS = new Uint8Array(6);

  // flow-layer IP details
  v4Opt = 0;
  v6Ext = 0;
  tos = 0;
  flowLabel = 0;
  ttl0 = 64;
  ttl1 = 64;
  ipId0 = 0;
  ipId1 = 0;
  outerId0 = 0;
  outerId1 = 0;
  rawHdr = RAW_NONE;
  /** Largest flow-layer L4 message (header + payload) that keeps the outermost IP packet <= 1500. */
  room = 1480;
  /** Tiny-frames mode: payloads of a few bytes only. */
  tiny = false;

  // ICMP error quote (the packet that "caused" the error: host -> quoted destination)
  quoteDst: Uint8Array = this.q4;
  quoteProto = 17;
  quoteSport = 0;
  quoteDport = 0;
  quoteLen = 0;
  quoteTtl = 1;
  quoteId = 0;
  quoteSeq = 0;

  /** Time of the next packet, ns after the capture start (a multiple of tick). */
  t = 0;
  startT = 0;
  /** Latest time the flow may reach (the duration caps), ns. */
  deadline = 0;
  /** Typical gap between data packets and round-trip time, ns. */
  baseGap = 1e6;
  rtt = 1e6;
  maxGap = 25e9;
  script: FlowScript | null = null;

  // ground truth
  c2sPackets = 0;
  c2sBytes = 0;
  s2cPackets = 0;
  s2cBytes = 0;
  firstT = -1;
  lastT = -1;
  end: EndKind = 'none';
  /** Type/code of the client's first packet (ICMP flows), -1 otherwise. */
  icmpType = -1;
  icmpCode = -1;

  id = -1;
  readonly rng = new Rng(0, 0);

  /**
   * Makes this object flow `id` of the scenario with seed `seed32`, as if new: flows are pooled,
   * so memory and garbage follow the number of active flows, not the number of flows.
   */
  init(id: number, seed32: number): void {
    this.id = id;
    this.rng.reseed(seed32, id + 1);
    this.kind = 'tcp';
    this.proto = 6;
    this.v6 = false;
    this.tunnel = '';
    this.outerV6 = false;
    this.l2 = 'plain';
    this.vlan = 0;
    this.innerVlan = 0;
    this.pcp = 0;
    this.mpls.length = 0;
    this.pppoeSession = 0;
    this.iface = 0;
    this.link = 'ethernet';
    this.tick = 1000;
    this.decimals = 6;
    this.cAddr = this.c4;
    this.sAddr = this.s4;
    this.cPort = 0;
    this.sPort = 0;
    this.tA = this.ta4;
    this.tB = this.tb4;
    this.tPort0 = 0;
    this.tPort1 = 0;
    this.tKey = 0;
    this.tKey2 = 0;
    this.greKey = true;
    this.v4Opt = 0;
    this.v6Ext = 0;
    this.tos = 0;
    this.flowLabel = 0;
    this.ttl0 = 64;
    this.ttl1 = 64;
    this.ipId0 = 0;
    this.ipId1 = 0;
    this.outerId0 = 0;
    this.outerId1 = 0;
    this.rawHdr = RAW_NONE;
    this.room = 1480;
    this.tiny = false;
    this.quoteDst = this.q4;
    this.quoteProto = 17;
    this.quoteSport = 0;
    this.quoteDport = 0;
    this.quoteLen = 0;
    this.quoteTtl = 1;
    this.quoteId = 0;
    this.quoteSeq = 0;
    this.t = 0;
    this.startT = 0;
    this.deadline = 0;
    this.baseGap = 1e6;
    this.rtt = 1e6;
    this.maxGap = 25e9;
    this.script = null;
    this.c2sPackets = 0;
    this.c2sBytes = 0;
    this.s2cPackets = 0;
    this.s2cBytes = 0;
    this.firstT = -1;
    this.lastT = -1;
    this.end = 'none';
    this.icmpType = -1;
    this.icmpCode = -1;
  }

  /** Points the address fields at the buffers of the flow's families. */
  useFamilies(v6: boolean, outerV6: boolean): void {
    this.v6 = v6;
    this.outerV6 = outerV6;
    this.cAddr = v6 ? this.c6 : this.c4;
    this.sAddr = v6 ? this.s6 : this.s4;
    this.quoteDst = v6 ? this.q6 : this.q4;
    this.tA = outerV6 ? this.ta6 : this.ta4;
    this.tB = outerV6 ? this.tb6 : this.tb4;
  }

  /** Gap between data packets: the flow's base gap with jitter, below maxGap. */
  dataGap(): number {
    return Math.min(this.maxGap, this.baseGap * (0.3 + 1.4 * this.rng.float()));
  }

  /** About one round trip (handshakes, replies, closing sequences). */
  rttGap(): number {
    return Math.min(this.maxGap, this.rtt * (0.8 + 0.4 * this.rng.float()));
  }

  /** Back-to-back packets (bursts, fragments of one datagram): 2–200 µs. */
  burstGap(): number {
    return this.rng.logUniform(2e3, 2e5);
  }
}
