/**
 * Creates flows: picks kind, family, encapsulation, interface, addresses, ports and timing from
 * the mix, with the flow's own random stream, and attaches the kind's script.
 */
import {
  Block,
  EndpointAllocator,
  PairAllocator,
  SERVER_HOSTS,
  V4_BLOCK_HOSTS,
  hostAddress,
} from './addresses.js';
import { IPV4_OPT_NONE, IPV4_OPT_ROUTER_ALERT, IPV4_OPT_TIMESTAMP } from './frames/ip.js';
import {
  PROTO_ESP,
  PROTO_GRE,
  PROTO_ICMP,
  PROTO_ICMPV6,
  PROTO_SCTP,
  PROTO_TCP,
  PROTO_UDP,
} from './frames/transport.js';
import { Flow, RAW_ESP, RAW_GRE, RAW_NONE, type FlowScript } from './flow.js';
import type { Mix } from './mix.js';
import type { ResolvedOptions } from './options.js';
import { ipOverhead } from './packet.js';
import type { Rng } from './random.js';
import { UdpFragScript } from './scripts/frag.js';
import { IcmpEchoScript, IcmpErrorScript } from './scripts/icmp.js';
import { OtherScript } from './scripts/other.js';
import { SctpScript } from './scripts/sctp.js';
import { TcpScript } from './scripts/tcp.js';
import { DnsScript, UdpOneWayScript, UdpStreamScript } from './scripts/udp.js';
import {
  FLOW_KINDS,
  L2_KINDS,
  TICK_NS,
  TUNNEL_KINDS,
  type FlowKind,
  type L2Kind,
  type TunnelKind,
} from './types.js';

/** Server ports per kind with weights. None is a tunnel port (4789, 6081, 2152) or ephemeral. */
const SERVER_PORTS: Partial<Record<FlowKind, [number[], number[]]>> = {
  tcp: [
    [443, 80, 22, 25, 993, 8080, 3306, 5432, 445, 389],
    [50, 20, 5, 3, 4, 5, 4, 3, 3, 3],
  ],
  dns: [
    [53, 123, 161],
    [85, 10, 5],
  ],
  'udp-stream': [
    [443, 3478, 5004, 1194],
    [50, 20, 15, 15],
  ],
  'udp-oneway': [
    [514, 2055, 8125, 6343],
    [40, 30, 20, 10],
  ],
  'udp-frag': [
    [2049, 53, 5001],
    [40, 40, 20],
  ],
  sctp: [
    [3868, 2905, 36412],
    [50, 30, 20],
  ],
};

/** ICMP errors: [type, code] for IPv4 and IPv6. */
const ICMP4_ERRORS = [
  [3, 0],
  [3, 1],
  [3, 3],
  [3, 4],
  [3, 13],
  [11, 0],
];
const ICMP6_ERRORS = [
  [1, 0],
  [1, 3],
  [1, 4],
  [2, 0],
  [3, 0],
];

const PORT_REUSE_POOL = 4096;
const MTU = 1500;

function cumulative(names: readonly string[], weights: Partial<Record<string, number>>): number[] {
  const out: number[] = [];
  let t = 0;
  for (const n of names) {
    t += weights[n] ?? 0;
    out.push(t);
  }
  return out;
}

function cumulativeOf(ws: number[]): number[] {
  let t = 0;
  return ws.map((w) => (t += w));
}

function randomMac(r: Rng, out: Uint8Array): void {
  const a = r.u32();
  const b = r.u32();
  out[0] = 0x02; // locally administered, unicast
  out[1] = a & 255;
  out[2] = (a >>> 8) & 255;
  out[3] = (a >>> 16) & 255;
  out[4] = b & 255;
  out[5] = (b >>> 8) & 255;
}

export class FlowFactory {
  private readonly mix: Mix;
  private readonly kindCum: number[];
  private readonly tunnelNames: readonly (TunnelKind | 'none')[] = ['none', ...TUNNEL_KINDS];
  private readonly tunnelCum: number[];
  private readonly l2Cum: number[];
  private readonly portCum = new Map<FlowKind, number[]>();
  private readonly allIfaces: number[];
  private readonly ethIfaces: number[];
  private readonly endpoints: EndpointAllocator;
  private readonly pairs: PairAllocator;
  private readonly durationNs: number;
  private readonly meanDurNs: number;
  private readonly reusePool: Flow[] = [];
  /** Ended flows, recycled by create(). */
  private readonly free: Flow[] = [];
  /** Flow objects ever allocated: stays near the peak of active flows thanks to the pool. */
  allocated = 0;

