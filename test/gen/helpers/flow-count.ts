/**
 * Counts flows from decoded frames, the way a careful flow meter would, to check the truth:
 * key = (proto, unordered endpoints) with ICMP ports 0; later fragments take the ports of their
 * datagram's first fragment; the initiator is the sender of the first packet.
 */
import type { CaptureFile } from './capture-reader.js';
import { recordTime } from './capture-reader.js';
import { decodeFrame, type Decoded } from './frame-decoder.js';

export interface CountedFlow {
  proto: number;
  /** Endpoint text "addr|port" of the first packet's sender and receiver. */
  a: string;
  b: string;
  aPackets: number;
  aBytes: number;
  bPackets: number;
  bBytes: number;
  first: string;
  last: string;
  firstNs: bigint;
  lastNs: bigint;
  /** Largest gap between two packets of the flow, ns. */
  maxGapNs: bigint;
  vlan: number;
  tunnel: string;
  icmpType: number;
  icmpCode: number;
}

export function flowKey(proto: number, e1: string, e2: string): string {
  return e1 < e2 ? `${proto} ${e1} ${e2}` : `${proto} ${e2} ${e1}`;
}

function ns(sec: number, frac: number, decimals: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(frac) * 10n ** BigInt(9 - decimals);
}

export interface CountResult {
  flows: Map<string, CountedFlow>;
  decoded: Decoded[];
  packets: number;
}

export function countFlows(cap: CaptureFile, keepDecoded = false): CountResult {
  const flows = new Map<string, CountedFlow>();
  const fragPorts = new Map<string, [number, number]>();
  const decoded: Decoded[] = [];
  // file order: the out-of-order option only swaps packets of different flows
  for (const r of cap.records) {
    const t = ns(r.tsSec, r.frac, r.decimals);
    const d = decodeFrame(r.linkType, r.frame);
    if (keepDecoded) decoded.push(d);
    let sport = d.sport;
    let dport = d.dport;
    if (d.frag) {
      const fk = `${d.src} ${d.dst} ${d.proto} ${d.frag.id}`;
      if (d.frag.offset === 0) fragPorts.set(fk, [sport, dport]);
      else {
        const p = fragPorts.get(fk);
        if (!p) throw new Error(`fragment before its first fragment: ${fk}`);
        [sport, dport] = p;
      }
    }
    if (d.proto === 1 || d.proto === 58) sport = dport = 0;
    const es = `${d.src}|${sport}`;
    const ed = `${d.dst}|${dport}`;
    const key = flowKey(d.proto, es, ed);
    let f = flows.get(key);
    if (!f) {
      f = {
        proto: d.proto,
        a: es,
        b: ed,
        aPackets: 0,
        aBytes: 0,
        bPackets: 0,
        bBytes: 0,
        first: recordTime(r),
        last: recordTime(r),
        firstNs: t,
        lastNs: t,
        maxGapNs: 0n,
        vlan: d.vlan,
        tunnel: d.tunnel,
        icmpType: d.icmpType,
        icmpCode: d.icmpCode,
      };
      flows.set(key, f);
    } else {
      if (t - f.lastNs > f.maxGapNs) f.maxGapNs = t - f.lastNs;
    }
    if (es === f.a) {
      f.aPackets++;
      f.aBytes += d.ipBytes;
    } else {
      f.bPackets++;
      f.bBytes += d.ipBytes;
    }
    if (t < f.firstNs) {
      f.firstNs = t;
      f.first = recordTime(r);
    }
    if (t > f.lastNs) {
      f.lastNs = t;
      f.last = recordTime(r);
    }
  }
  return { flows, decoded, packets: cap.records.length };
}
