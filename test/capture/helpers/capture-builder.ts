/**
 * Builders for classic pcap and pcapng files, written from the format descriptions so tests can
 * cover every byte order, resolution, block kind and kind of damage without fixture files.
 */
import { ByteWriter } from './bytes.js';

export interface PcapRecord {
  sec: number;
  /** Microseconds or nanoseconds, as the file's resolution says; written as is. */
  frac: number;
  data: Uint8Array;
  /** Original length; defaults to data.length. */
  wireLen?: number;
  /** Captured length field; defaults to data.length (set it to forge a damaged record). */
  capLen?: number;
}

export interface PcapOptions {
  littleEndian?: boolean;
  nanoseconds?: boolean;
  /** Kuznetzov's modified pcap (magic a1b2cd34, 24-byte record headers). */
  modified?: boolean;
  snaplen?: number;
  /** The whole 32-bit header field (low 16 bits = link type, upper bits may carry FCS info). */
  linkType?: number;
}

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

export function pcapFile(records: PcapRecord[], opts: PcapOptions = {}): Uint8Array {
  const w = new ByteWriter(opts.littleEndian ?? true);
  const magic = opts.modified ? PCAP_MAGIC_MODIFIED : opts.nanoseconds ? PCAP_MAGIC_NS : PCAP_MAGIC_US;
  w.u32(magic).u16(2).u16(4).u32(0).u32(0);
  w.u32(opts.snaplen ?? 65535).u32(opts.linkType ?? 1);
  for (const r of records) {
    w.u32(r.sec)
      .u32(r.frac)
      .u32(r.capLen ?? r.data.length)
      .u32(r.wireLen ?? r.data.length);
    if (opts.modified) w.u32(7).u16(0x0800).u8(0).u8(0);
    w.bytes(r.data);
  }
  return w.toBytes();
}

export interface IdbOptions {
  snaplen?: number;
  /** Raw if_tsresol byte (option 9); omitted = default microseconds. */
  tsresol?: number;
  /** if_tsoffset seconds (option 14). */
  tsoffset?: bigint;
  name?: string;
}

/** Writes pcapng blocks one after another; shb() may switch the byte order for a new section. */
export class PcapngBuilder {
  private readonly out: Uint8Array[] = [];

  constructor(private littleEndian = true) {}

  /** Any block: type, body (padded to 4 bytes), with both length fields. */
  block(
    type: number,
    body: Uint8Array,
    opts: { lengthOverride?: number; trailerOverride?: number } = {},
  ): this {
    const w = new ByteWriter(this.littleEndian);
    const padded = (body.length + 3) & ~3;
    const len = 12 + padded;
    w.u32(type)
      .u32(opts.lengthOverride ?? len)
      .bytes(body)
      .pad4()
      .u32(opts.trailerOverride ?? len);
    this.out.push(w.toBytes());
    return this;
  }

  shb(littleEndian = this.littleEndian, opts: { major?: number; options?: Uint8Array } = {}): this {
    this.littleEndian = littleEndian;
    const w = this.writer();
    w.u32(0x1a2b3c4d)
      .u16(opts.major ?? 1)
      .u16(0)
      .i64(-1n);
    if (opts.options) w.bytes(opts.options);
    return this.block(0x0a0d0d0a, w.toBytes());
  }

  idb(linkType: number, opts: IdbOptions = {}): this {
    const w = this.writer();
    w.u16(linkType)
      .u16(0)
      .u32(opts.snaplen ?? 0);
    if (opts.name !== undefined) this.option(w, 2, new TextEncoder().encode(opts.name));
    if (opts.tsresol !== undefined) this.option(w, 9, Uint8Array.of(opts.tsresol));
    if (opts.tsoffset !== undefined) {
      const v = this.writer().i64(opts.tsoffset).toBytes();
      this.option(w, 14, v);
    }
    if (w.length > 8) w.u16(0).u16(0);
    return this.block(1, w.toBytes());
  }

  /** Enhanced Packet Block; `ts` is the raw 64-bit count in the interface's units. */
  epb(ifid: number, ts: bigint, data: Uint8Array, opts: { wireLen?: number; capLen?: number } = {}): this {
    const w = this.writer();
    w.u32(ifid)
      .u64Halves(ts)
      .u32(opts.capLen ?? data.length)
      .u32(opts.wireLen ?? data.length)
      .bytes(data)
      .pad4();
    return this.block(6, w.toBytes());
  }

  /** Obsolete Packet Block (type 2): 16-bit interface id, 16-bit drops count. */
  opb(ifid: number, ts: bigint, data: Uint8Array, opts: { wireLen?: number } = {}): this {
    const w = this.writer();
    w.u16(ifid)
      .u16(0)
      .u64Halves(ts)
      .u32(data.length)
      .u32(opts.wireLen ?? data.length)
      .bytes(data);
    return this.block(2, w.toBytes());
  }

  /** Simple Packet Block: original length, then as much data as the writer kept. */
  spb(wireLen: number, data: Uint8Array): this {
    const w = this.writer();
    w.u32(wireLen).bytes(data);
    return this.block(3, w.toBytes());
  }

  nrb(): this {
    const w = this.writer();
    // One IPv4 record (type 1, 4 address bytes + "a\0"), then end of records.
    w.u16(1)
      .u16(6)
      .bytes(Uint8Array.of(192, 0, 2, 1, 0x61, 0))
      .pad4()
      .u16(0)
      .u16(0);
    return this.block(4, w.toBytes());
  }

  isb(ifid: number): this {
    const w = this.writer();
    w.u32(ifid).u64Halves(0n);
    return this.block(5, w.toBytes());
  }

  dsb(): this {
    const w = this.writer();
    w.u32(0x544c534b)
      .u32(4)
      .bytes(Uint8Array.of(1, 2, 3, 4));
    return this.block(10, w.toBytes());
  }

  custom(copyable = true): this {
    const w = this.writer();
    w.u32(32473).bytes(Uint8Array.of(9, 9, 9));
    return this.block(copyable ? 0x00000bad : 0x40000bad, w.toBytes());
  }

  raw(bytes: Uint8Array): this {
    this.out.push(bytes);
    return this;
  }

  toBytes(): Uint8Array {
    const total = this.out.reduce((n, b) => n + b.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const b of this.out) {
      all.set(b, at);
      at += b.length;
    }
    return all;
  }

  private writer(): ByteWriter {
    return new ByteWriter(this.littleEndian);
  }

  private option(w: ByteWriter, code: number, value: Uint8Array): void {
    w.u16(code).u16(value.length).bytes(value).pad4();
  }
}
