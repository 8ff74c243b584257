import { copyBytes } from './payload.js';

/**
 * Classic pcap (libpcap) encoding: 24-byte file header, 16-byte record headers; microsecond
 * (magic a1b2c3d4) or nanosecond (a1b23c4d) timestamps; either byte order.
 */
export const PCAP_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;

export interface PcapFormat {
  linkType: number;
  nanos: boolean;
  bigEndian: boolean;
  snaplen: number;
}

export function pcapFileHeader(f: PcapFormat): Buffer {
  const b = Buffer.alloc(PCAP_HEADER_LEN);
  const w = (v: number, off: number): number =>
    f.bigEndian ? b.writeUInt32BE(v, off) : b.writeUInt32LE(v, off);
  const h = (v: number, off: number): number =>
    f.bigEndian ? b.writeUInt16BE(v, off) : b.writeUInt16LE(v, off);
  w(f.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  h(2, 4);
  h(4, 6);
  w(0, 8); // thiszone
  w(0, 12); // sigfigs
  w(f.snaplen, 16);
  w(f.linkType, 20);
  return b;
}

/** Stores a 32-bit value in the file's byte order. */
export function put32e(out: Uint8Array, pos: number, v: number, bigEndian: boolean): void {
  if (bigEndian) {
    out[pos] = v >>> 24;
    out[pos + 1] = (v >>> 16) & 255;
    out[pos + 2] = (v >>> 8) & 255;
    out[pos + 3] = v & 255;
  } else {
    out[pos] = v & 255;
    out[pos + 1] = (v >>> 8) & 255;
    out[pos + 2] = (v >>> 16) & 255;
    out[pos + 3] = v >>> 24;
  }
}

/**
 * Writes one record (header and captured bytes) at `pos` of `out`; returns the new position.
 * Timestamps are given as seconds and nanoseconds; µs files round down (our times are µs-exact).
 * `whole`: the ArrayBuffer view shared by frame and output, if any (see copyBytes).
 */
export function writePcapRecord(
  out: Buffer,
  pos: number,
  f: PcapFormat,
  tsSec: number,
  tsNsec: number,
  frame: Buffer,
  length: number,
  whole: Buffer | null,
): number {
  const cap = length < f.snaplen ? length : f.snaplen;
  const be = f.bigEndian;
  put32e(out, pos, tsSec, be);
  put32e(out, pos + 4, f.nanos ? tsNsec : Math.floor(tsNsec / 1000), be);
  put32e(out, pos + 8, cap, be);
  put32e(out, pos + 12, length, be);
  copyBytes(frame, cap, out, pos + 16, whole);
  return pos + 16 + cap;
}
