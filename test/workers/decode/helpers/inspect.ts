import {
  DECODE_ERROR_NAMES,
  DecodedPacket,
  decodePacket,
  newDecodeCounters,
  TUNNEL_TYPE_NAMES,
} from '../../../../src/workers/decode/index.js';
import { ip6Words } from './build.js';

/** Text form of decoder address words: dotted quad for version 4, uncompressed hex groups for 6, '' for 0. */
export function addrText(words: Uint32Array, version: number): string {
  if (version === 4) return [24, 16, 8, 0].map((s) => (words[0] >>> s) & 0xff).join('.');
  if (version !== 6) return words.every((w) => w === 0) ? '' : `?${Array.from(words).join(',')}`;
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) groups.push((words[i] >>> 16).toString(16), (words[i] & 0xffff).toString(16));
  return groups.join(':');
}

/** The addrText form of an IPv6 address written the usual way ('2001:db8::1'). */
export function v6(a: string): string {
  return addrText(Uint32Array.from(ip6Words(a)), 6);
}

/** Non-zero counters by name. */
export function reasons(counters: Float64Array): Record<string, number> {
  const r: Record<string, number> = {};
  for (let i = 1; i < counters.length; i++) if (counters[i] !== 0) r[DECODE_ERROR_NAMES[i]] = counters[i];
  return r;
}

/** Every field of a DecodedPacket as a plain object, raw address words included (for identity checks). */
export function snapshot(p: DecodedPacket): Record<string, unknown> {
  return {
    ipVersion: p.ipVersion,
    proto: p.proto,
    src: Array.from(p.src),
    dst: Array.from(p.dst),
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    hasPorts: p.hasPorts,
    tcpFlags: p.tcpFlags,
    ipBytes: p.ipBytes,
    ttl: p.ttl,
    vlan: p.vlan,
    vlanTags: p.vlanTags,
    mplsLabel: p.mplsLabel,
    etherType: p.etherType,
    icmpType: p.icmpType,
    icmpCode: p.icmpCode,
    icmpId: p.icmpId,
    isFragment: p.isFragment,
    fragOffset: p.fragOffset,
    moreFragments: p.moreFragments,
    fragId: p.fragId,
    tunnelType: p.tunnelType,
    tunnelId: p.tunnelId,
    outerVersion: p.outerVersion,
    outerSrc: Array.from(p.outerSrc),
    outerDst: Array.from(p.outerDst),
    tunnelDepth: p.tunnelDepth,
    payloadOffset: p.payloadOffset,
    error: p.error,
  };
}

/** Readable form of every field: addresses as text, tunnel and error by name, plus the counters. */
export interface Fields {
  ok: boolean;
  ipVersion: number;
  proto: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  hasPorts: boolean;
  tcpFlags: number;
  ipBytes: number;
  ttl: number;
  vlan: number;
  vlanTags: number;
  mplsLabel: number;
  etherType: number;
  icmpType: number;
  icmpCode: number;
  icmpId: number;
  isFragment: boolean;
  fragOffset: number;
  moreFragments: boolean;
  fragId: number;
  tunnel: string;
  tunnelId: number;
  outerVersion: number;
  outerSrc: string;
  outerDst: string;
  tunnelDepth: number;
  payloadOffset: number;
  error: string;
  reasons: Record<string, number>;
}

export function fields(ok: boolean, p: DecodedPacket, counters: Float64Array): Fields {
  return {
    ok,
    ipVersion: p.ipVersion,
    proto: p.proto,
    src: addrText(p.src, p.ipVersion),
    dst: addrText(p.dst, p.ipVersion),
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    hasPorts: p.hasPorts,
    tcpFlags: p.tcpFlags,
    ipBytes: p.ipBytes,
    ttl: p.ttl,
    vlan: p.vlan,
    vlanTags: p.vlanTags,
    mplsLabel: p.mplsLabel,
    etherType: p.etherType,
    icmpType: p.icmpType,
    icmpCode: p.icmpCode,
    icmpId: p.icmpId,
    isFragment: p.isFragment,
    fragOffset: p.fragOffset,
    moreFragments: p.moreFragments,
    fragId: p.fragId,
    tunnel: TUNNEL_TYPE_NAMES[p.tunnelType],
    tunnelId: p.tunnelId,
    outerVersion: p.outerVersion,
    outerSrc: addrText(p.outerSrc, p.outerVersion),
    outerDst: addrText(p.outerDst, p.outerVersion),
    tunnelDepth: p.tunnelDepth,
    payloadOffset: p.payloadOffset,
    error: DECODE_ERROR_NAMES[p.error],
    reasons: reasons(counters),
  };
}

/** The fields of a packet where nothing was decoded: spread it and override what a test expects. */
export const NOTHING: Fields = fields(false, new DecodedPacket(), newDecodeCounters());

export interface RunOptions {
  linkType?: number;
  /** Bytes on the wire; defaults to the frame length. */
  wireLen?: number;
  /** Bytes captured; defaults to the frame length. */
  capLen?: number;
}

/** Decodes one frame with a fresh packet and fresh counters. */
export function run(frame: Uint8Array, o: RunOptions = {}): Fields {
  const p = new DecodedPacket();
  const counters = newDecodeCounters();
  const capLen = o.capLen ?? frame.length;
  const ok = decodePacket(frame, 0, capLen, o.wireLen ?? frame.length, o.linkType ?? 1, p, counters);
  return fields(ok, p, counters);
}
