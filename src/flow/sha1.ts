/**
 * SHA-1 of a message of at most 55 bytes (one 64-byte block), into preallocated memory: the
 * Community ID hashes 16 or 40 bytes per flow, and node:crypto's createHash costs ~0.7 µs and
 * two objects per call against ~0.15 µs here. Not a general-purpose hash.
 */
const W = new Int32Array(80);
const H = new Int32Array(5);

export const SHA1_MAX_SINGLE_BLOCK = 55;

/** Hashes msg[0..len) into out[0..20). */
export function sha1Short(msg: Uint8Array, len: number, out: Uint8Array): void {
  if (len > SHA1_MAX_SINGLE_BLOCK) throw new RangeError('sha1Short takes at most 55 bytes');
  for (let i = 0; i < 16; i++) W[i] = 0;
  for (let i = 0; i < len; i++) W[i >> 2] |= msg[i] << (24 - (i & 3) * 8);
  W[len >> 2] |= 0x80 << (24 - (len & 3) * 8);
  W[15] = len * 8;
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3] ^ W[i - 8] ^ W[i - 14] ^ W[i - 16];
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  let e = 0xc3d2e1f0 | 0;
  for (let i = 0; i < 80; i++) {
    let f: number;
    let k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc | 0;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6 | 0;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  H[0] = (a + 0x67452301) | 0;
  H[1] = (b + 0xefcdab89) | 0;
  H[2] = (c + 0x98badcfe) | 0;
  H[3] = (d + 0x10325476) | 0;
  H[4] = (e + 0xc3d2e1f0) | 0;
  for (let i = 0; i < 5; i++) {
    out[i * 4] = H[i] >>> 24;
    out[i * 4 + 1] = (H[i] >>> 16) & 0xff;
    out[i * 4 + 2] = (H[i] >>> 8) & 0xff;
    out[i * 4 + 3] = H[i] & 0xff;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding) of bytes[0..n). */
export function base64(bytes: Uint8Array, n: number): string {
  let s = '';
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    s += B64[v >> 18] + B64[(v >> 12) & 63] + '==';
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + '=';
  }
  return s;
}

/** base64 of bytes[0..n) written into out at `at`; returns the offset after it. */
export function base64Into(bytes: Uint8Array, n: number, out: Uint8Array, at: number): number {
  let o = at;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = B64C[v >> 18];
    out[o++] = B64C[(v >> 12) & 63];
    out[o++] = B64C[(v >> 6) & 63];
    out[o++] = B64C[v & 63];
  }
  if (n - i === 1) {
    const v = bytes[i] << 16;
    out[o++] = B64C[v >> 18];
    out[o++] = B64C[(v >> 12) & 63];
    out[o++] = 0x3d;
    out[o++] = 0x3d;
  } else if (n - i === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out[o++] = B64C[v >> 18];
    out[o++] = B64C[(v >> 12) & 63];
    out[o++] = B64C[(v >> 6) & 63];
    out[o++] = 0x3d;
  }
  return o;
}

const B64C = Uint8Array.from(B64, (c) => c.charCodeAt(0));
