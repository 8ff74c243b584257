/** A growable byte writer with a chosen byte order, for building capture files in tests. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  constructor(public littleEndian = true) {}

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, this.littleEndian);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, this.littleEndian);
    this.length += 4;
    return this;
  }

  /** A 64-bit value as two 32-bit halves in pcapng order: high word first, each in the byte order. */
  u64Halves(v: bigint): this {
    const u = BigInt.asUintN(64, v);
    return this.u32(Number(u >> 32n)).u32(Number(u & 0xffffffffn));
  }

  /** A true 64-bit integer in the writer's byte order (as pcapng options store them). */
  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.length, v, this.littleEndian);
    this.length += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  pad4(): this {
    while (this.length % 4 !== 0) this.u8(0);
    return this;
  }

  /** Overwrites a 32-bit value at `at`. */
  set32(at: number, v: number): this {
    this.view.setUint32(at, v >>> 0, this.littleEndian);
    return this;
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Deterministic payload bytes so delivered data can be checked byte for byte. */
export function payload(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Small seeded PRNG (xorshift32) for fuzzing and random cases that must be reproducible. */
export class Rng {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return this.x;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}
