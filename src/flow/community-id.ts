import { createHash } from 'node:crypto';

/**
 * Community ID v1 (corelight/community-id-spec): "1:" + base64(SHA-1(seed, ordered tuple)).
 * Addresses are raw bytes (4 or 16). For ICMP/ICMPv6 pass the type as srcPort and the code as
 * dstPort: they are mapped to the spec's port equivalents here.
 */
const ICMP4_COUNTERPART = new Map<number, number>([
  [8, 0],
  [0, 8],
  [13, 14],
  [14, 13],
  [15, 16],
  [16, 15],
  [10, 9], // router solicitation -> advertisement; the spec maps this one way only
  [17, 18],
  [18, 17],
]);
const ICMP6_COUNTERPART = new Map<number, number>([
  [128, 129],
  [129, 128],
  [133, 134],
  [134, 133],
  [135, 136],
  [136, 135],
  [130, 131],
  [131, 130],
  [139, 140],
  [140, 139],
  [144, 145],
  [145, 144],
]);

const PORT_PROTOS = new Set([1, 6, 17, 58, 132]);

function lessThan(a: Uint8Array, b: Uint8Array, pa: number, pb: number): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i];
  }
  return pa < pb;
}

export function communityId(
  proto: number,
  src: Uint8Array,
  dst: Uint8Array,
  srcPort: number,
  dstPort: number,
  seed = 0,
): string {
  let sp = srcPort;
  let dp = dstPort;
  let oneWay = false;
  if (proto === 1 || proto === 58) {
    const counterpart = (proto === 1 ? ICMP4_COUNTERPART : ICMP6_COUNTERPART).get(srcPort);
    if (counterpart === undefined) oneWay = true;
    else dp = counterpart;
  }
  const hasPorts = PORT_PROTOS.has(proto);
  let a = src;
  let b = dst;
  if (!(oneWay || lessThan(src, dst, hasPorts ? sp : 0, hasPorts ? dp : 0))) {
    a = dst;
    b = src;
    const t = sp;
    sp = dp;
    dp = t;
  }
  const n = 2 + a.length * 2 + 2 + (hasPorts ? 4 : 0);
  const buf = Buffer.alloc(n);
  buf.writeUInt16BE(seed & 0xffff, 0);
  buf.set(a, 2);
  buf.set(b, 2 + a.length);
  let o = 2 + a.length * 2;
  buf[o++] = proto;
  buf[o++] = 0;
  if (hasPorts) {
    buf.writeUInt16BE(sp & 0xffff, o);
    buf.writeUInt16BE(dp & 0xffff, o + 2);
  }
  return '1:' + createHash('sha1').update(buf).digest('base64');
}
