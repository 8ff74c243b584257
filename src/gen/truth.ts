/**
 * Ground truth: one row per bidirectional flow. The first 12 CSV columns are the ones
 * ../shared/tools/compare_flows.py reads; the rest describe how the flow was made.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { formatAddress } from './addresses.js';
import type { Flow } from './flow.js';
import type { EndKind, FlowKind, L2Kind, TunnelKind } from './types.js';

export interface TruthRow {
  /** Flow index in the scenario (also GenPacket.flowId). */
  id: number;
  proto: number;
  /** Initiator: TCP SYN sender, else the sender of the first packet. */
  client: string;
  /** Ports; for ICMP/ICMPv6 the type and code of the client's first packet. */
  cport: number;
  server: string;
  sport: number;
  /** Outer VLAN id of the frames (802.1Q, or the 802.1ad S-tag for QinQ), 0 if untagged. */
  vlan: number;
  c2sPackets: number;
  /** Flow-layer IP bytes: IPv4 total length, 40 + IPv6 payload length (inner packet when tunnelled). */
  c2sIpBytes: number;
  s2cPackets: number;
  s2cIpBytes: number;
  /** Epoch seconds of the first/last packet, exactly as the file's timestamps (6 or 9 decimals). */
  first: string;
  last: string;
  kind: FlowKind;
  tunnel: TunnelKind | '';
  end: EndKind;
  /** Type/code of the client's first packet for ICMP flows, null otherwise. */
  icmpType: number | null;
  icmpCode: number | null;
  l2: L2Kind;
  /** Interface index (pcapng IDB number; 0 in pcap files). */
  iface: number;
}

export const TRUTH_COLUMNS = [
  'proto',
  'client',
  'cport',
  'server',
  'sport',
  'vlan',
  'c2s_packets',
  'c2s_ip_bytes',
  's2c_packets',
  's2c_ip_bytes',
  'first',
  'last',
  'kind',
  'tunnel',
  'end',
  'icmp_type',
  'icmp_code',
  'l2',
  'iface',
  'id',
] as const;

/** Epoch seconds text of `t` ns after the start, with `decimals` (6 or 9) digits. */
export function formatTime(startMs: number, t: number, decimals: number): string {
  const ns = (startMs % 1000) * 1e6 + t;
  const sec = Math.floor(startMs / 1000) + Math.floor(ns / 1e9);
  const frac = ns % 1e9;
  const digits = decimals === 9 ? frac : Math.floor(frac / 1000);
  return `${sec}.${String(digits).padStart(decimals, '0')}`;
}

export function truthRow(f: Flow, startMs: number): TruthRow {
  const icmp = f.kind === 'icmp-echo' || f.kind === 'icmp-error';
  return {
    id: f.id,
    proto: f.proto,
    client: formatAddress(f.cAddr),
    cport: icmp ? f.icmpType : f.cPort,
    server: formatAddress(f.sAddr),
    sport: icmp ? f.icmpCode : f.sPort,
    vlan: f.l2 === 'vlan' || f.l2 === 'qinq' ? f.vlan : 0,
    c2sPackets: f.c2sPackets,
    c2sIpBytes: f.c2sBytes,
    s2cPackets: f.s2cPackets,
    s2cIpBytes: f.s2cBytes,
    first: formatTime(startMs, f.firstT, f.decimals),
    last: formatTime(startMs, f.lastT, f.decimals),
    kind: f.kind,
    tunnel: f.tunnel,
    end: f.end,
    icmpType: icmp ? f.icmpType : null,
    icmpCode: icmp ? f.icmpCode : null,
    l2: f.l2,
    iface: f.iface,
  };
}

export function truthCsvHeader(): string {
  return TRUTH_COLUMNS.join(',') + '\n';
}

export function truthCsvLine(r: TruthRow): string {
  return (
    `${r.proto},${r.client},${r.cport},${r.server},${r.sport},${r.vlan},` +
    `${r.c2sPackets},${r.c2sIpBytes},${r.s2cPackets},${r.s2cIpBytes},${r.first},${r.last},` +
    `${r.kind},${r.tunnel},${r.end},${r.icmpType ?? ''},${r.icmpCode ?? ''},${r.l2},${r.iface},${r.id}\n`
  );
}

/** Parses a truth CSV written by this module (header required). */
export function parseTruthCsv(text: string): TruthRow[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines.shift();
  if (header !== TRUTH_COLUMNS.join(',')) throw new Error('not a flowmatrix truth CSV (header differs)');
  return lines.map((l) => {
    const c = l.split(',');
    const n = (i: number): number => Number(c[i]);
    return {
      proto: n(0),
      client: c[1],
      cport: n(2),
      server: c[3],
      sport: n(4),
      vlan: n(5),
      c2sPackets: n(6),
      c2sIpBytes: n(7),
      s2cPackets: n(8),
      s2cIpBytes: n(9),
      first: c[10],
      last: c[11],
      kind: c[12] as FlowKind,
      tunnel: c[13] as TunnelKind | '',
      end: c[14] as EndKind,
      icmpType: c[15] === '' ? null : n(15),
      icmpCode: c[16] === '' ? null : n(16),
      l2: c[17] as L2Kind,
      iface: n(18),
      id: n(19),
    };
  });
}

const TRUTH_BUFFER = 1 << 20;
/** Longer than any truth line (two IPv6 addresses and twenty short fields). */
const MAX_LINE = 512;

/**
 * Streams truth rows to a CSV file. Lines are encoded into 1 MiB buffers at once (keeping a long
 * string of pending rows alive would be copied by every young-generation GC); full buffers are
 * written by maybeFlush()/close().
 */
export class TruthWriter {
  private buf = Buffer.allocUnsafe(TRUTH_BUFFER);
  private pos = 0;
  private readonly pending: Buffer[] = [];
  rows = 0;

  private constructor(private readonly fh: FileHandle) {
    this.pos = this.buf.write(truthCsvHeader(), 0, 'latin1');
  }

  static async open(path: string): Promise<TruthWriter> {
    return new TruthWriter(await open(path, 'w'));
  }

  add(r: TruthRow): void {
    if (this.pos + MAX_LINE > this.buf.length) {
      this.pending.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(TRUTH_BUFFER);
      this.pos = 0;
    }
    this.pos += this.buf.write(truthCsvLine(r), this.pos, 'latin1');
    this.rows++;
  }

  /** Writes the buffers that are full. */
  async maybeFlush(): Promise<void> {
    while (this.pending.length > 0) {
      const b = this.pending.shift() as Buffer;
      await this.fh.write(b, 0, b.length);
    }
  }

  async close(): Promise<void> {
    try {
      this.pending.push(this.buf.subarray(0, this.pos));
      this.pos = 0;
      await this.maybeFlush();
    } finally {
      await this.fh.close();
    }
  }
}

/** Writes rows (from an array, or from any iterable) as a truth CSV. */
export async function writeTruth(
  rows: Iterable<TruthRow> | AsyncIterable<TruthRow>,
  path: string,
): Promise<number> {
  const w = await TruthWriter.open(path);
  try {
    for await (const r of rows) {
      w.add(r);
      await w.maybeFlush();
    }
  } finally {
    await w.close();
  }
  return w.rows;
}
