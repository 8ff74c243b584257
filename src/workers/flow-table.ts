/**
 * The per-shard flow table: struct-of-arrays in one SharedArrayBuffer, so that whichever worker
 * holds the shard next continues with the same state (see `ShardOwnership` below).
 *
 * - Rows ("slots") hold one flow each; the key is stored in initiator orientation.
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
} as const;

interface Region {
  name: string;
  bytesPerSlot: number;
  perIndex?: boolean;
}

const REGIONS: Region[] = [
  { name: 'first', bytesPerSlot: 8 },
  { name: 'last', bytesPerSlot: 8 },
  { name: 'srcPackets', bytesPerSlot: 8 },
  { name: 'dstPackets', bytesPerSlot: 8 },
  { name: 'srcBytes', bytesPerSlot: 8 },
  { name: 'dstBytes', bytesPerSlot: 8 },
  { name: 'id', bytesPerSlot: 8 },
  { name: 'addr', bytesPerSlot: 32 },
  { name: 'outer', bytesPerSlot: 32 },
  { name: 'ports', bytesPerSlot: 4 },
  { name: 'meta', bytesPerSlot: 4 },
  { name: 'hash', bytesPerSlot: 4 },
  { name: 'tunnelId', bytesPerSlot: 4 },
  { name: 'prev', bytesPerSlot: 4 },
  { name: 'next', bytesPerSlot: 4 },
  { name: 'index', bytesPerSlot: 4, perIndex: true },
  { name: 'ifIndex', bytesPerSlot: 2 },
  { name: 'icmp', bytesPerSlot: 2 },
  { name: 'srcFlags', bytesPerSlot: 1 },
  { name: 'dstFlags', bytesPerSlot: 1 },
  { name: 'state', bytesPerSlot: 1 },
  { name: 'list', bytesPerSlot: 1 },
  { name: 'tunnelType', bytesPerSlot: 1 },
  { name: 'outerVersion', bytesPerSlot: 1 },
];

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function layout(capacity: number): { offsets: Map<string, number>; total: number; indexSize: number } {
  const indexSize = nextPowerOfTwo(capacity * 2);
  const offsets = new Map<string, number>();
  let at = STATE_I32 * 4 + STATE_F64 * 8;
  for (const r of REGIONS) {
    offsets.set(r.name, at);
    at += ((r.perIndex ? indexSize : capacity) * r.bytesPerSlot + 7) & ~7;
  }
  return { offsets, total: at, indexSize };
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
  readonly first: Float64Array;
  readonly last: Float64Array;
  readonly srcPackets: Float64Array;
  readonly dstPackets: Float64Array;
  readonly srcBytes: Float64Array;
  readonly dstBytes: Float64Array;
  readonly id: Float64Array;
  /** 8 words per slot: initiator address (4 words) then responder address (4 words). */
  readonly addr: Uint32Array;
  /** 8 words per slot: outer tunnel source then destination. */
  readonly outer: Uint32Array;
  /** initiator port << 16 | responder port (ICMP: key ports, see FlowTracker). */
  readonly ports: Uint32Array;
  /** proto | ipVersion6 << 8 | vlan << 12 */
  readonly meta: Uint32Array;
  readonly hash: Uint32Array;
  readonly tunnelId: Uint32Array;
  readonly prev: Int32Array;
  readonly next: Int32Array;
  readonly index: Int32Array;
  readonly ifIndex: Uint16Array;
  /** ICMP type << 8 | code of the initiator's first packet. */
  readonly icmp: Uint16Array;
  readonly srcFlags: Uint8Array;
  readonly dstFlags: Uint8Array;
  readonly state: Uint8Array;
  readonly list: Uint8Array;
  readonly tunnelType: Uint8Array;
  readonly outerVersion: Uint8Array;
  /** Set by find(): 0 when the probe's `a` side is the stored initiator, 1 when it is the responder. */
  foundReversed = 0;

  constructor(readonly sab: SharedArrayBuffer) {
    this.s = new Int32Array(sab, 0, STATE_I32);
    this.f = new Float64Array(sab, STATE_I32 * 4, STATE_F64);
    this.capacity = this.s[S.capacity];
    const { offsets, indexSize } = layout(this.capacity);
    this.indexMask = indexSize - 1;
    const c = this.capacity;
    const at = (name: string): number => offsets.get(name) as number;
    this.first = new Float64Array(sab, at('first'), c);
    this.last = new Float64Array(sab, at('last'), c);
    this.srcPackets = new Float64Array(sab, at('srcPackets'), c);
    this.dstPackets = new Float64Array(sab, at('dstPackets'), c);
    this.srcBytes = new Float64Array(sab, at('srcBytes'), c);
    this.dstBytes = new Float64Array(sab, at('dstBytes'), c);
    this.id = new Float64Array(sab, at('id'), c);
    this.addr = new Uint32Array(sab, at('addr'), c * 8);
    this.outer = new Uint32Array(sab, at('outer'), c * 8);
    this.ports = new Uint32Array(sab, at('ports'), c);
    this.meta = new Uint32Array(sab, at('meta'), c);
    this.hash = new Uint32Array(sab, at('hash'), c);
    this.tunnelId = new Uint32Array(sab, at('tunnelId'), c);
    this.prev = new Int32Array(sab, at('prev'), c);
    this.next = new Int32Array(sab, at('next'), c);
    this.index = new Int32Array(sab, at('index'), indexSize);
    this.ifIndex = new Uint16Array(sab, at('ifIndex'), c);
    this.icmp = new Uint16Array(sab, at('icmp'), c);
    this.srcFlags = new Uint8Array(sab, at('srcFlags'), c);
    this.dstFlags = new Uint8Array(sab, at('dstFlags'), c);
    this.state = new Uint8Array(sab, at('state'), c);
    this.list = new Uint8Array(sab, at('list'), c);
    this.tunnelType = new Uint8Array(sab, at('tunnelType'), c);
    this.outerVersion = new Uint8Array(sab, at('outerVersion'), c);
  }

  /** Only for a fresh buffer. */
  initFreeList(): void {
    for (let i = 0; i < this.capacity; i++) this.next[i] = i + 1 < this.capacity ? i + 1 : -1;
    this.s[S.freeHead] = 0;
    for (let l = 0; l < LIST_COUNT; l++) {
      this.s[S.listHead + l] = -1;
      this.s[S.listTail + l] = -1;
    }
  }

  get count(): number {
    return this.s[S.count];
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
    const addr = this.addr;
    const fwdPorts = ((aPort << 16) | bPort) >>> 0;
    const revPorts = ((bPort << 16) | aPort) >>> 0;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const e = idx[p];
      if (e === 0) return -1;
      const slot = e - 1;
      if (this.hash[slot] !== h || this.meta[slot] !== meta) continue;
      const k = slot * 8;
      const ports = this.ports[slot];
      if (
        ports === fwdPorts &&
        addr[k] === a[0] &&
        addr[k + 1] === a[1] &&
        addr[k + 2] === a[2] &&
        addr[k + 3] === a[3] &&
        addr[k + 4] === b[0] &&
        addr[k + 5] === b[1] &&
        addr[k + 6] === b[2] &&
        addr[k + 7] === b[3]
      ) {
        this.foundReversed = 0;
        return slot;
      }
      if (
        ports === revPorts &&
        addr[k] === b[0] &&
        addr[k + 1] === b[1] &&
        addr[k + 2] === b[2] &&
        addr[k + 3] === b[3] &&
        addr[k + 4] === a[0] &&
        addr[k + 5] === a[1] &&
        addr[k + 6] === a[2] &&
        addr[k + 7] === a[3]
      ) {
        this.foundReversed = 1;
        return slot;
      }
    }
  }

  /** True when no slot is free: the caller must evict first. */
  isFull(): boolean {
    return this.s[S.freeHead] < 0;
  }

  /**
   * Claims a free slot for a new flow with `init` as initiator and links it into the index and
   * the head of `list`. Counters are zeroed. The table must not be full.
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
    const slot = this.s[S.freeHead];
    this.s[S.freeHead] = this.next[slot];
    const k = slot * 8;
    const addr = this.addr;
    addr[k] = init[0];
    addr[k + 1] = init[1];
    addr[k + 2] = init[2];
    addr[k + 3] = init[3];
    addr[k + 4] = resp[0];
    addr[k + 5] = resp[1];
    addr[k + 6] = resp[2];
    addr[k + 7] = resp[3];
    this.ports[slot] = ((initPort << 16) | respPort) >>> 0;
    this.meta[slot] = meta;
    this.hash[slot] = h;
    this.srcPackets[slot] = 0;
    this.dstPackets[slot] = 0;
    this.srcBytes[slot] = 0;
    this.dstBytes[slot] = 0;
    this.srcFlags[slot] = 0;
    this.dstFlags[slot] = 0;
    this.state[slot] = 0;
    this.icmp[slot] = 0;
    this.tunnelType[slot] = 0;
    this.tunnelId[slot] = 0;
    this.outerVersion[slot] = 0;
    const mask = this.indexMask;
    let p = h & mask;
    while (this.index[p] !== 0) p = (p + 1) & mask;
    this.index[p] = slot + 1;
    this.list[slot] = list;
    this.linkHead(slot, list);
    this.s[S.count]++;
    return slot;
  }

  /** Removes a slot from the index and its list and returns it to the free list. */
  remove(slot: number): void {
    const idx = this.index;
    const mask = this.indexMask;
    let i = this.hash[slot] & mask;
    while (idx[i] !== slot + 1) i = (i + 1) & mask;
    // Backward-shift deletion: pull later members of the probe run into the hole when their
    // home position does not lie cyclically in (hole, current].
    for (let j = (i + 1) & mask; idx[j] !== 0; j = (j + 1) & mask) {
      const home = this.hash[idx[j] - 1] & mask;
      const inRange = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!inRange) {
        idx[i] = idx[j];
        i = j;
      }
    }
    idx[i] = 0;
    this.unlink(slot);
    this.next[slot] = this.s[S.freeHead];
    this.s[S.freeHead] = slot;
    this.s[S.count]--;
  }

  /** Moves a slot to the head of `list` (most recently seen). */
  touch(slot: number, list: number): void {
    if (this.list[slot] === list && this.s[S.listHead + list] === slot) return;
    this.unlink(slot);
    this.list[slot] = list;
    this.linkHead(slot, list);
  }

  /** Swaps initiator and responder of a slot (a SYN proved the first guess wrong). */
  swapOrientation(slot: number): void {
    const k = slot * 8;
    const addr = this.addr;
    for (let w = 0; w < 4; w++) {
      const t = addr[k + w];
      addr[k + w] = addr[k + 4 + w];
      addr[k + 4 + w] = t;
    }
    const p = this.ports[slot];
    this.ports[slot] = (((p & 0xffff) << 16) | (p >>> 16)) >>> 0;
    let t = this.srcPackets[slot];
    this.srcPackets[slot] = this.dstPackets[slot];
    this.dstPackets[slot] = t;
    t = this.srcBytes[slot];
    this.srcBytes[slot] = this.dstBytes[slot];
    this.dstBytes[slot] = t;
    t = this.srcFlags[slot];
    this.srcFlags[slot] = this.dstFlags[slot];
    this.dstFlags[slot] = t;
    const st = this.state[slot];
    const finSrc = st & FlowState.finFromSrc ? FlowState.finFromDst : 0;
    const finDst = st & FlowState.finFromDst ? FlowState.finFromSrc : 0;
    this.state[slot] = (st & ~(FlowState.finFromSrc | FlowState.finFromDst)) | finSrc | finDst;
  }

  private linkHead(slot: number, list: number): void {
    const head = this.s[S.listHead + list];
    this.prev[slot] = -1;
    this.next[slot] = head;
    if (head >= 0) this.prev[head] = slot;
    else this.s[S.listTail + list] = slot;
    this.s[S.listHead + list] = slot;
  }

  private unlink(slot: number): void {
    const list = this.list[slot];
    const p = this.prev[slot];
    const n = this.next[slot];
    if (p >= 0) this.next[p] = n;
    else this.s[S.listHead + list] = n;
    if (n >= 0) this.prev[n] = p;
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
