/**
 * The per-shard flow table: struct-of-arrays in one SharedArrayBuffer, so that whichever worker
 * holds the shard next continues with the same state (see `ShardOwnership` below).
 *
 * - Rows ("slots") of 128 bytes hold one flow each; the key is stored in initiator orientation.
 * - An open-addressing index (linear probing, backward-shift deletion, no tombstones) maps the
 *   symmetric flow hash to slot+1 (0 = empty); its size is a power of two >= 2 x capacity.
 * - Every live slot sits in exactly one of four recency lists (TCP, UDP, other, closing TCP),
 *   most recently touched at the head, so idle expiry walks from the tails and eviction takes
 *   the oldest tail. Free slots are chained through `next`.
 */

export const List = { tcp: 0, udp: 1, other: 2, closing: 3 } as const;
export const LIST_COUNT = 4;

/** Int32 state slots of a shard table. */
const S = {
  /** Bumped with Atomics when a task takes and leaves the shard (see ShardOwnership). */
  epoch: 0,
  capacity: 1,
  indexSize: 2,
  count: 3,
  freeHead: 4,
  /** Rows never used yet start here: rows are claimed lazily, so untouched memory stays uncommitted. */
  nextUnused: 5,
  listHead: 8, // + list
  listTail: 12, // + list
} as const;
const STATE_I32 = 16;

/** Float64 state slots. */
const F = {
  nextSeq: 0,
  /** Shard clock: newest packet time seen (ms). */
  nowMs: 1,
  lastScanMs: 2,
} as const;
const STATE_F64 = 4;

/** Per-slot TCP/lifecycle bits in `state`. */
export const FlowState = {
  /** The initiator was decided by a SYN (or SYN-ACK): later packets never swap it. */
  synSeen: 1,
  finFromSrc: 2,
  finFromDst: 4,
  rst: 8,
  /** Both FINs or a RST seen: the flow lingers in the closing list. */
  closing: 16,
  /**
   * Changed since the last snapshot. Every change also moves the row to the head of its list,
   * so the dirty rows of a list are always a prefix of it: a snapshot walks only those.
   */
  dirty: 32,
} as const;

/**
 * A flow row is 128 bytes (two cache lines) holding everything the per-packet path touches, so
 * a lookup and update costs the index probe plus the row, instead of one miss per field. Field
 * positions are in units of the view used to read them; a row starts at slot << 4 in f64,
 * slot << 5 in u32/i32, slot << 6 in u16 and slot << 7 in u8.
 */
export const FL = {
  // Float64
  first: 0,
  last: 1,
  srcPackets: 2,
  dstPackets: 3,
  srcBytes: 4,
  dstBytes: 5,
  id: 6,
  // Uint32 / Int32 (byte offset / 4)
  addr: 14, // 8 words: initiator address, then responder address
  ports: 22, // initiator port << 16 | responder port (ICMP: key ports, see FlowTracker)
  meta: 23, // proto | ipVersion6 << 8 | vlan << 12
  hash: 24,
  prev: 25,
  next: 26,
  tunnelId: 27,
  // Uint16 (byte offset / 2)
  ifIndex: 56,
  icmp: 57, // ICMP type << 8 | code of the initiator's first packet
  // Uint8
  srcFlags: 116,
  dstFlags: 117,
  state: 118,
  list: 119,
  tunnelType: 120,
  outerVersion: 121,
} as const;
const ROW_BYTES = 128;
/** Rows start at a multiple of 64 bytes: the state header is padded to it. */
const HEADER_BYTES = 128;

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function layout(capacity: number): {
  rows: number;
  outer: number;
  index: number;
  total: number;
  indexSize: number;
} {
  const indexSize = nextPowerOfTwo(capacity * 2);
  const rows = HEADER_BYTES;
  const outer = rows + capacity * ROW_BYTES;
  const index = outer + capacity * 32;
  return { rows, outer, index, total: index + indexSize * 4, indexSize };
}

/** Bytes of shared memory a table of `capacity` flows takes (what --max-flows costs). */
export function flowTableBytes(capacity: number): number {
  return layout(capacity).total;
}

export function createFlowTableBuffer(capacity: number): SharedArrayBuffer {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`bad flow table capacity ${capacity}`);
  const { total, indexSize } = layout(capacity);
  const sab = new SharedArrayBuffer(total);
  const s = new Int32Array(sab, 0, STATE_I32);
  s[S.capacity] = capacity;
  s[S.indexSize] = indexSize;
  const t = new FlowTable(sab);
  t.initFreeList();
  return sab;
}

export class FlowTable {
  readonly capacity: number;
  readonly indexMask: number;
  readonly s: Int32Array;
  readonly f: Float64Array;
  /** Row views (see FL). */
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  readonly u8: Uint8Array;
  /** 8 words per slot: outer tunnel source then destination (cold: only for tunnelled flows). */
  readonly outer: Uint32Array;
  readonly index: Int32Array;
  /** Set by find(): 0 when the probe's `a` side is the stored initiator, 1 when it is the responder. */
  foundReversed = 0;

