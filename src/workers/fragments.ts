/**
 * Bounded table that attributes later IP fragments (which carry no L4 header) to the flow of
 * their datagram: entries are keyed by (src, dst, proto, IP id), remember the ports of the first
 * fragment for `FRAGMENT_TIMEOUT_MS` of packet time, and hold the packets/bytes of fragments
 * that arrive before the first one ("pending") until it comes. Fixed size, in shared memory
 * like the flow table; a full probe window overwrites its oldest entry (counted).
 */
export const FRAGMENT_TIMEOUT_MS = 30_000;
const PROBE = 8;

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

const PER_ENTRY = 8 * 4 + 4 + 4 + 8 * 5 + 4; // key words, id, ports, ts/pend*4, vlan|proto|flags

export function createFragmentTableBuffer(entries: number): SharedArrayBuffer {
  const n = nextPowerOfTwo(Math.max(64, entries));
  return new SharedArrayBuffer(8 + n * PER_ENTRY);
}

export class FragmentTable {
  readonly size: number;
  private readonly mask: number;
  readonly key: Uint32Array;
  readonly fragId: Uint32Array;
  readonly ports: Uint32Array;
  readonly ts: Float64Array;
  readonly pendPackets: Float64Array;
  readonly pendBytes: Float64Array;
  readonly pendFirst: Float64Array;
  readonly pendLast: Float64Array;
  /** vlan << 16 | proto << 8 | flags (1 = used, 2 = ports known, 4 = IPv6) */
  readonly info: Uint32Array;

  constructor(sab: SharedArrayBuffer) {
    const n = (sab.byteLength - 8) / PER_ENTRY;
    this.size = n;
    this.mask = n - 1;
    let at = 8;
    this.ts = new Float64Array(sab, at, n);
    at += n * 8;
    this.pendPackets = new Float64Array(sab, at, n);
    at += n * 8;
    this.pendBytes = new Float64Array(sab, at, n);
    at += n * 8;
    this.pendFirst = new Float64Array(sab, at, n);
    at += n * 8;
    this.pendLast = new Float64Array(sab, at, n);
    at += n * 8;
    this.key = new Uint32Array(sab, at, n * 8);
    at += n * 32;
    this.fragId = new Uint32Array(sab, at, n);
    at += n * 4;
    this.ports = new Uint32Array(sab, at, n);
    at += n * 4;
    this.info = new Uint32Array(sab, at, n);
  }

  private static hashOf(src: Uint32Array, dst: Uint32Array, proto: number, id: number): number {
    let h = Math.imul(id ^ proto ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ src[0] ^ (src[3] << 1), 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h ^ dst[0] ^ (dst[3] << 1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h ^ src[1] ^ dst[2], 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  private matches(
    e: number,
    src: Uint32Array,
    dst: Uint32Array,
    proto: number,
    id: number,
    meta: number,
  ): boolean {
    const k = e * 8;
    const key = this.key;
    return (
      (this.info[e] & 1) === 1 &&
      this.fragId[e] === id &&
      ((this.info[e] >>> 8) & 0xff) === proto &&
      this.info[e] >>> 16 === ((meta >>> 12) & 0xfff) &&
      key[k] === src[0] &&
      key[k + 1] === src[1] &&
      key[k + 2] === src[2] &&
      key[k + 3] === src[3] &&
      key[k + 4] === dst[0] &&
      key[k + 5] === dst[1] &&
      key[k + 6] === dst[2] &&
      key[k + 7] === dst[3]
    );
  }

  /** Entry of this datagram, or -1. */
  find(src: Uint32Array, dst: Uint32Array, proto: number, id: number, meta: number): number {
    const h = FragmentTable.hashOf(src, dst, proto, id);
    for (let i = 0; i < PROBE; i++) {
      const e = (h + i) & this.mask;
      if (this.matches(e, src, dst, proto, id, meta)) return e;
    }
    return -1;
  }

  /**
   * Claims an entry for this datagram: a free or expired one in the probe window, else the
   * oldest (`overwritten` tells the caller to count it and to settle its pending packets).
   */
  claim(src: Uint32Array, dst: Uint32Array, proto: number, id: number, meta: number, nowMs: number): number {
    const h = FragmentTable.hashOf(src, dst, proto, id);
    let victim = -1;
    let oldest = Infinity;
    for (let i = 0; i < PROBE; i++) {
      const e = (h + i) & this.mask;
      if ((this.info[e] & 1) === 0 || this.ts[e] + FRAGMENT_TIMEOUT_MS <= nowMs) {
        victim = e;
        break;
      }
      if (this.ts[e] < oldest) {
        oldest = this.ts[e];
        victim = e;
      }
    }
    this.overwritten = (this.info[victim] & 1) === 1;
    return victim;
  }

  /** Set by claim(): the returned entry was in use and must be settled before reuse. */
  overwritten = false;

  fill(
    e: number,
    src: Uint32Array,
    dst: Uint32Array,
    proto: number,
    id: number,
    meta: number,
    nowMs: number,
  ): void {
    const k = e * 8;
    for (let w = 0; w < 4; w++) {
      this.key[k + w] = src[w];
      this.key[k + 4 + w] = dst[w];
    }
    this.fragId[e] = id;
    this.ports[e] = 0;
    this.ts[e] = nowMs;
    this.pendPackets[e] = 0;
    this.pendBytes[e] = 0;
    this.pendFirst[e] = 0;
    this.pendLast[e] = 0;
    this.info[e] =
      ((((meta >>> 12) & 0xfff) << 16) | ((proto & 0xff) << 8) | (meta & 0x100 ? 4 : 0) | 1) >>> 0;
  }

  hasPorts(e: number): boolean {
    return (this.info[e] & 2) !== 0;
  }

  setPorts(e: number, srcPort: number, dstPort: number): void {
    this.ports[e] = ((srcPort << 16) | dstPort) >>> 0;
    this.info[e] |= 2;
  }

  free(e: number): void {
    this.info[e] = 0;
  }
}
