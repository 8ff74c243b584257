import { base64, sha1Short } from './sha1.js';

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

/**
 * Builds the hashed message of a Community ID into `m` (40 bytes at least) and returns its
 * length. For ICMP/ICMPv6 pass the type as srcPort and the code as dstPort.
 */
export function communityIdMessage(
  m: Uint8Array,
  proto: number,
  src: Uint8Array,
  dst: Uint8Array,
  srcPort: number,
  dstPort: number,
  seed: number,
): number {
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
  m[0] = (seed >>> 8) & 0xff;
  m[1] = seed & 0xff;
  m.set(a, 2);
  m.set(b, 2 + a.length);
  let o = 2 + a.length * 2;
  m[o++] = proto;
  m[o++] = 0;
  if (hasPorts) {
    m[o++] = (sp >>> 8) & 0xff;
    m[o++] = sp & 0xff;
    m[o++] = (dp >>> 8) & 0xff;
    m[o++] = dp & 0xff;
  }
  return o;
}

export function communityId(
  proto: number,
  src: Uint8Array,
  dst: Uint8Array,
  srcPort: number,
  dstPort: number,
  seed = 0,
): string {
  const n = communityIdMessage(MESSAGE, proto, src, dst, srcPort, dstPort, seed);
  sha1Short(MESSAGE, n, DIGEST);
  return '1:' + base64(DIGEST, 20);
}

/** At most 2 + 16 + 16 + 2 + 4 = 40 bytes: one SHA-1 block. */
const MESSAGE = new Uint8Array(40);
const DIGEST = new Uint8Array(20);