  constructor(private readonly o: ResolvedOptions) {
    this.mix = o.mix;
    this.kindCum = cumulative(FLOW_KINDS, o.mix.kinds);
    this.tunnelCum = cumulative(this.tunnelNames, o.mix.tunnels);
    this.l2Cum = cumulative(L2_KINDS, o.mix.l2);
    for (const [k, v] of Object.entries(SERVER_PORTS)) this.portCum.set(k as FlowKind, cumulativeOf(v[1]));
    this.allIfaces = o.interfaces.map((_, i) => i);
    this.ethIfaces = this.allIfaces.filter((i) => o.interfaces[i].link === 'ethernet');
    this.endpoints = new EndpointAllocator(o.seed32);
    this.pairs = new PairAllocator(o.seed32);
    this.durationNs = o.durationSec * 1e9;
    this.meanDurNs = Math.min(this.durationNs / 4, 120e9);
  }

  /** A flow starting at `startNs` (after the capture start) with about `budget` packets. */
  create(id: number, startNs: number, budget: number): Flow {
    let f = this.free.pop();
    if (f === undefined) {
      f = new Flow();
      this.allocated++;
    }
    f.init(id, this.o.seed32);
    const r = f.rng;
    f.kind = FLOW_KINDS[r.pick(this.kindCum)];
    f.tiny = this.o.tinyFrames;
    const reused =
      f.kind === 'tcp' && this.o.portReuse > 0 && r.chance(this.o.portReuse) && this.reuse(f, startNs);
    if (!reused) {
      this.encapsulation(f);
      this.endpointsFor(f);
      this.ipDetails(f);
    }
    f.room = MTU - ipOverhead(f);
    f.script = this.script(f, budget);
    this.timing(f, startNs);
    return f;
  }

  /**
   * Called when a flow has ended and its truth is out: the object goes back to the pool, unless
   * it is a closed TCP flow kept to lend its 5-tuple to a later flow (port-reuse option).
   */
  retire(f: Flow): void {
    f.script = null;
    if (this.o.portReuse > 0 && f.kind === 'tcp' && (f.end === 'fin' || f.end === 'rst')) {
      if (this.reusePool.length >= PORT_REUSE_POOL) this.free.push(this.reusePool.shift() as Flow);
      this.reusePool.push(f);
      return;
    }
    this.free.push(f);
  }

  private reuse(f: Flow, startNs: number): boolean {
    const old = this.reusePool[0];
    if (old === undefined || old.lastT + this.o.portReuseGapSec * 1e9 > startNs) return false;
    this.reusePool.shift();
    f.useFamilies(old.v6, old.outerV6);
    f.tunnel = old.tunnel;
    f.l2 = old.l2;
    f.vlan = old.vlan;
    f.innerVlan = old.innerVlan;
    f.pcp = old.pcp;
    f.mpls.push(...old.mpls);
    f.pppoeSession = old.pppoeSession;
    f.iface = old.iface;
    f.link = old.link;
    f.tick = old.tick;
    f.decimals = old.decimals;
    f.cAddr.set(old.cAddr);
    f.sAddr.set(old.sAddr);
    f.cPort = old.cPort;
    f.sPort = old.sPort;
    f.cMac.set(old.cMac);
    f.sMac.set(old.sMac);
    f.tA.set(old.tA);
    f.tB.set(old.tB);
    f.tPort0 = old.tPort0;
    f.tPort1 = old.tPort1;
    f.tKey = old.tKey;
    f.tKey2 = old.tKey2;
    f.greKey = old.greKey;
    f.innerMacC.set(old.innerMacC);
    f.innerMacS.set(old.innerMacS);
    f.v4Opt = old.v4Opt;
    f.v6Ext = old.v6Ext;
    f.tos = old.tos;
    f.flowLabel = old.flowLabel;
    f.ttl0 = old.ttl0;
    f.ttl1 = old.ttl1;
    f.ipId0 = old.ipId0;
    f.ipId1 = old.ipId1;
    f.proto = PROTO_TCP;
    this.free.push(old);
    return true;
  }

