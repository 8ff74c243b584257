import { put32e } from './pcap-writer.js';
import { copyBytes } from './payload.js';

/**
 * pcapng encoding: a Section Header Block, one Interface Description Block per interface (each
 * with its own link type, snaplen and if_tsresol), and Enhanced Packet Blocks. Either byte order.
 */
export interface PcapngInterface {
  linkType: number;
  /** Decimal exponent of the timestamp unit: 3 (ms), 6 (µs) or 9 (ns). */
  tsresol: number;
  snaplen: number;
  name: string;
}

class BlockBuilder {
  private readonly parts: number[] = [];

  constructor(private readonly bigEndian: boolean) {}

  u8(v: number): this {
    this.parts.push(v & 255);
    return this;
  }

  u16(v: number): this {
    if (this.bigEndian) this.parts.push((v >>> 8) & 255, v & 255);
    else this.parts.push(v & 255, (v >>> 8) & 255);
    return this;
  }

  u32(v: number): this {
    return this.bigEndian ? this.u16(v >>> 16).u16(v & 0xffff) : this.u16(v & 0xffff).u16(v >>> 16);
  }

  bytes(b: Uint8Array): this {
    for (const x of b) this.parts.push(x);
    while (this.parts.length % 4 !== 0) this.parts.push(0);
    return this;
  }

  /** An option: code, length, value padded to 4 bytes. */
  option(code: number, value: Uint8Array): this {
    return this.u16(code).u16(value.length).bytes(value);
  }

  /** The block with type and total length around the body built so far. */
  block(type: number): Buffer {
    const total = this.parts.length + 12;
    const out = new BlockBuilder(this.bigEndian).u32(type).u32(total);
    out.parts.push(...this.parts);
    out.u32(total);
    return Buffer.from(out.parts);
  }
}

export function pcapngHeader(interfaces: PcapngInterface[], bigEndian: boolean): Buffer {
  const shb = new BlockBuilder(bigEndian)
    .u32(0x1a2b3c4d)
    .u16(1)
    .u16(0)
    .u32(0xffffffff) // section length unknown (-1)
    .u32(0xffffffff)
    .option(4, Buffer.from('flowmatrix traffic generator'))
    .u16(0)
    .u16(0)
    .block(0x0a0d0d0a);
  const idbs = interfaces.map((i) => {
    const b = new BlockBuilder(bigEndian)
      .u16(i.linkType)
      .u16(0)
      .u32(i.snaplen)
      .option(2, Buffer.from(i.name));
    if (i.tsresol !== 6) b.option(9, Uint8Array.of(i.tsresol));
    return b.u16(0).u16(0).block(1);
  });
  return Buffer.concat([shb, ...idbs]);
}

export const EPB_OVERHEAD = 32;

/** Timestamp of the last tsUnits call, in units of 10^-tsresol s, as two 32-bit words. */
let tsHigh = 0;
let tsLow = 0;

/** Sets tsHigh/tsLow exactly (no allocation: called for every packet). */
export function tsUnits(tsSec: number, tsNsec: number, tsresol: number): void {
  if (tsresol !== 9) {
    const div = tsresol === 6 ? 1000 : 1_000_000;
    const v = tsSec * (tsresol === 6 ? 1e6 : 1e3) + Math.floor(tsNsec / div); // < 2^53 until year 2255 at µs
    tsHigh = Math.floor(v / 4294967296);
    tsLow = v % 4294967296;
    return;
  }
  // sec * 1e9 + ns can pass 2^53: split sec into 16-bit halves to stay exact
  const secHi = Math.floor(tsSec / 65536);
  const secLo = tsSec % 65536;
  const y = secHi * 1e9; // times 65536 below
  const yHi = Math.floor(y / 65536);
  const yLo = y % 65536;
  const low = yLo * 65536 + secLo * 1e9 + tsNsec;
  tsHigh = yHi + Math.floor(low / 4294967296);
  tsLow = low % 4294967296;
}

/** The [high, low] words of a timestamp (tests, tools). */
export function tsUnitsPair(tsSec: number, tsNsec: number, tsresol: number): [number, number] {
  tsUnits(tsSec, tsNsec, tsresol);
  return [tsHigh, tsLow];
}

/** Writes one EPB at `pos` of `out`; returns the new position. */
export function writeEpb(
  out: Buffer,
  pos: number,
  bigEndian: boolean,
  iface: number,
  itf: PcapngInterface,
  tsSec: number,
  tsNsec: number,
  frame: Buffer,
  length: number,
  whole: Buffer | null,
): number {
  const cap = length < itf.snaplen ? length : itf.snaplen;
  const padded = (cap + 3) & ~3;
  const total = EPB_OVERHEAD + padded;
  tsUnits(tsSec, tsNsec, itf.tsresol);
  put32e(out, pos, 6, bigEndian);
  put32e(out, pos + 4, total, bigEndian);
  put32e(out, pos + 8, iface, bigEndian);
  put32e(out, pos + 12, tsHigh, bigEndian);
  put32e(out, pos + 16, tsLow, bigEndian);
  put32e(out, pos + 20, cap, bigEndian);
  put32e(out, pos + 24, length, bigEndian);
  copyBytes(frame, cap, out, pos + 28, whole);
  for (let i = pos + 28 + cap; i < pos + 28 + padded; i++) out[i] = 0;
  put32e(out, pos + 28 + padded, total, bigEndian);
  return pos + total;
}
