import {
  HEADER_BYTES,
  HEADER_SLOTS,
  PAD_BIT,
  PLATFORM_LITTLE_ENDIAN,
  REC_HEADER_BYTES,
  Rec,
  Slot,
  isPowerOfTwo,
  recordBytes,
} from './layout.js';

export function createRingBuffer(capacityBytes: number): SharedArrayBuffer {
  if (!PLATFORM_LITTLE_ENDIAN) throw new RangeError('shard rings need a little-endian platform');
  if (!isPowerOfTwo(capacityBytes) || capacityBytes < 4096) {
    throw new RangeError(`ring capacity must be a power of two >= 4096, got ${capacityBytes}`);
  }
  const sab = new SharedArrayBuffer(HEADER_BYTES + capacityBytes);
  new Int32Array(sab, 0, HEADER_SLOTS)[Slot.capacity] = capacityBytes;
  return sab;
}

/** Number of unread bytes; safe to call from any thread. */
export function ringUsedBytes(sab: SharedArrayBuffer): number {
  const h = new Int32Array(sab, 0, HEADER_SLOTS);
  return (Atomics.load(h, Slot.writePos) - Atomics.load(h, Slot.readPos)) >>> 0;
}

/**
 * The writing end. Exactly one producer per ring. Records become visible to the consumer only
 * at publish(): batching the Atomics.store amortises its cost over many packets.
 */
export class RingProducer {
  readonly header: Int32Array;
  readonly capacity: number;
  private readonly mask: number;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Local (unpublished) write position. */
  private writePos: number;
  /** Cached consumer position: refreshed from shared memory only when the ring looks full. */
  private readPosCache: number;
  private unpublished = 0;
  private readonly words: Int32Array;
  private lastSource: Uint8Array | null = null;
  private lastSourceView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  constructor(readonly sab: SharedArrayBuffer) {
    this.header = new Int32Array(sab, 0, HEADER_SLOTS);
    this.capacity = this.header[Slot.capacity];
    this.mask = this.capacity - 1;
    this.bytes = new Uint8Array(sab, HEADER_BYTES, this.capacity);
    this.words = new Int32Array(sab, HEADER_BYTES, this.capacity >> 2);
    this.view = new DataView(sab, HEADER_BYTES, this.capacity);
    this.writePos = Atomics.load(this.header, Slot.writePos) >>> 0;
    this.readPosCache = Atomics.load(this.header, Slot.readPos) >>> 0;
  }

  /**
   * Copies one packet in. Returns false (writing nothing) when it does not fit: the caller
   * decides whether to wait (files) or drop and count (live).
   */
  tryWrite(
    data: Uint8Array,
    offset: number,
    capLen: number,
    wireLen: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
    ifIndex: number,
    vlanTci: number,
    flags: number,
    pktType: number,
  ): boolean {
    const need = recordBytes(capLen);
    let at = this.writePos & this.mask;
    const tail = this.capacity - at;
    // A record never wraps: if it does not fit before the end, a PAD record fills the tail.
    const total = need > tail ? tail + need : need;
    if (total > this.capacity - ((this.writePos - this.readPosCache) >>> 0)) {
      this.readPosCache = Atomics.load(this.header, Slot.readPos) >>> 0;
      if (total > this.capacity - ((this.writePos - this.readPosCache) >>> 0)) return false;
    }
    const v = this.view;
    if (need > tail) {
      v.setUint32(at + Rec.recordLen, (tail | PAD_BIT) >>> 0, true);
      this.writePos = (this.writePos + tail) >>> 0;
      at = 0;
    }
    // The header as eight aligned 32-bit stores (little endian, see layout.ts).
    const w = this.words;
    const i = at >> 2;
    w[i] = need;
    w[i + 1] = capLen;
    w[i + 2] = wireLen;
    w[i + 3] = tsSec | 0;
    w[i + 4] = tsNsec;
    w[i + 5] = (linkType & 0xffff) | (vlanTci << 16);
    w[i + 6] = (ifIndex & 0xffff) | ((flags & 0xff) << 16) | (pktType << 24);
    w[i + 7] = Math.floor(tsSec / 4294967296);
    this.copyIn(data, offset, at + REC_HEADER_BYTES, capLen);
    this.writePos = (this.writePos + need) >>> 0;
    this.unpublished++;
    return true;
  }

