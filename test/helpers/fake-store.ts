import type { FlowRecord } from '../../src/flow/record.js';
import {
  BadCursorError,
  type FlowPage,
  type FlowQuery,
  type FlowStoreReader,
  type PortStat,
  type ProtocolStat,
  type StoreStats,
  type TimeseriesPoint,
  type TimeseriesQuery,
  type TopTalker,
  type TopTalkersQuery,
} from '../../src/store/types.js';

/** Packet-time "now" of the fake store. */
export const FAKE_NOW = 1_700_000_000_000;
export const FAKE_RETENTION_MS = 60 * 60_000;

function flow(over: Partial<FlowRecord> & Pick<FlowRecord, 'id'>): FlowRecord {
  return {
    proto: 6,
    srcAddr: '198.18.0.1',
    srcPort: 40000,
    dstAddr: '198.18.0.2',
    dstPort: 443,
    vlan: 0,
    srcPackets: 10,
    srcBytes: 1000,
    dstPackets: 8,
    dstBytes: 6000,
    firstSeen: FAKE_NOW - 60_000,
    lastSeen: FAKE_NOW - 1000,
    srcTcpFlags: 0x1b,
    dstTcpFlags: 0x1b,
    state: 'ended',
    endReason: 'fin',
    communityId: '1:LQU9qZlK+B5F3KDmev6m5PMibrg=',
    ipVersion: 4,
    icmpType: null,
    icmpCode: null,
    tunnel: null,
    ifIndex: 0,
    exporter: null,
    ...over,
  };
}

/** Known flows: an ended TCP flow, an active UDP flow over IPv6, an ICMP flow in a VXLAN tunnel. */
export const FAKE_FLOWS: FlowRecord[] = [
  flow({ id: '1' }),
  flow({
    id: '2',
    proto: 17,
    srcAddr: '2001:db8::1',
    srcPort: 5353,
    dstAddr: '2001:db8::53',
    dstPort: 53,
    srcPackets: 1,
    srcBytes: 80,
    dstPackets: 1,
    dstBytes: 200,
    firstSeen: FAKE_NOW - 5000,
    lastSeen: FAKE_NOW - 4999.5,
    srcTcpFlags: 0,
    dstTcpFlags: 0,
    state: 'active',
    endReason: null,
    communityId: '1:3NtcFq5ks8B4Gm5hK4M7JF+sNIU=',
    ipVersion: 6,
  }),
  flow({
    id: '3',
    proto: 1,
    srcAddr: '10.1.0.1',
    srcPort: 0,
    dstAddr: '10.1.0.2',
    dstPort: 0,
    vlan: 10,
    srcPackets: 3,
    srcBytes: 252,
    dstPackets: 3,
    dstBytes: 252,
    firstSeen: FAKE_NOW - 30_000,
    lastSeen: FAKE_NOW - 28_000,
    srcTcpFlags: 0,
    dstTcpFlags: 0,
    endReason: 'idle',
    communityId: '1:X0snYXpgwiv9TZtqg64sgzUn6Dk=',
    icmpType: 8,
    icmpCode: 0,
    tunnel: { type: 'vxlan', srcAddr: '192.0.2.1', dstAddr: '192.0.2.2', id: 42 },
    ifIndex: 2,
  }),
];

export const FAKE_TALKERS: TopTalker[] = [
  { addr: '198.18.0.2', bytes: 7000, packets: 18, flows: 1 },
  { addr: '198.18.0.1', bytes: 7000, packets: 18, flows: 1 },
  { addr: '10.1.0.1', bytes: 504, packets: 6, flows: 1 },
];

export const FAKE_PROTOCOLS: ProtocolStat[] = [
  { proto: 6, name: 'tcp', bytes: 7000, packets: 18, flows: 1 },
  { proto: 1, name: 'icmp', bytes: 504, packets: 6, flows: 1 },
  { proto: 17, name: 'udp', bytes: 280, packets: 2, flows: 1 },
];

export const FAKE_PORTS: PortStat[] = [
  { proto: 6, port: 443, bytes: 7000, packets: 18, flows: 1 },
  { proto: 17, port: 53, bytes: 280, packets: 2, flows: 1 },
];

