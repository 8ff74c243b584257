/**
 * Byte layout of a shard ring: one single-producer/single-consumer circular buffer of packet
 * records in a SharedArrayBuffer. The producer is the file reader (main thread) or a native
 * capture thread (C++, src/capture/native mirrors these numbers); the consumer is whichever
 * worker currently holds the shard.
 *
 * [ header: HEADER_BYTES ][ data: capacity bytes, capacity a power of two ]
 *
 * Header slots are Int32 (Atomics work on them). Positions are byte counters that only grow and
 * wrap at 2^32 (kept as uint32 via `>>> 0`); the offset in the data area is `pos & (capacity-1)`.
 * Every record starts on an 8-byte boundary and never wraps: when the free space before the end
 * of the data area is too small, the producer writes a PAD record (length = rest of the area)
 * and starts again at offset 0.
 */
export const Slot = {
  /** Producer's write position (bytes). Published with Atomics.store after a batch. */
  writePos: 0,
  /** Consumer's read position (bytes). Published with Atomics.store after a batch. */
  readPos: 1,
  /** Capacity of the data area in bytes (power of two). Constant. */
  capacity: 2,
  /** 1 once the producer will write no more (end of file, capture stopped). */
  closed: 3,
  /** 1 while the consumer sleeps in Atomics.wait on writePos: the producer must notify. */
  consumerWaiting: 4,
  /** 1 while the producer waits for space on readPos: the consumer must notify. */
  producerWaiting: 5,
  /** Records dropped because the ring was full (live capture only; files wait instead). */
  dropsFull: 6,
  /** Records written (wraps at 2^32; the sum over time is kept by whoever reads it periodically). */
  recordsWritten: 7,
  /** Producer clock, packet time: seconds (low 32 bits as int32) and nanoseconds. Written before writePos. */
  clockSec: 8,
  clockNsec: 9,
  /** High 32 bits of clock seconds (year 2106 and later). */
  clockSecHigh: 10,
  /** Bumped by the producer each time writePos is published; waitAsync watchers use it. */
  publishSeq: 11,
} as const;

export const HEADER_SLOTS = 16;
export const HEADER_BYTES = HEADER_SLOTS * 4;

/**
 * Record header (little endian: producers write it as 32-bit words in the platform's order, so
 * rings refuse to exist on a big-endian platform; 32 bytes), followed by capLen bytes of packet, padded to 8.
 *   0 u32 recordLen   total bytes of this record including header and padding; high bit = PAD
 *   4 u32 capLen      bytes of packet data that follow
 *   8 u32 wireLen     original length on the wire
 *  12 u32 tsSec       timestamp seconds (low 32 bits)
 *  16 u32 tsNsec      timestamp nanoseconds
 *  20 u16 linkType    LINKTYPE_* of the packet data
 *  22 u16 vlanTci     VLAN TCI from capture metadata (TPACKET_V3 strips the tag), see flags
 *  24 u16 ifIndex     interface index (live) or pcapng interface id (files)
 *  26 u8  flags       RecordFlag bits
 *  27 u8  pktType     PACKET_HOST, PACKET_OUTGOING, ... (live), 0 for files
 *  28 u32 tsSecHigh   timestamp seconds, high 32 bits
 */
export const REC_HEADER_BYTES = 32;
export const Rec = {
  recordLen: 0,
  capLen: 4,
  wireLen: 8,
  tsSec: 12,
  tsNsec: 16,
  linkType: 20,
  vlanTci: 22,
  ifIndex: 24,
  flags: 26,
  pktType: 27,
  tsSecHigh: 28,
} as const;

export const RecordFlag = {
  /** vlanTci holds a tag stripped by the kernel. */
  vlanValid: 1,
} as const;

export const PAD_BIT = 0x80000000;

export function recordBytes(capLen: number): number {
  return (REC_HEADER_BYTES + capLen + 7) & ~7;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** The ring's 32-bit header stores are only little endian on a little-endian platform. */
export const PLATFORM_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
