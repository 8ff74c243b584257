import type { FlowRecord } from '../../src/flow/record.js';
import type { TruthRow } from '../../src/gen/index.js';

/** Key of a flow that does not depend on direction: proto + unordered endpoints (ICMP: addresses only). */
export function flowKey(proto: number, a: string, ap: number, b: string, bp: number): string {
  const icmp = proto === 1 || proto === 58;
  const x = icmp ? a : `${a}|${ap}`;
  const y = icmp ? b : `${b}|${bp}`;
  return x < y ? `${proto}/${x}/${y}` : `${proto}/${y}/${x}`;
}

export interface Comparison {
  truthFlows: number;
  records: number;
  missing: string[];
  spurious: string[];
  /** Flows covered by more than one record. */
  split: string[];
  countMismatch: string[];
  directionMismatch: string[];
  timeMismatch: string[];
  endMismatch: string[];
  tunnelMismatch: string[];
}

export interface IdleTimeouts {
  tcpMs: number;
  udpMs: number;
  otherMs: number;
}

export const DEFAULT_IDLE: IdleTimeouts = { tcpMs: 300_000, udpMs: 120_000, otherMs: 60_000 };

/**
 * The end reason a correct meter must give: fin/rst as the truth says; a flow that just stops
 * ends 'idle' when the capture goes on for at least its idle timeout after its last packet,
 * else 'eof'.
 */
function expectedEnd(t: TruthRow, captureEndMs: number, idle: IdleTimeouts): string {
  if (t.end === 'fin' || t.end === 'rst') return t.end;
  const timeout = t.proto === 6 ? idle.tcpMs : t.proto === 17 ? idle.udpMs : idle.otherMs;
  return captureEndMs - Number(t.last) * 1000 >= timeout ? 'idle' : 'eof';
}

/** Compares flow records with generator truth: exact per-direction packets and IP bytes. */
export function compareWithTruth(
  truth: TruthRow[],
  records: FlowRecord[],
  idle: IdleTimeouts = DEFAULT_IDLE,
): Comparison {
  const captureEndMs = truth.reduce((m, t) => Math.max(m, Number(t.last) * 1000), 0);
  const byKey = new Map<string, FlowRecord[]>();
  for (const r of records) {
    const k = flowKey(r.proto, r.srcAddr, r.srcPort, r.dstAddr, r.dstPort);
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
  }
  const c: Comparison = {
    truthFlows: truth.length,
    records: records.length,
    missing: [],
    spurious: [],
    split: [],
    countMismatch: [],
    directionMismatch: [],
    timeMismatch: [],
    endMismatch: [],
    tunnelMismatch: [],
  };
  const seen = new Set<string>();
  for (const t of truth) {
    const k = flowKey(t.proto, t.client, t.cport, t.server, t.sport);
    seen.add(k);
    const rs = byKey.get(k);
    if (!rs) {
      c.missing.push(`${k} (${t.kind})`);
      continue;
    }
    if (rs.length > 1) c.split.push(`${k}: ${rs.length} records`);
    const r = rs[0];
    const forward = r.srcAddr === t.client;
    const sp = rs.reduce((s, x) => s + (x.srcAddr === t.client ? x.srcPackets : x.dstPackets), 0);
    const sb = rs.reduce((s, x) => s + (x.srcAddr === t.client ? x.srcBytes : x.dstBytes), 0);
    const dp = rs.reduce((s, x) => s + (x.srcAddr === t.client ? x.dstPackets : x.srcPackets), 0);
    const db = rs.reduce((s, x) => s + (x.srcAddr === t.client ? x.dstBytes : x.srcBytes), 0);
    if (sp !== t.c2sPackets || sb !== t.c2sIpBytes || dp !== t.s2cPackets || db !== t.s2cIpBytes) {
      c.countMismatch.push(
        `${k} (${t.kind}/${t.tunnel || '-'}): got ${sp}/${sb} ${dp}/${db}, want ${t.c2sPackets}/${t.c2sIpBytes} ${t.s2cPackets}/${t.s2cIpBytes}`,
      );
    }
    if (!forward || (t.proto !== 1 && t.proto !== 58 && r.srcPort !== t.cport)) {
      c.directionMismatch.push(
        `${k} (${t.kind}): src ${r.srcAddr}:${r.srcPort}, truth client ${t.client}:${t.cport}`,
      );
    }
    const first = Math.min(...rs.map((x) => x.firstSeen));
    const last = Math.max(...rs.map((x) => x.lastSeen));
    if (Math.abs(first - Number(t.first) * 1000) > 0.002 || Math.abs(last - Number(t.last) * 1000) > 0.002) {
      c.timeMismatch.push(`${k}: ${first}..${last} vs ${t.first}..${t.last}`);
    }
    const wantEnd = expectedEnd(t, captureEndMs, idle);
    if (rs.length === 1 && r.endReason !== wantEnd) {
      c.endMismatch.push(`${k} (${t.kind}): ${r.endReason}, want ${wantEnd} (truth ${t.end})`);
    }
    if ((r.tunnel?.type ?? '') !== t.tunnel)
      c.tunnelMismatch.push(`${k}: ${r.tunnel?.type ?? '-'} vs ${t.tunnel || '-'}`);
  }
  for (const k of byKey.keys()) if (!seen.has(k)) c.spurious.push(k);
  return c;
}