function total(r: FlowRecord, what: 'bytes' | 'packets'): number {
  return what === 'bytes' ? r.srcBytes + r.dstBytes : r.srcPackets + r.dstPackets;
}

/**
 * A FlowStoreReader over FAKE_FLOWS that records what it was asked. Cursors are the offset and
 * query signature in base64url; anything else is a BadCursorError, as the real store does.
 */
export class FakeFlowStore implements FlowStoreReader {
  readonly calls: { method: string; args: unknown[] }[] = [];
  flows: FlowRecord[] = FAKE_FLOWS;

  nowMs(): number {
    return FAKE_NOW;
  }

  queryFlows(q: FlowQuery): FlowPage {
    this.calls.push({ method: 'queryFlows', args: [q] });
    let offset = 0;
    if (q.cursor !== undefined) {
      const m = /^(\d+):(.*)$/.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'));
      if (!m) throw new BadCursorError('cursor is not one this server issued');
      if (m[2] !== (q.signature ?? '')) throw new BadCursorError('cursor belongs to another query');
      offset = Number(m[1]);
    }
    const from = q.from ?? FAKE_NOW - FAKE_RETENTION_MS;
    const to = q.to ?? Infinity;
    const key = (r: FlowRecord): number =>
      q.sort === 'bytes' || q.sort === 'packets'
        ? total(r, q.sort)
        : q.sort === 'duration'
          ? r.lastSeen - r.firstSeen
          : r[q.sort];
    const rows = this.flows
      .filter((r) => q.state === 'all' || r.state === q.state)
      .filter((r) => r.lastSeen >= from && r.firstSeen <= to)
      .filter((r) => q.filter === null || q.filter.matchRecord(r))
      .sort((a, b) => (q.order === 'asc' ? 1 : -1) * (key(a) - key(b) || Number(a.id) - Number(b.id)));
    const flows = rows.slice(offset, offset + q.limit);
    const more = offset + q.limit < rows.length;
    const nextCursor = more
      ? Buffer.from(`${offset + q.limit}:${q.signature ?? ''}`).toString('base64url')
      : null;
    return { flows, nextCursor };
  }

  activeFlow(id: string): FlowRecord | null {
    this.calls.push({ method: 'activeFlow', args: [id] });
    return this.flows.find((f) => f.id === id && f.state === 'active') ?? null;
  }

  getFlow(id: string): FlowRecord | null {
    this.calls.push({ method: 'getFlow', args: [id] });
    return this.flows.find((r) => r.id === id) ?? null;
  }

  topTalkers(q: TopTalkersQuery): TopTalker[] {
    this.calls.push({ method: 'topTalkers', args: [q] });
    return FAKE_TALKERS.slice(0, q.limit);
  }

  protocols(windowMs: number): ProtocolStat[] {
    this.calls.push({ method: 'protocols', args: [windowMs] });
    return FAKE_PROTOCOLS;
  }

  ports(windowMs: number, limit: number): PortStat[] {
    this.calls.push({ method: 'ports', args: [windowMs, limit] });
    return FAKE_PORTS.slice(0, limit);
  }

  /** Point i has i bytes, 2i packets and 1 flow. */
  timeseries(q: TimeseriesQuery): TimeseriesPoint[] {
    this.calls.push({ method: 'timeseries', args: [q] });
    const n = Math.ceil(q.windowMs / q.stepMs);
    const end = Math.floor(FAKE_NOW / q.stepMs) * q.stepMs + q.stepMs;
    return Array.from({ length: n }, (_, i) => ({
      t: end - (n - i) * q.stepMs,
      bytes: i,
      packets: 2 * i,
      flows: 1,
    }));
  }

  stats(): StoreStats {
    return {
      nowMs: FAKE_NOW,
      retentionMs: FAKE_RETENTION_MS,
      activeFlows: 1,
      endedFlows: 2,
      segments: 1,
      bytes: 4096,
      maxBytes: 1 << 30,
      droppedForMemory: 0,
      expired: 0,
      ingestedBatches: 3,
    };
  }

  lastCall(method: string): unknown[] | undefined {
    return [...this.calls].reverse().find((c) => c.method === method)?.args;
  }
}
