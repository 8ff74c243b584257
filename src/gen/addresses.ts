/**
 * Address plan. Every address the generator writes is in 198.18.0.0/15 (RFC 2544 benchmarking)
 * or 2001:db8::/32 (RFC 3849 documentation), each role in its own block:
 *
 *   role        IPv4                 IPv6
 *   client      198.18.0.0/16        2001:db8:0:1::/64
 *   server      198.19.0.0/18        2001:db8:0:2::/64
 *   router      198.19.64.0/18       2001:db8:0:3::/64   (senders of ICMP errors)
 *   tunnel      198.19.128.0/18      2001:db8:0:4::/64   (outer tunnel endpoints)
 *   quoted      198.19.192.0/18      2001:db8:0:5::/64   (destinations inside quoted ICMP errors)
 *
 * Flow keys are unique by construction, without remembering past flows: the client endpoint of
 * every port-keyed flow (TCP, UDP, SCTP) comes from a bijective permutation of a counter, and
 * client and server blocks are disjoint, so no two flows can share (proto, endpoint pair);
 * address-pair-keyed flows (ICMP, other protocols) take (host, peer) pairs from a second
 * permutation in the same way.
 */
import { mix32 } from './random.js';

export const enum Block {
  Client = 0,
  Server = 1,
  Router = 2,
  Tunnel = 3,
  Quoted = 4,
}

const V4_BLOCK_BASE = [0xc6120000, 0xc6130000, 0xc6134000, 0xc6138000, 0xc613c000];
/** Hosts per block: 254 usable addresses per /24 (never .0 or .255), 64 /24s in a /18. */
export const V4_BLOCK_HOSTS = [254 * 256, 254 * 64, 254 * 64, 254 * 64, 254 * 64];

export const CLIENT_HOST_BITS = 14;
export const CLIENT_PORT_BITS = 15;
export const PEER_BITS = 11;
/** Servers are drawn from this many hosts (popular ones more often). */
export const SERVER_HOSTS = 1 << PEER_BITS;

/** Writes the address of host `index` of `block` into `out` (4 or 16 bytes). */
export function hostAddress(out: Uint8Array, v6: boolean, block: Block, index: number): void {
  if (!v6) {
    const word = V4_BLOCK_BASE[block] + Math.floor(index / 254) * 256 + (index % 254) + 1;
    out[0] = word >>> 24;
    out[1] = (word >>> 16) & 255;
    out[2] = (word >>> 8) & 255;
    out[3] = word & 255;
    return;
  }
  // 2001:db8:0:<block+1>::<index+1 as 32 bits>
  out.fill(0);
  out[0] = 0x20;
  out[1] = 0x01;
  out[2] = 0x0d;
  out[3] = 0xb8;
  out[7] = block + 1;
  const v = index + 1;
  out[12] = v >>> 24;
  out[13] = (v >>> 16) & 255;
  out[14] = (v >>> 8) & 255;
  out[15] = v & 255;
}

/**
 * A bijection on [0, 2^bits): multiply by odd constants and xor-shift, both invertible modulo
 * 2^bits. Distinct inputs give distinct outputs, which is all uniqueness needs; the constants
 * come from the seed so that different seeds spread flows differently.
 */
export class Permutation {
  private readonly mask: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly add: number;
  private readonly s1: number;
  private readonly s2: number;

  constructor(
    readonly bits: number,
    seed32: number,
  ) {
    if (bits < 4 || bits > 31) throw new RangeError('permutation bits out of range');
    this.mask = bits === 31 ? 0x7fffffff : (1 << bits) - 1;
    this.m1 = (mix32(seed32 ^ 0xa5a5) | 1) >>> 0;
    this.m2 = (mix32(seed32 ^ 0x5a5a) | 1) >>> 0;
    this.add = mix32(seed32 ^ 0x3c3c) & this.mask;
    this.s1 = Math.max(1, bits >> 1);
    this.s2 = Math.max(1, (bits >> 1) - 2);
  }

  get size(): number {
    return this.mask + 1;
  }

  map(i: number): number {
    const m = this.mask;
    let x = (Math.imul(i & m, this.m1) + this.add) & m;
    x ^= x >>> this.s1;
    x = Math.imul(x, this.m2) & m;
    x ^= x >>> this.s2;
    x = Math.imul(x, this.m1) & m;
    return x >>> 0;
  }
}

/** Hands out client endpoints (host index, port) never used before in this file. */
export class EndpointAllocator {
  private readonly perm: Permutation;
  private next = 0;
  host = 0;
  port = 0;

  constructor(seed32: number) {
    this.perm = new Permutation(CLIENT_HOST_BITS + CLIENT_PORT_BITS, seed32 ^ 0x0e0e0e0e);
  }

  /** Sets `host` and `port`. */
  take(): void {
    if (this.next >= this.perm.size) throw new RangeError('too many flows for the client endpoint space');
    const x = this.perm.map(this.next++);
    this.host = x >>> CLIENT_PORT_BITS;
    this.port = 32768 + (x & ((1 << CLIENT_PORT_BITS) - 1));
  }
}

/** Hands out (host, peer) index pairs never used before in this file. */
export class PairAllocator {
  private readonly perm: Permutation;
  private next = 0;
  host = 0;
  peer = 0;

  constructor(seed32: number) {
    this.perm = new Permutation(CLIENT_HOST_BITS + PEER_BITS, seed32 ^ 0x0f0f0f0f);
  }

  take(): void {
    if (this.next >= this.perm.size) throw new RangeError('too many flows for the address pair space');
    const x = this.perm.map(this.next++);
    this.host = x >>> PEER_BITS;
    this.peer = x & ((1 << PEER_BITS) - 1);
  }
}

/** Text form: dotted quad, or RFC 5952 compressed IPv6. */
export function formatAddress(a: Uint8Array): string {
  if (a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((a[i] << 8) | a[i + 1]);
  // longest run of zero words (length >= 2), first one on ties
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** True when `a` is in 198.18.0.0/15 or 2001:db8::/32. */
export function inAllowedRange(a: Uint8Array): boolean {
  if (a.length === 4) return a[0] === 198 && (a[1] === 18 || a[1] === 19);
  return a[0] === 0x20 && a[1] === 0x01 && a[2] === 0x0d && a[3] === 0xb8;
}