  /** Tunnel, families, link-layer variant, interface. */
  private encapsulation(f: Flow): void {
    const r = f.rng;
    const t = this.tunnelNames[r.pick(this.tunnelCum)];
    f.tunnel = t === 'none' ? '' : t;
    const v6 = t === 'ipip' || t === '4in6' ? false : t === '6in4' ? true : r.chance(this.mix.ipv6);
    const outerV6 = t === '4in6' ? true : t === 'ipip' || t === '6in4' ? false : r.chance(0.25);
    f.useFamilies(v6, outerV6);

    let l2: L2Kind = L2_KINDS[r.pick(this.l2Cum)];
    if (l2 !== 'plain' && this.ethIfaces.length === 0) l2 = 'plain';
    f.l2 = l2;
    const ifaces = l2 === 'plain' ? this.allIfaces : this.ethIfaces;
    f.iface = ifaces[r.int(ifaces.length)];
    const itf = this.o.interfaces[f.iface];
    f.link = itf.link;
    f.tick = TICK_NS[itf.tsResolution];
    f.decimals = itf.tsResolution === 'ns' ? 9 : 6;

    randomMac(r, f.cMac);
    randomMac(r, f.sMac);
    if (l2 === 'vlan' || l2 === 'qinq') {
      f.vlan = r.range(2, 4094);
      f.innerVlan = r.range(2, 4094);
      f.pcp = r.chance(0.8) ? 0 : r.range(1, 7);
    } else if (l2 === 'mpls') {
      const n = r.chance(0.6) ? 1 : r.chance(0.75) ? 2 : 3;
      for (let i = 0; i < n; i++) f.mpls.push(r.range(16, 1048575));
    } else if (l2 === 'pppoe') {
      f.pppoeSession = r.range(1, 65534);
    }

    if (f.tunnel) {
      const a = r.int(V4_BLOCK_HOSTS[Block.Tunnel]);
      const b = (a + 1 + r.int(V4_BLOCK_HOSTS[Block.Tunnel] - 1)) % V4_BLOCK_HOSTS[Block.Tunnel];
      hostAddress(f.tA, f.outerV6, Block.Tunnel, a);
      hostAddress(f.tB, f.outerV6, Block.Tunnel, b);
      f.tPort0 = 49152 + r.int(16384);
      f.tPort1 = 49152 + r.int(16384);
      f.tKey = r.u32();
      f.tKey2 = r.u32();
      f.greKey = r.chance(0.7);
      randomMac(r, f.innerMacC);
      randomMac(r, f.innerMacS);
    }
  }

  /** Addresses and ports, unique per flow by construction (see addresses.ts). */
  private endpointsFor(f: Flow): void {
    const r = f.rng;
    switch (f.kind) {
      case 'icmp-echo':
      case 'other':
        this.pairs.take();
        hostAddress(f.cAddr, f.v6, Block.Client, this.pairs.host);
        hostAddress(f.sAddr, f.v6, Block.Server, this.pairs.peer);
        break;
      case 'icmp-error':
        // the client (first sender) is the router; the server is the host it reports to
        this.pairs.take();
        hostAddress(f.cAddr, f.v6, Block.Router, this.pairs.peer);
        hostAddress(f.sAddr, f.v6, Block.Client, this.pairs.host);
        break;
      default: {
        this.endpoints.take();
        hostAddress(f.cAddr, f.v6, Block.Client, this.endpoints.host);
        f.cPort = this.endpoints.port;
        // popular servers get more flows
        const x = r.float();
        hostAddress(f.sAddr, f.v6, Block.Server, Math.floor(SERVER_HOSTS * x * x * x));
        const ports = SERVER_PORTS[f.kind];
        const cum = this.portCum.get(f.kind);
        f.sPort = ports && cum ? ports[0][r.pick(cum)] : 9;
      }
    }
    switch (f.kind) {
      case 'tcp':
        f.proto = PROTO_TCP;
        break;
      case 'sctp':
        f.proto = PROTO_SCTP;
        break;
      case 'icmp-echo':
      case 'icmp-error':
        f.proto = f.v6 ? PROTO_ICMPV6 : PROTO_ICMP;
        break;
      case 'other': {
        const list = this.mix.otherProtocols;
        f.proto = list[r.int(list.length)];
        f.rawHdr = f.proto === PROTO_ESP ? RAW_ESP : f.proto === PROTO_GRE ? RAW_GRE : RAW_NONE;
        break;
      }
      default:
        f.proto = PROTO_UDP;
    }
    if (f.kind === 'icmp-error') this.icmpError(f);
  }