  constructor(readonly sab: SharedArrayBuffer) {
    this.s = new Int32Array(sab, 0, STATE_I32);
    this.f = new Float64Array(sab, STATE_I32 * 4, STATE_F64);
    this.capacity = this.s[S.capacity];
    const l = layout(this.capacity);
    this.indexMask = l.indexSize - 1;
    const c = this.capacity;
    this.f64 = new Float64Array(sab, l.rows, c * (ROW_BYTES / 8));
    this.u32 = new Uint32Array(sab, l.rows, c * (ROW_BYTES / 4));
    this.i32 = new Int32Array(sab, l.rows, c * (ROW_BYTES / 4));
    this.u16 = new Uint16Array(sab, l.rows, c * (ROW_BYTES / 2));
    this.u8 = new Uint8Array(sab, l.rows, c * ROW_BYTES);
    this.outer = new Uint32Array(sab, l.outer, c * 8);
    this.index = new Int32Array(sab, l.index, l.indexSize);
  }

  /** Only for a fresh buffer. */
  initFreeList(): void {
    this.s[S.freeHead] = -1;
    this.s[S.nextUnused] = 0;
    for (let l = 0; l < LIST_COUNT; l++) {
      this.s[S.listHead + l] = -1;
      this.s[S.listTail + l] = -1;
    }
  }

  get count(): number {
    return this.s[S.count];
  }
  /** Rows ever used: the most flows held at once so far (rows are claimed lazily). */
  get highWater(): number {
    return this.s[S.nextUnused];
  }
  get nowMs(): number {
    return this.f[F.nowMs];
  }
  set nowMs(v: number) {
    this.f[F.nowMs] = v;
  }
  get lastScanMs(): number {
    return this.f[F.lastScanMs];
  }
  set lastScanMs(v: number) {
    this.f[F.lastScanMs] = v;
  }
  listTail(l: number): number {
    return this.s[S.listTail + l];
  }
  listHead(l: number): number {
    return this.s[S.listHead + l];
  }
  nextOf(slot: number): number {
    return this.i32[(slot << 5) + FL.next];
  }
  prevOf(slot: number): number {
    return this.i32[(slot << 5) + FL.prev];
  }
  lastOf(slot: number): number {
    return this.f64[(slot << 4) + FL.last];
  }
  stateOf(slot: number): number {
    return this.u8[(slot << 7) + FL.state];
  }
  listOf(slot: number): number {
    return this.u8[(slot << 7) + FL.list];
  }

  /** A fresh sequence number for a flow id (unique within the shard). */
  nextSeq(): number {
    const n = this.f[F.nextSeq];
    this.f[F.nextSeq] = n + 1;
    return n;
  }

