import { parseAddress } from '../../../src/flow/address.js';
import type { FlowBatch } from '../../../src/flow/batch.js';
import { FlowBatchWriter } from '../../../src/workers/flow-batch-writer.js';
import { createFlowTableBuffer, FL, FlowTable, List } from '../../../src/workers/flow-table.js';
import { Rng } from './random.js';

/**
 * Random flow batches built the way workers build them (flow table rows through
 * FlowBatchWriter), with values drawn near the edges the filters test: prefix boundaries,
 * IPv4-mapped IPv6, ICMP type/code ports, VLAN 0, amounts around k/M thresholds.
 */
export const V4_POOL = [
  0xc6120001, // 198.18.0.1
  0xc6120002,
  0xc613ffff, // 198.19.255.255 (last of 198.18.0.0/15)
  0xc6140000, // 198.20.0.0 (first after it)
  0xc611ffff, // 198.17.255.255 (just before it)
  0x0a000001, // 10.0.0.1
  0x00000000,
  0xffffffff,
  0x7f000001,
];
export const V6_POOL: number[][] = [
  [0x20010db8, 0, 0, 1], // 2001:db8::1
  [0x20010db8, 0xffff0000, 0, 1],
  [0x20010db9, 0, 0, 1], // just outside 2001:db8::/32
  [0x20010db7, 0xffffffff, 0xffffffff, 0xffffffff],
  [0, 0, 0xffff, 0xc6120001], // ::ffff:198.18.0.1
  [0, 0, 0, 1], // ::1
  [0, 0, 0, 0],
  [0xfe800000, 0, 0x02000000, 0x1],
  [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
];
const PROTOS = [6, 6, 17, 17, 1, 58, 47, 132, 50, 89];
const PORTS = [0, 53, 80, 443, 1023, 1024, 2048, 8080, 65535];
const AMOUNTS = [0, 1, 999, 1000, 1001, 999_999, 1_000_000, 1_000_001, 1_500_000, 1e9];
const DURATIONS = [0, 0.5, 999.999, 1000, 5000, 5000.001, 120_000, 3_600_000];

export function randomAddress(rng: Rng, v6: boolean): Uint32Array {
  if (!v6) {
    const w = rng.chance(0.6)
      ? rng.pick(V4_POOL)
      : rng.chance(0.5)
        ? (0xc6120000 | rng.int(0x20000)) >>> 0
        : rng.next();
    return Uint32Array.of(w, 0, 0, 0);
  }
  if (rng.chance(0.5)) {
    const base = rng.pick(V6_POOL);
    // Perturb one low bit now and then, to land on either side of non-octet prefixes.
    const a = Uint32Array.from(base);
    if (rng.chance(0.3)) a[rng.int(4)] ^= 1 << rng.int(32);
    return a;
  }
  if (rng.chance(0.5)) return Uint32Array.of(0x20010db8, rng.next(), rng.next(), rng.next());
  return Uint32Array.of(rng.next(), rng.next(), rng.next(), rng.next());
}

function amount(rng: Rng): number {
  return rng.chance(0.7) ? rng.pick(AMOUNTS) : rng.int(5_000_000);
}

export function randomBatch(count: number, seed: number): FlowBatch {
  const rng = new Rng(seed);
  const table = new FlowTable(createFlowTableBuffer(count));
  const w = new FlowBatchWriter(count);
  for (let i = 0; i < count; i++) {
    const v6 = rng.chance(0.4);
    const proto = rng.pick(PROTOS);
    const vlan = rng.chance(0.6) ? 0 : rng.pick([1, 10, 100, 4095, rng.int(4096)]);
    const port = (): number => (rng.chance(0.7) ? rng.pick(PORTS) : rng.int(65536));
    const slot = table.insert(
      randomAddress(rng, v6),
      randomAddress(rng, v6),
      port(),
      port(),
      proto | (v6 ? 0x100 : 0) | (vlan << 12),
      rng.next(),
      List.udp,
    );
    const f = slot << 4;
    table.f64[f + FL.first] = 1_735_689_600_000 + rng.int(3_600_000) + rng.int(1000) / 1000;
    table.f64[f + FL.last] =
      table.f64[f + FL.first] + (rng.chance(0.7) ? rng.pick(DURATIONS) : rng.int(10_000_000) / 7);
    table.f64[f + FL.srcPackets] = amount(rng) % 100_000;
    table.f64[f + FL.dstPackets] = rng.pick(AMOUNTS) % 2_000_000;
    table.f64[f + FL.srcBytes] = amount(rng);
    table.f64[f + FL.dstBytes] = amount(rng);
    table.f64[f + FL.id] = i;
    table.u16[(slot << 6) + FL.icmp] = rng.chance(0.5)
      ? rng.pick([0x0800, 0x0000, 0x0303, 0x8000, 0x8100])
      : rng.int(65536);
    table.u8[(slot << 7) + FL.srcFlags] = rng.int(256);
    if (rng.chance(0.2)) {
      table.u8[(slot << 7) + FL.tunnelType] = 1 + rng.int(11);
      table.u8[(slot << 7) + FL.outerVersion] = rng.chance(0.5) ? 4 : 6;
      table.outer.set([rng.next(), rng.next(), 0, rng.next(), rng.next(), 0, 0, 1], slot * 8);
      table.u32[(slot << 5) + FL.tunnelId] = rng.next();
    }
    w.write(table, slot, rng.int(8));
  }
  return w.take();
}

/** One hand-made flow: what the semantic tests set; everything else is zero. */
export interface FlowSpec {
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
  proto?: number;
  vlan?: number;
  /** ICMP type << 8 | code (for proto 1/58). */
  icmp?: number;
  srcBytes?: number;
  dstBytes?: number;
  srcPackets?: number;
  dstPackets?: number;
  durationMs?: number;
  /** TUNNEL_TYPE_NAMES index, 0 = none. */
  tunnelType?: number;
  endCode?: number;
}

function words(text: string): Uint32Array {
  const b = parseAddress(text);
  if (!b) throw new Error(`bad test address ${text}`);
  const w = new Uint32Array(4);
  for (let i = 0; i < b.length; i++) w[i >> 2] |= b[i] << (24 - (i & 3) * 8);
  return w;
}

export function buildBatch(specs: FlowSpec[]): FlowBatch {
  const table = new FlowTable(createFlowTableBuffer(Math.max(1, specs.length)));
  const w = new FlowBatchWriter(Math.max(1, specs.length));
  specs.forEach((s, i) => {
    const v6 = s.src.includes(':');
    const slot = table.insert(
      words(s.src),
      words(s.dst),
      s.srcPort ?? 0,
      s.dstPort ?? 0,
      (s.proto ?? 6) | (v6 ? 0x100 : 0) | ((s.vlan ?? 0) << 12),
      i,
      List.other,
    );
    const f = slot << 4;
    table.f64[f + FL.first] = 1_735_689_600_000;
    table.f64[f + FL.last] = 1_735_689_600_000 + (s.durationMs ?? 0);
    table.f64[f + FL.srcBytes] = s.srcBytes ?? 0;
    table.f64[f + FL.dstBytes] = s.dstBytes ?? 0;
    table.f64[f + FL.srcPackets] = s.srcPackets ?? 0;
    table.f64[f + FL.dstPackets] = s.dstPackets ?? 0;
    table.f64[f + FL.id] = i;
    table.u16[(slot << 6) + FL.icmp] = s.icmp ?? 0;
    table.u8[(slot << 7) + FL.tunnelType] = s.tunnelType ?? 0;
    table.u8[(slot << 7) + FL.outerVersion] = 4;
    w.write(table, slot, s.endCode ?? 0);
  });
  return w.take();
}
