/**
 * A small pcap/pcapng reader for the generator's tests, written apart from the generator's own
 * writers so that reading back is an independent check. Whole file in memory: test sizes only.
 */
import { readFileSync } from 'node:fs';

export interface Record {
  tsSec: number;
  /** Fraction of the second in the file's own unit, and the number of decimals of that unit. */
  frac: number;
  decimals: number;
  linkType: number;
  iface: number;
  caplen: number;
  origLen: number;
  frame: Buffer;
}

export interface CaptureFile {
  format: 'pcap' | 'pcapng';
  bigEndian: boolean;
  interfaces: { linkType: number; tsresol: number; snaplen: number }[];
  records: Record[];
}

export function readCapture(path: string): CaptureFile {
  const b = readFileSync(path);
  const magicLe = b.readUInt32LE(0);
  if (magicLe === 0x0a0d0d0a) return readPcapng(b);
  let be: boolean;
  let nanos: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    be = false;
    nanos = magicLe === 0xa1b23c4d;
  } else {
    const m = b.readUInt32BE(0);
    if (m !== 0xa1b2c3d4 && m !== 0xa1b23c4d) throw new Error('not a capture file');
    be = true;
    nanos = m === 0xa1b23c4d;
  }
  const u32 = (o: number): number => (be ? b.readUInt32BE(o) : b.readUInt32LE(o));
  const snaplen = u32(16);
  const linkType = u32(20);
  const records: Record[] = [];
  let o = 24;
  while (o < b.length) {
    const caplen = u32(o + 8);
    records.push({
      tsSec: u32(o),
      frac: u32(o + 4),
      decimals: nanos ? 9 : 6,
      linkType,
      iface: 0,
      caplen,
      origLen: u32(o + 12),
      frame: b.subarray(o + 16, o + 16 + caplen),
    });
    o += 16 + caplen;
  }
  return {
    format: 'pcap',
    bigEndian: be,
    interfaces: [{ linkType, tsresol: nanos ? 9 : 6, snaplen }],
    records,
  };
}

function readPcapng(b: Buffer): CaptureFile {
  const bom = b.readUInt32LE(8);
  const be = bom !== 0x1a2b3c4d;
  if (be && b.readUInt32BE(8) !== 0x1a2b3c4d) throw new Error('bad pcapng byte-order magic');
  const u32 = (o: number): number => (be ? b.readUInt32BE(o) : b.readUInt32LE(o));
  const u16 = (o: number): number => (be ? b.readUInt16BE(o) : b.readUInt16LE(o));
  const interfaces: CaptureFile['interfaces'] = [];
  const records: Record[] = [];
  let o = 0;
  while (o < b.length) {
    const type = u32(o);
    const len = u32(o + 4);
    if (u32(o + len - 4) !== len) throw new Error(`block at ${o}: trailing length differs`);
    if (type === 1) {
      let tsresol = 6;
      let p = o + 16;
      while (p < o + len - 4) {
        const code = u16(p);
        const olen = u16(p + 2);
        if (code === 0) break;
        if (code === 9) tsresol = b[p + 4];
        p += 4 + ((olen + 3) & ~3);
      }
      interfaces.push({ linkType: u16(o + 8), tsresol, snaplen: u32(o + 12) });
    } else if (type === 6) {
      const iface = u32(o + 8);
      const itf = interfaces[iface];
      const ts = BigInt(u32(o + 12)) * 4294967296n + BigInt(u32(o + 16));
      const unit = 10n ** BigInt(itf.tsresol);
      const caplen = u32(o + 20);
      records.push({
        tsSec: Number(ts / unit),
        frac: Number(ts % unit),
        decimals: itf.tsresol,
        linkType: itf.linkType,
        iface,
        caplen,
        origLen: u32(o + 24),
        frame: b.subarray(o + 28, o + 28 + caplen),
      });
    }
    o += len;
  }
  return { format: 'pcapng', bigEndian: be, interfaces, records };
}

/** Epoch seconds text with at least 6 decimals, as the truth writes it. */
export function recordTime(r: Record): string {
  if (r.decimals === 9) return `${r.tsSec}.${String(r.frac).padStart(9, '0')}`;
  const us = r.decimals === 6 ? r.frac : r.frac * 10 ** (6 - r.decimals);
  return `${r.tsSec}.${String(us).padStart(6, '0')}`;
}
