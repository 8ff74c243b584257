/**
 * Payload bytes come from one seeded random pattern: a payload is (pattern offset, length), so
 * copying it is one native copy and its checksum contribution is a difference of prefix sums,
 * not a loop over every byte. That keeps valid TCP/UDP checksums cheap at millions of packets.
 */
import { Rng } from './random.js';

/** Payload offsets are even and below this, so any payload up to MAX_PAYLOAD fits. */
export const PATTERN_OFFSETS = 32768;
export const MAX_PAYLOAD = 65536;

export class PayloadPattern {
  /**
   * One buffer holds the frame being built (first `frameRoom` bytes) and then the pattern, so a
   * payload is copied with copyWithin: a native memmove with no per-packet allocation (copying
   * between two Buffers with an offset creates a view object every time).
   */
  readonly all: Buffer;
  readonly frame: Buffer;
  readonly bytes: Buffer;
  readonly extra: Buffer;
  private readonly base: number;
  /** prefix[i] = sum of the first i big-endian 16-bit words. */
  private readonly prefix: Float64Array;

  /** `extra` bytes after the pattern are free for the caller (file writers' buffers, see copyBytes). */
  constructor(seed32: number, frameRoom: number, extra = 0) {
    const size = PATTERN_OFFSETS + MAX_PAYLOAD;
    this.base = frameRoom;
    this.all = Buffer.alloc(frameRoom + size + extra);
    this.extra = this.all.subarray(frameRoom + size);
    this.frame = this.all.subarray(0, frameRoom);
    this.bytes = this.all.subarray(frameRoom);
    const rng = new Rng(seed32, 0x7a7a7a7a);
    for (let i = 0; i < size; i += 4) {
      const v = rng.u32();
      this.bytes[i] = v >>> 24;
      this.bytes[i + 1] = (v >>> 16) & 255;
      this.bytes[i + 2] = (v >>> 8) & 255;
      this.bytes[i + 3] = v & 255;
    }
    this.prefix = new Float64Array(size / 2 + 1);
    for (let w = 0; w < size / 2; w++) {
      this.prefix[w + 1] = this.prefix[w] + ((this.bytes[2 * w] << 8) | this.bytes[2 * w + 1]);
    }
  }

  /** Checksum sum of pattern[off, off+len) as if it started on an even checksum boundary (off even). */
  sum(off: number, len: number): number {
    const w0 = off >> 1;
    const w1 = w0 + (len >> 1);
    let s = this.prefix[w1] - this.prefix[w0];
    if (len & 1) s += this.bytes[off + len - 1] << 8;
    return s;
  }

  /** Copies pattern[off, off+len) into the frame at frameOff. */
  copy(frameOff: number, off: number, len: number): void {
    if (len > 0) this.all.copyWithin(frameOff, this.base + off, this.base + off + len);
  }
}

/**
 * Copies src[0, len) to dst at dstPos. When both are views of one ArrayBuffer this is a
 * copyWithin (no allocation); otherwise Buffer.copy, which allocates a view when len < src.length.
 */
export function copyBytes(src: Buffer, len: number, dst: Buffer, dstPos: number, whole: Buffer | null): void {
  if (whole !== null && src.buffer === whole.buffer && dst.buffer === whole.buffer) {
    const s = src.byteOffset - whole.byteOffset;
    whole.copyWithin(dst.byteOffset - whole.byteOffset + dstPos, s, s + len);
  } else {
    src.copy(dst, dstPos, 0, len);
  }
}
