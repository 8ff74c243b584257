import { FR } from '../flow/batch.js';
import { communityIdMessage } from '../flow/community-id.js';
import { sha1Short } from '../flow/sha1.js';
import type { CommunityIdNode, CompareNode, FilterNode, HostNode, NetNode } from './ast.js';
import { allOf, always, anyOf, compareWith, negate, sides, type Pred } from './combine.js';
import { cheapestFirst } from './cost.js';
import { END_REASON_NAMES, TUNNEL_CODE } from './names.js';
import { prefixMatch } from './prefix.js';

/**
 * Matcher over binary flow records (layout FR of src/flow/batch.ts): `o` is the record's byte
 * offset in `v`. Reads fields in place; allocates nothing per call.
 */
export type BatchPredicate = Pred<DataView, number>;

/** Relative cost of a host/net test (a few word reads), for cheapestFirst. */
const ADDRESS_COST = 1;

export function compileBatch(node: FilterNode): BatchPredicate {
  switch (node.kind) {
    case 'all':
      return always();
    case 'and':
      return allOf(cheapestFirst(node.children, ADDRESS_COST).map(compileBatch));
    case 'or':
      return anyOf(cheapestFirst(node.children, ADDRESS_COST).map(compileBatch));
    case 'not':
      return negate(compileBatch(node.child));
    case 'host':
    case 'net':
      return address(node);
    case 'port': {
      const p = node.port;
      return sides(
        node.dir,
        (v, o) => v.getUint16(o + FR.srcPort, true) === p,
        (v, o) => v.getUint16(o + FR.dstPort, true) === p,
      );
    }
    case 'portrange': {
      const { from, to } = node;
      return sides(
        node.dir,
        (v, o) => {
          const x = v.getUint16(o + FR.srcPort, true);
          return x >= from && x <= to;
        },
        (v, o) => {
          const x = v.getUint16(o + FR.dstPort, true);
          return x >= from && x <= to;
        },
      );
    }
    case 'proto': {
      const p = node.proto;
      return (v, o) => v.getUint8(o + FR.proto) === p;
    }
    case 'family':
      return node.version === 6
        ? (v, o) => v.getUint8(o + FR.ipVersion) === 6
        : (v, o) => v.getUint8(o + FR.ipVersion) !== 6;
    case 'vlan': {
      const id = node.vlan;
      return id === null
        ? (v, o) => v.getUint16(o + FR.vlan, true) !== 0
        : (v, o) => v.getUint16(o + FR.vlan, true) === id;
    }
    case 'tunnel': {
      if (node.type === null) return (v, o) => v.getUint8(o + FR.tunnelType) !== 0;
      const code = TUNNEL_CODE.get(node.type) ?? -1;
      return (v, o) => v.getUint8(o + FR.tunnelType) === code;
    }
    case 'state':
      return node.state === 'active'
        ? (v, o) => v.getUint8(o + FR.endCode) === 0
        : (v, o) => v.getUint8(o + FR.endCode) !== 0;
    case 'reason': {
      const code = END_REASON_NAMES.indexOf(node.reason) + 1;
      return (v, o) => v.getUint8(o + FR.endCode) === code;
    }
    case 'compare':
      return compareWith(reader(node.field), node.op, node.value);
    case 'cid':
      return communityId(node);
  }
}

function address(node: HostNode | NetNode): BatchPredicate {
  const { version, words, masks } = prefixMatch(node);
  if (version === 4) {
    const w = words[0] | 0;
    const m = masks[0] | 0;
    const side =
      (field: number): BatchPredicate =>
      (v, o) =>
        v.getUint8(o + FR.ipVersion) !== 6 && (v.getUint32(o + field) & m) === w;
    return sides(node.dir, side(FR.srcAddr), side(FR.dstAddr));
  }
  return sides(node.dir, v6Side(FR.srcAddr, words, masks), v6Side(FR.dstAddr, words, masks));
}

/** One side of an IPv6 prefix test; the common short prefixes are unrolled. */
function v6Side(field: number, words: Int32Array, masks: Int32Array): BatchPredicate {
  const n = words.length;
  const [w0, w1] = words;
  const [m0, m1] = masks;
  const isV6 = (v: DataView, o: number): boolean => v.getUint8(o + FR.ipVersion) === 6;
  if (n === 0) return isV6;
  if (n === 1) return (v, o) => isV6(v, o) && (v.getUint32(o + field) & m0) === w0;
  if (n === 2) {
    return (v, o) =>
      isV6(v, o) && (v.getUint32(o + field) & m0) === w0 && (v.getUint32(o + field + 4) & m1) === w1;
  }
  return (v, o) => {
    if (!isV6(v, o)) return false;
    for (let k = 0; k < n; k++) if ((v.getUint32(o + field + 4 * k) & masks[k]) !== words[k]) return false;
    return true;
  };
}

type Reader = (v: DataView, o: number) => number;

function reader(field: CompareNode['field']): Reader {
  const f =
    (at: number): Reader =>
    (v, o) =>
      v.getFloat64(o + at, true);
  switch (field) {
    case 'bytes':
      return (v, o) => v.getFloat64(o + FR.srcBytes, true) + v.getFloat64(o + FR.dstBytes, true);
    case 'packets':
      return (v, o) => v.getFloat64(o + FR.srcPackets, true) + v.getFloat64(o + FR.dstPackets, true);
    case 'duration':
      return (v, o) => v.getFloat64(o + FR.lastSeen, true) - v.getFloat64(o + FR.firstSeen, true);
    case 'srcBytes':
      return f(FR.srcBytes);
    case 'dstBytes':
      return f(FR.dstBytes);
    case 'srcPackets':
      return f(FR.srcPackets);
    case 'dstPackets':
      return f(FR.dstPackets);
  }
}

/** Hashes each record's tuple (about 0.2 µs): the one costly primitive, tried last in `and`. */
function communityId(node: CommunityIdNode): BatchPredicate {
  // "1:" + base64 of the 20-byte digest, as parseCommunityId checked.
  const want = Buffer.from(node.communityId.slice(2), 'base64');
  const msg = new Uint8Array(40);
  const digest = new Uint8Array(20);
  const src4 = new Uint8Array(4);
  const dst4 = new Uint8Array(4);
  const src16 = new Uint8Array(16);
  const dst16 = new Uint8Array(16);
  return (v, o) => {
    const v6 = v.getUint8(o + FR.ipVersion) === 6;
    const src = v6 ? src16 : src4;
    const dst = v6 ? dst16 : dst4;
    for (let k = 0; k < src.length; k++) {
      src[k] = v.getUint8(o + FR.srcAddr + k);
      dst[k] = v.getUint8(o + FR.dstAddr + k);
    }
    const icmp = v.getUint8(o + FR.isIcmp) === 1;
    const n = communityIdMessage(
      msg,
      v.getUint8(o + FR.proto),
      src,
      dst,
      icmp ? v.getUint8(o + FR.icmpType) : v.getUint16(o + FR.srcPort, true),
      icmp ? v.getUint8(o + FR.icmpCode) : v.getUint16(o + FR.dstPort, true),
      0,
    );
    sha1Short(msg, n, digest);
    for (let k = 0; k < 20; k++) if (digest[k] !== want[k]) return false;
    return true;
  };
}
