import type { FlowRecord } from '../../../src/flow/record.js';

export interface DirectionTotals {
  records: number;
  packets: number;
  bytes: number;
}

/**
 * Per-direction totals keyed by protocol, source and destination (ports too, except ICMP,
 * whose reverse direction carries the reply type): what a unidirectional exporter or
 * collector must agree on with the bidirectional flows it came from.
 */
export function directionKey(proto: number, src: string, sp: number, dst: string, dp: number): string {
  return proto === 1 || proto === 58 ? `${proto} ${src} > ${dst}` : `${proto} ${src}:${sp} > ${dst}:${dp}`;
}

/** Adds one record of a direction to its totals. */
export function addTotals(m: Map<string, DirectionTotals>, k: string, packets: number, bytes: number): void {
  const t = m.get(k);
  if (t) {
    t.records++;
    t.packets += packets;
    t.bytes += bytes;
  } else m.set(k, { records: 1, packets, bytes });
}

/** Both directions of bidirectional flows (a direction without packets is left out). */
export function bidirectionalTotals(flows: FlowRecord[]): Map<string, DirectionTotals> {
  const m = new Map<string, DirectionTotals>();
  for (const f of flows) {
    addTotals(m, directionKey(f.proto, f.srcAddr, f.srcPort, f.dstAddr, f.dstPort), f.srcPackets, f.srcBytes);
    if (f.dstPackets > 0)
      addTotals(
        m,
        directionKey(f.proto, f.dstAddr, f.dstPort, f.srcAddr, f.srcPort),
        f.dstPackets,
        f.dstBytes,
      );
  }
  return m;
}

/**
 * Unidirectional records (collected ones: src = the record's source, counters in src*; biflow
 * records carry the reverse in dst*): the same sums as bidirectionalTotals.
 */
export const unidirectionalTotals = bidirectionalTotals;

/** Differences between two totals maps (at most `limit` lines). */
export function diffTotals(
  want: Map<string, DirectionTotals>,
  got: Map<string, DirectionTotals>,
  limit = 10,
  compareRecords = false,
): string[] {
  const out: string[] = [];
  for (const [k, w] of want) {
    const g = got.get(k);
    if (!g) out.push(`missing ${k} (${w.packets} packets)`);
    else if (g.packets !== w.packets || g.bytes !== w.bytes || (compareRecords && g.records !== w.records))
      out.push(`${k}: got ${g.records}/${g.packets}/${g.bytes}, want ${w.records}/${w.packets}/${w.bytes}`);
    if (out.length >= limit) return out;
  }
  for (const k of got.keys()) {
    if (!want.has(k)) out.push(`spurious ${k}`);
    if (out.length >= limit) break;
  }
  return out;
}