  private icmpError(f: Flow): void {
    const r = f.rng;
    const table = f.v6 ? ICMP6_ERRORS : ICMP4_ERRORS;
    const [type, code] = table[r.int(table.length)];
    f.icmpType = type;
    f.icmpCode = code;
    const tooBig = f.v6 ? type === 2 : type === 3 && code === 4;
    const portUnreach = f.v6 ? type === 1 && code === 4 : type === 3 && code === 3;
    const ttlExceeded = f.v6 ? type === 3 : type === 11;
    f.quoteProto = portUnreach
      ? PROTO_UDP
      : tooBig
        ? PROTO_TCP
        : [PROTO_UDP, PROTO_TCP, f.v6 ? PROTO_ICMPV6 : PROTO_ICMP][r.int(3)];
    hostAddress(f.quoteDst, f.v6, Block.Quoted, r.int(V4_BLOCK_HOSTS[Block.Quoted]));
    f.quoteSport = 32768 + r.int(32768);
    f.quoteDport =
      f.quoteProto === PROTO_UDP ? 33434 + r.int(64) : f.quoteProto === PROTO_TCP ? 443 : r.int(65536);
    f.quoteLen = tooBig ? r.range(1420, 1500) : r.range(60, 1400);
    f.quoteTtl = ttlExceeded ? 1 : r.range(30, 62);
    f.quoteId = r.u32();
    f.quoteSeq = r.u32();
  }

  /** Flow-layer IP details: options, extension headers, TOS, TTLs, first IP ids. */
  private ipDetails(f: Flow): void {
    const r = f.rng;
    if (!f.v6 && r.chance(this.mix.ipv4Options))
      f.v4Opt = r.chance(0.5) ? IPV4_OPT_ROUTER_ALERT : IPV4_OPT_TIMESTAMP;
    else f.v4Opt = IPV4_OPT_NONE;
    f.v6Ext = f.v6 && r.chance(this.mix.ipv6ExtHeaders) ? 1 + r.int(7) : 0;
    f.tos = r.chance(0.9) ? 0 : [0xb8, 0x28, 0x48, 0x01][r.int(4)];
    f.flowLabel = r.int(1 << 20);
    const hop = [64, 128, 255];
    f.ttl0 = hop[r.int(3)] - r.int(12);
    f.ttl1 = hop[r.int(3)] - r.int(20);
    f.ipId0 = r.int(65536);
    f.ipId1 = r.int(65536);
    f.outerId0 = r.int(65536);
    f.outerId1 = r.int(65536);
  }

  private script(f: Flow, budget: number): FlowScript {
    switch (f.kind) {
      case 'tcp':
        return new TcpScript(f, budget);
      case 'dns':
        return new DnsScript(f);
      case 'udp-stream':
        return new UdpStreamScript(f, budget);
      case 'udp-oneway':
        return new UdpOneWayScript(f, budget);
      case 'udp-frag':
        return new UdpFragScript(f, budget);
      case 'icmp-echo':
        return new IcmpEchoScript(f, budget);
      case 'icmp-error':
        return new IcmpErrorScript(f, budget);
      case 'sctp':
        return new SctpScript(f, budget);
      default:
        return new OtherScript(f, budget);
    }
  }

  /** Start, duration, gaps and round-trip time; the flow's first packet time. */
  private timing(f: Flow, startNs: number): void {
    const r = f.rng;
    const maxFlowNs = this.o.maxFlowSec * 1e9;
    const maxGapNs = this.o.maxGapSec * 1e9;
    const remain = Math.max(0, this.durationNs - startNs);
    const long = this.o.longFlows > 0 && r.chance(this.o.longFlows);
    const d = long ? Math.min(remain, maxFlowNs) : Math.min(remain, maxFlowNs, r.exp(this.meanDurNs));
    const n = f.script ? f.script.planned : 1;
    // jittered gaps reach 1.7x the base: keep the base low enough to respect maxGap on average
    f.baseGap = n > 1 ? Math.min(d / (n - 1), maxGapNs / 1.7) : 0;
    f.rtt = Math.min(r.logUniform(2e5, 1.5e8), Math.max(1e5, f.baseGap), maxGapNs);
    f.maxGap = maxGapNs;
    f.startT = startNs;
    f.deadline = startNs + maxFlowNs;
    f.t = Math.ceil(startNs / f.tick) * f.tick;
  }
}
