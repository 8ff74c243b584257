/**
 * Big-endian reads from a Uint8Array. Callers check bounds first: these never check. Small enough
 * for V8 to inline at every call site.
 */
export function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

export function u24(b: Uint8Array, o: number): number {
  return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
}

export function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Copies a 16-byte IPv6 address at `o` into four network-order words. */
export function readAddr6(b: Uint8Array, o: number, dst: Uint32Array): void {
  dst[0] = u32(b, o);
  dst[1] = u32(b, o + 4);
  dst[2] = u32(b, o + 8);
  dst[3] = u32(b, o + 12);
}

/** Stores an IPv4 address at `o` as word 0 and zeroes the other words. */
export function readAddr4(b: Uint8Array, o: number, dst: Uint32Array): void {
  dst[0] = u32(b, o);
  dst[1] = 0;
  dst[2] = 0;
  dst[3] = 0;
}