  /**
   * Looks a key up in both orientations. Returns the slot or -1; sets foundReversed.
   * `a`/`b` are 4-word addresses; ports as given for the `a` side and `b` side.
   */
  find(a: Uint32Array, b: Uint32Array, aPort: number, bPort: number, meta: number, h: number): number {
    const idx = this.index;
    const mask = this.indexMask;
    const u = this.u32;
    const fwdPorts = ((aPort << 16) | bPort) >>> 0;
    const revPorts = ((bPort << 16) | aPort) >>> 0;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const e = idx[p];
      if (e === 0) return -1;
      const r = (e - 1) << 5;
      if (u[r + FL.hash] !== h || u[r + FL.meta] !== meta) continue;
      const k = r + FL.addr;
      const ports = u[r + FL.ports];
      if (
        ports === fwdPorts &&
        u[k] === a[0] &&
        u[k + 1] === a[1] &&
        u[k + 2] === a[2] &&
        u[k + 3] === a[3] &&
        u[k + 4] === b[0] &&
        u[k + 5] === b[1] &&
        u[k + 6] === b[2] &&
        u[k + 7] === b[3]
      ) {
        this.foundReversed = 0;
        return e - 1;
      }
      if (
        ports === revPorts &&
        u[k] === b[0] &&
        u[k + 1] === b[1] &&
        u[k + 2] === b[2] &&
        u[k + 3] === b[3] &&
        u[k + 4] === a[0] &&
        u[k + 5] === a[1] &&
        u[k + 6] === a[2] &&
        u[k + 7] === a[3]
      ) {
        this.foundReversed = 1;
        return e - 1;
      }
    }
  }

  /** True when no slot is free: the caller must evict first. */
  isFull(): boolean {
    return this.s[S.freeHead] < 0 && this.s[S.nextUnused] >= this.capacity;
  }

  /**
   * Claims a free slot for a new flow with `init` as initiator and links it into the index and
   * the head of `list`. Counters and per-flow attributes are zeroed. The table must not be full.
   */
  insert(
    init: Uint32Array,
    resp: Uint32Array,
    initPort: number,
    respPort: number,
    meta: number,
    h: number,
    list: number,
  ): number {
    let slot = this.s[S.freeHead];
    if (slot >= 0) this.s[S.freeHead] = this.i32[(slot << 5) + FL.next];
    else slot = this.s[S.nextUnused]++;
    const r = slot << 5;
    // Zero the whole row, then fill the key.
    this.f64.fill(0, slot << 4, (slot + 1) << 4);
    const u = this.u32;
    const k = r + FL.addr;
    u[k] = init[0];
    u[k + 1] = init[1];
    u[k + 2] = init[2];
    u[k + 3] = init[3];
    u[k + 4] = resp[0];
    u[k + 5] = resp[1];
    u[k + 6] = resp[2];
    u[k + 7] = resp[3];
    u[r + FL.ports] = ((initPort << 16) | respPort) >>> 0;
    u[r + FL.meta] = meta;
    u[r + FL.hash] = h;
    const mask = this.indexMask;
    let p = h & mask;
    while (this.index[p] !== 0) p = (p + 1) & mask;
    this.index[p] = slot + 1;
    this.u8[(slot << 7) + FL.list] = list;
    this.linkHead(slot, list);
    this.s[S.count]++;
    return slot;
  }

  /** Removes a slot from the index and its list and returns it to the free list. */
  remove(slot: number): void {
    const idx = this.index;
    const mask = this.indexMask;
    const u = this.u32;
    let i = u[(slot << 5) + FL.hash] & mask;
    while (idx[i] !== slot + 1) i = (i + 1) & mask;
    // Backward-shift deletion: pull later members of the probe run into the hole when their
    // home position does not lie cyclically in (hole, current].
    for (let j = (i + 1) & mask; idx[j] !== 0; j = (j + 1) & mask) {
      const home = u[((idx[j] - 1) << 5) + FL.hash] & mask;
      const inRange = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!inRange) {
        idx[i] = idx[j];
        i = j;
      }
    }
    idx[i] = 0;
    this.unlink(slot);
    this.i32[(slot << 5) + FL.next] = this.s[S.freeHead];
    this.s[S.freeHead] = slot;
    this.s[S.count]--;
  }

  /** Moves a slot to the head of `list` (most recently seen). */
  touch(slot: number, list: number): void {
    const at = (slot << 7) + FL.list;
    if (this.u8[at] === list && this.s[S.listHead + list] === slot) return;
    this.unlink(slot);
    this.u8[at] = list;
    this.linkHead(slot, list);
  }

  /** Swaps initiator and responder of a slot (a SYN proved the first guess wrong). */
  swapOrientation(slot: number): void {
    const r = slot << 5;
    const u = this.u32;
    for (let w = 0; w < 4; w++) {
      const t = u[r + FL.addr + w];
      u[r + FL.addr + w] = u[r + FL.addr + 4 + w];
      u[r + FL.addr + 4 + w] = t;
    }
    const p = u[r + FL.ports];
    u[r + FL.ports] = (((p & 0xffff) << 16) | (p >>> 16)) >>> 0;
    const f = this.f64;
    const fr = slot << 4;
    let t = f[fr + FL.srcPackets];
    f[fr + FL.srcPackets] = f[fr + FL.dstPackets];
    f[fr + FL.dstPackets] = t;
    t = f[fr + FL.srcBytes];
    f[fr + FL.srcBytes] = f[fr + FL.dstBytes];
    f[fr + FL.dstBytes] = t;
    const b = slot << 7;
    const u8 = this.u8;
    t = u8[b + FL.srcFlags];
    u8[b + FL.srcFlags] = u8[b + FL.dstFlags];
    u8[b + FL.dstFlags] = t;
    const st = u8[b + FL.state];
    const finSrc = st & FlowState.finFromSrc ? FlowState.finFromDst : 0;
    const finDst = st & FlowState.finFromDst ? FlowState.finFromSrc : 0;
    u8[b + FL.state] = (st & ~(FlowState.finFromSrc | FlowState.finFromDst)) | finSrc | finDst;
  }

  private linkHead(slot: number, list: number): void {
    const i = this.i32;
    const head = this.s[S.listHead + list];
    i[(slot << 5) + FL.prev] = -1;
    i[(slot << 5) + FL.next] = head;
    if (head >= 0) i[(head << 5) + FL.prev] = slot;
    else this.s[S.listTail + list] = slot;
    this.s[S.listHead + list] = slot;
  }

  private unlink(slot: number): void {
    const i = this.i32;
    const list = this.u8[(slot << 7) + FL.list];
    const p = i[(slot << 5) + FL.prev];
    const n = i[(slot << 5) + FL.next];
    if (p >= 0) i[(p << 5) + FL.next] = n;
    else this.s[S.listHead + list] = n;
    if (n >= 0) i[(n << 5) + FL.prev] = p;
    else this.s[S.listTail + list] = p;
  }
}

/**
 * A shard moves between worker threads from one task to the next. Piscina's message passing
 * already orders the tasks, but the hand-over of the plain (non-atomic) table writes is made
 * explicit: a task begins with an Atomics.add on the epoch slot and ends with another, so the
 * next task's first Atomics operation synchronises with the previous task's last one and sees
 * every write made before it (JS memory model: seq-cst atomics order the plain accesses around
 * them).
 */
export const ShardOwnership = {
  acquire(table: FlowTable): void {
    Atomics.add(table.s, S.epoch, 1);
  },
  release(table: FlowTable): void {
    Atomics.add(table.s, S.epoch, 1);
  },
};