  /**
   * Copies packet bytes to a 4-aligned ring offset, four bytes per step (unaligned DataView
   * reads from the source). Measured per packet on Node 20: 35 ns for 64 bytes, 55 ns for 128;
   * Buffer#copy costs ~70 ns and allocates a view per call, subarray()+set() allocates too, and
   * a byte loop into shared memory is three times slower.
   */
  private copyIn(data: Uint8Array, from: number, to: number, len: number): void {
    if (data !== this.lastSource) {
      this.lastSource = data;
      this.lastSourceView = new DataView(data.buffer, data.byteOffset, data.byteLength);
    }
    const src = this.lastSourceView;
    const words = this.words;
    const whole = len & ~3;
    const w0 = to >> 2;
    for (let i = 0; i < whole; i += 4) words[w0 + (i >> 2)] = src.getInt32(from + i, true);
    const bytes = this.bytes;
    for (let i = whole; i < len; i++) bytes[to + i] = data[from + i];
  }

  /** Records written but not yet published. */
  get pending(): number {
    return this.unpublished;
  }

  /** Sets the producer clock (packet time) that consumers use for ageing when no packets come. */
  setClock(tsSec: number, tsNsec: number): void {
    Atomics.store(this.header, Slot.clockSecHigh, Math.floor(tsSec / 4294967296));
    Atomics.store(this.header, Slot.clockNsec, tsNsec);
    Atomics.store(this.header, Slot.clockSec, tsSec | 0);
  }

  /** Makes every written record visible and wakes a sleeping consumer. */
  publish(): void {
    if (this.unpublished === 0) return;
    Atomics.add(this.header, Slot.recordsWritten, this.unpublished);
    this.unpublished = 0;
    // Release: the records' bytes are written before writePos; Atomics.store is seq-cst.
    Atomics.store(this.header, Slot.writePos, this.writePos | 0);
    Atomics.add(this.header, Slot.publishSeq, 1);
    if (Atomics.load(this.header, Slot.consumerWaiting) !== 0) Atomics.notify(this.header, Slot.writePos);
    // The main-thread scheduler waits (Atomics.waitAsync) on publishSeq for idle shards.
    Atomics.notify(this.header, Slot.publishSeq);
  }

  /** Counts a packet dropped because the ring was full (live capture). */
  countDrop(): void {
    Atomics.add(this.header, Slot.dropsFull, 1);
  }

  close(): void {
    this.publish();
    Atomics.store(this.header, Slot.closed, 1);
    Atomics.add(this.header, Slot.publishSeq, 1);
    Atomics.notify(this.header, Slot.writePos);
    Atomics.notify(this.header, Slot.publishSeq);
  }

  /** Free bytes as the producer sees them now. */
  freeBytes(): number {
    this.readPosCache = Atomics.load(this.header, Slot.readPos) >>> 0;
    return this.capacity - ((this.writePos - this.readPosCache) >>> 0);
  }

  /**
   * Resolves when the consumer has freed at least `bytes` (or the ring is empty), without
   * blocking the thread. Uses Atomics.waitAsync on readPos: the consumer notifies on every
   * publish while producerWaiting is set.
   */
  async waitForSpace(bytes: number): Promise<void> {
    for (;;) {
      if (this.freeBytes() >= bytes) return;
      Atomics.store(this.header, Slot.producerWaiting, 1);
      const seen = Atomics.load(this.header, Slot.readPos);
      // Re-check after announcing: the consumer may have advanced between the two loads.
      if (this.freeBytes() >= bytes) break;
      const r = Atomics.waitAsync(this.header, Slot.readPos, seen, 50);
      if (r.async) await r.value;
    }
    Atomics.store(this.header, Slot.producerWaiting, 0);
  }
}

