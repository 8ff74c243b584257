/** Checks a generated capture against its truth rows, flow by flow, from the bytes alone. */
import { inAllowedRange, type TruthRow } from '../../../src/gen/index.js';
import { readCapture, type CaptureFile } from './capture-reader.js';
import { countFlows, flowKey } from './flow-count.js';

export interface TruthCheck {
  cap: CaptureFile;
  problems: string[];
  /** Distinct keys in the truth (proto, unordered endpoints; ICMP ports 0). */
  truthKeys: number;
  countedFlows: number;
  packets: number;
  truthPackets: number;
  /** Largest gap inside a flow and longest flow, s. */
  maxGapSec: number;
  maxFlowSec: number;
}

function truthKey(r: TruthRow): string {
  const icmp = r.proto === 1 || r.proto === 58;
  return flowKey(r.proto, `${r.client}|${icmp ? 0 : r.cport}`, `${r.server}|${icmp ? 0 : r.sport}`);
}

export function checkTruth(path: string, rows: TruthRow[], allowDuplicateKeys = false): TruthCheck {
  const cap = readCapture(path);
  const counted = countFlows(cap, true);
  const problems: string[] = [];
  const note = (s: string): void => {
    if (problems.length < 20) problems.push(s);
  };
  for (const d of counted.decoded) {
    for (const c of d.badChecksums) note(`bad checksum ${c} in ${d.layers.join('/')}`);
    for (const a of d.addresses)
      if (!inAllowedRange(a)) note(`address out of range: ${Array.from(a).join(',')}`);
  }
  const keys = new Map<string, TruthRow[]>();
  for (const r of rows) {
    const k = truthKey(r);
    const list = keys.get(k);
    if (list) list.push(r);
    else keys.set(k, [r]);
  }
  for (const [k, list] of keys) {
    if (list.length > 1 && !allowDuplicateKeys) note(`duplicate truth key ${k}`);
    const f = counted.flows.get(k);
    if (!f) {
      note(`truth flow not in file: ${k}`);
      continue;
    }
    const r = list[0];
    const icmp = r.proto === 1 || r.proto === 58;
    const client = `${r.client}|${icmp ? 0 : r.cport}`;
    const sum = (g: (x: TruthRow) => number): number => list.reduce((s, x) => s + g(x), 0);
    const c2s = [sum((x) => x.c2sPackets), sum((x) => x.c2sIpBytes)];
    const s2c = [sum((x) => x.s2cPackets), sum((x) => x.s2cIpBytes)];
    const fc = f.a === client ? [f.aPackets, f.aBytes] : [f.bPackets, f.bBytes];
    const fs = f.a === client ? [f.bPackets, f.bBytes] : [f.aPackets, f.aBytes];
    if (f.a !== client) note(`initiator differs for ${k}: file ${f.a}, truth ${client}`);
    if (fc[0] !== c2s[0] || fc[1] !== c2s[1] || fs[0] !== s2c[0] || fs[1] !== s2c[1])
      note(`counts differ for ${k}: file ${fc}/${fs}, truth ${c2s}/${s2c}`);
    if (list.length === 1 && (f.first !== r.first || f.last !== r.last))
      note(`times differ for ${k}: file ${f.first}..${f.last}, truth ${r.first}..${r.last}`);
    if (f.vlan !== r.vlan) note(`vlan differs for ${k}: file ${f.vlan}, truth ${r.vlan}`);
    if (f.tunnel !== r.tunnel) note(`tunnel differs for ${k}: file '${f.tunnel}', truth '${r.tunnel}'`);
    if (icmp && (f.icmpType !== r.icmpType || f.icmpCode !== r.icmpCode || r.cport !== r.icmpType))
      note(`icmp type/code differ for ${k}`);
  }
  for (const k of counted.flows.keys()) if (!keys.has(k)) note(`flow in file without truth: ${k}`);
  let maxGap = 0n;
  let maxFlow = 0n;
  for (const f of counted.flows.values()) {
    if (f.maxGapNs > maxGap) maxGap = f.maxGapNs;
    if (f.lastNs - f.firstNs > maxFlow) maxFlow = f.lastNs - f.firstNs;
  }
  return {
    cap,
    problems,
    truthKeys: keys.size,
    countedFlows: counted.flows.size,
    packets: counted.packets,
    truthPackets: rows.reduce((s, r) => s + r.c2sPackets + r.s2cPackets, 0),
    maxGapSec: Number(maxGap) / 1e9,
    maxFlowSec: Number(maxFlow) / 1e9,
  };
}
