import { parseAddress } from '../../../src/flow/address.js';
import type { FlowRecord } from '../../../src/flow/record.js';
import type { CompareNode, FilterNode, HostNode, NetNode } from '../../../src/filter/index.js';

/**
 * A deliberately naive interpreter of the filter AST over public records (addresses as bit
 * strings, no precomputation): the oracle the compiled matchers are checked against.
 */
export function referenceMatch(node: FilterNode, r: FlowRecord): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.children.every((c) => referenceMatch(c, r));
    case 'or':
      return node.children.some((c) => referenceMatch(c, r));
    case 'not':
      return !referenceMatch(node.child, r);
    case 'host':
    case 'net':
      return either(
        node.dir,
        () => inPrefix(r.srcAddr, node),
        () => inPrefix(r.dstAddr, node),
      );
    case 'port':
      return either(
        node.dir,
        () => r.srcPort === node.port,
        () => r.dstPort === node.port,
      );
    case 'portrange':
      return either(
        node.dir,
        () => r.srcPort >= node.from && r.srcPort <= node.to,
        () => r.dstPort >= node.from && r.dstPort <= node.to,
      );
    case 'proto':
      return r.proto === node.proto;
    case 'family':
      return r.ipVersion === node.version;
    case 'vlan':
      return node.vlan === null ? r.vlan > 0 : r.vlan === node.vlan;
    case 'tunnel':
      return r.tunnel !== null && (node.type === null || r.tunnel.type === node.type);
    case 'state':
      return r.state === node.state;
    case 'reason':
      return r.endReason === node.reason;
    case 'compare':
      return compare(node, r);
    case 'cid':
      return r.communityId === node.communityId;
  }
}

function either(dir: 'src' | 'dst' | 'any', src: () => boolean, dst: () => boolean): boolean {
  return dir === 'src' ? src() : dir === 'dst' ? dst() : src() || dst();
}

const bits = (b: Uint8Array): string => [...b].map((x) => x.toString(2).padStart(8, '0')).join('');

function inPrefix(text: string, node: HostNode | NetNode): boolean {
  const a = parseAddress(text);
  const n = parseAddress(node.address);
  if (!a || !n || a.length !== n.length) return false;
  const p = node.kind === 'host' ? n.length * 8 : node.prefix;
  return bits(a).slice(0, p) === bits(n).slice(0, p);
}

function compare(node: CompareNode, r: FlowRecord): boolean {
  const v = {
    bytes: r.srcBytes + r.dstBytes,
    packets: r.srcPackets + r.dstPackets,
    srcBytes: r.srcBytes,
    dstBytes: r.dstBytes,
    srcPackets: r.srcPackets,
    dstPackets: r.dstPackets,
    duration: r.lastSeen - r.firstSeen,
  }[node.field];
  const x = node.value;
  return {
    '>': v > x,
    '>=': v >= x,
    '<': v < x,
    '<=': v <= x,
    '=': v === x,
    '!=': v !== x,
  }[node.op];
}