/**
 * The reading end. Exactly one consumer at a time: the scheduler hands a shard to one task;
 * the position lives in shared memory so the next task (maybe on another thread) resumes it.
 */
export class RingConsumer {
  readonly header: Int32Array;
  readonly capacity: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private readonly mask: number;
  private readPos: number;
  private writePosCache: number;
  private consumedSincePublish = 0;

  constructor(readonly sab: SharedArrayBuffer) {
    this.header = new Int32Array(sab, 0, HEADER_SLOTS);
    this.capacity = this.header[Slot.capacity];
    this.mask = this.capacity - 1;
    this.bytes = new Uint8Array(sab, HEADER_BYTES, this.capacity);
    this.view = new DataView(sab, HEADER_BYTES, this.capacity);
    this.readPos = Atomics.load(this.header, Slot.readPos) >>> 0;
    this.writePosCache = Atomics.load(this.header, Slot.writePos) >>> 0;
  }

  /** Re-reads the shared read position (after another thread consumed this ring). */
  resync(): void {
    this.readPos = Atomics.load(this.header, Slot.readPos) >>> 0;
    this.writePosCache = Atomics.load(this.header, Slot.writePos) >>> 0;
    this.consumedSincePublish = 0;
  }

  /**
   * Offset in `bytes` of the next record's header, or -1 when nothing is published.
   * The record stays valid until release() of it.
   */
  peek(): number {
    for (;;) {
      if (this.readPos === this.writePosCache) {
        // Acquire: the load of writePos orders the reads of the record bytes after it.
        this.writePosCache = Atomics.load(this.header, Slot.writePos) >>> 0;
        if (this.readPos === this.writePosCache) return -1;
      }
      const at = this.readPos & this.mask;
      const len = this.view.getUint32(at + Rec.recordLen, true);
      if ((len & PAD_BIT) === 0) return at;
      this.readPos = (this.readPos + (len & ~PAD_BIT)) >>> 0;
    }
  }

  /** Consumes the record returned by the last peek(). */
  release(at: number): void {
    this.readPos = (this.readPos + this.view.getUint32(at + Rec.recordLen, true)) >>> 0;
    if (++this.consumedSincePublish >= 256) this.publish();
  }

  /** Publishes the read position so the producer can reuse the space. */
  publish(): void {
    this.consumedSincePublish = 0;
    Atomics.store(this.header, Slot.readPos, this.readPos | 0);
    if (Atomics.load(this.header, Slot.producerWaiting) !== 0) Atomics.notify(this.header, Slot.readPos);
  }

  isClosed(): boolean {
    return Atomics.load(this.header, Slot.closed) !== 0;
  }

  isEmpty(): boolean {
    return this.readPos === Atomics.load(this.header, Slot.writePos) >>> 0;
  }

  /**
   * Sleeps up to `ms` for the producer to publish more. Returns immediately if data is there
   * or the ring is closed.
   */
  waitForData(ms: number): void {
    const seen = Atomics.load(this.header, Slot.writePos);
    if (seen >>> 0 !== this.readPos || this.isClosed()) return;
    Atomics.store(this.header, Slot.consumerWaiting, 1);
    // Re-check after announcing, else a publish between the load and the store is missed.
    if (Atomics.load(this.header, Slot.writePos) >>> 0 === this.readPos && !this.isClosed()) {
      Atomics.wait(this.header, Slot.writePos, seen, ms);
    }
    Atomics.store(this.header, Slot.consumerWaiting, 0);
  }

  /**
   * Producer clock in milliseconds (packet time), 0 if never set. The three slots are read
   * without a lock: a torn read is off by under a second, harmless for ageing.
   */
  clockMs(): number {
    const sec =
      (Atomics.load(this.header, Slot.clockSec) >>> 0) +
      Atomics.load(this.header, Slot.clockSecHigh) * 4294967296;
    return sec * 1000 + Atomics.load(this.header, Slot.clockNsec) / 1e6;
  }
}
