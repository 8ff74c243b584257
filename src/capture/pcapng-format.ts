/**
 * pcapng files: a sequence of blocks (type, total length, body, total length again). Each
 * Section Header Block sets the byte order of what follows and starts a fresh list of
 * interfaces; each Interface Description Block adds one interface with its own link type,
 * snaplen and timestamp resolution. Packets come in Enhanced (6), Simple (3) and obsolete
 * Packet (2) blocks; every other block is skipped by its length and counted.
 */
import type { PacketSink } from './packet-sink.js';
import type { DetectedFormat, RecordParser, SkipCounts } from './capture-file.js';
import { DEFAULT_TSRESOL, TimestampConverter } from './timestamp.js';

export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
/** Smallest Section Header Block: 12 bytes of framing, BOM, version, section length. */
export const PCAPNG_MIN_SHB = 28;
/** Blocks above this are treated as damage (libpcap and Wireshark use similar limits). */
export const PCAPNG_MAX_BLOCK = 16 * 1024 * 1024;
/** More interfaces than this in one section is treated as abuse; extra IDBs are skipped. */
export const PCAPNG_MAX_INTERFACES = 16384;

const enum Block {
  Interface = 1,
  ObsoletePacket = 2,
  SimplePacket = 3,
  NameResolution = 4,
  InterfaceStatistics = 5,
  EnhancedPacket = 6,
  DecryptionSecrets = 10,
  Custom = 0x00000bad,
  CustomNoCopy = 0x40000bad,
}

const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Identifies a pcapng file from its first bytes (the byte order needs 12), or returns null. */
export function detectPcapng(b: Uint8Array): DetectedFormat | null {
  if (b.length < 4 || b[0] !== 0x0a || b[1] !== 0x0d || b[2] !== 0x0d || b[3] !== 0x0a) return null;
  let littleEndian: boolean | null = null;
  if (b.length >= 12) {
    const bom = ((b[8] << 24) | (b[9] << 16) | (b[10] << 8) | b[11]) >>> 0;
    if (bom === BYTE_ORDER_MAGIC) littleEndian = false;
    else if (bom === BYTE_ORDER_MAGIC_SWAPPED) littleEndian = true;
  }
  return {
    format: 'pcapng',
    littleEndian,
    resolution: null,
    variant: 'standard',
    headerBytes: PCAPNG_MIN_SHB,
  };
}

/**
 * Checks the first Section Header Block enough to reject a file that is not pcapng at all.
 * Returns a description of the problem, or null. Block framing is checked later, while reading.
 */
export function checkFirstSection(view: DataView): string | null {
  const bom = view.getUint32(8, true);
  let le: boolean;
  if (bom === BYTE_ORDER_MAGIC) le = true;
  else if (bom === BYTE_ORDER_MAGIC_SWAPPED) le = false;
  else return `pcapng section header has an unknown byte-order magic ${hex(view, 8)}`;
  const major = view.getUint16(12, le);
  if (major !== 1) return `unsupported pcapng version ${major}.${view.getUint16(14, le)}`;
  return null;
}

function hex(view: DataView, at: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 4; i++)
    parts.push(
      view
        .getUint8(at + i)
        .toString(16)
        .padStart(2, '0'),
    );
  return parts.join(' ');
}

/** One interface of the current section. Reused across sections, so IDBs allocate at most once. */
class Interface {
  linkType = 0;
  /** 0 = no limit given. */
  snaplen = 0;
  /** Index over the whole file (sections numbered one after the other). */
  globalIndex = 0;
  readonly ts = new TimestampConverter();
}

export class PcapngParser implements RecordParser {
  base = 0;
  packets = 0;
  wireBytes = 0;
  capturedBytes = 0;
  need = 0;
  paused = false;
  damage: string | null = null;
  readonly linkTypes = new Set<number>();
  sections = 0;

  private le = true;
  private readonly interfaces: Interface[] = [];
  private interfaceCount = 0;
  private sectionFirstIndex = 0;
  /** Simple Packet Blocks carry no timestamp: they reuse the previous packet's. */
  private lastSec = 0;
  private lastNsec = 0;

  constructor(
    private readonly path: string,
    private readonly skips: SkipCounts,
  ) {}

  parse(buf: Uint8Array, view: DataView, pos: number, end: number, sink: PacketSink): number {
    let le = this.le;
    while (true) {
      if (end - pos < 12) {
        this.need = 12;
        break;
      }
      const type = view.getUint32(pos, le);
      if (type === PCAPNG_SHB_TYPE) {
        // The type reads the same in both byte orders; the byte-order magic decides the rest.
        const bom = view.getUint32(pos + 8, true);
        if (bom === BYTE_ORDER_MAGIC) le = true;
        else if (bom === BYTE_ORDER_MAGIC_SWAPPED) le = false;
        else {
          this.corrupt(pos, `section header has an unknown byte-order magic ${hex(view, pos + 8)}`);
          break;
        }
        this.le = le;
      }
      const len = view.getUint32(pos + 4, le);
      if (len < 12 || (len & 3) !== 0 || len > PCAPNG_MAX_BLOCK) {
        this.corrupt(pos, `block length ${len} is ${len > PCAPNG_MAX_BLOCK ? 'too large' : 'invalid'}`);
        break;
      }
      if (end - pos < len) {
        this.need = len;
        break;
      }
      if (view.getUint32(pos + len - 4, le) !== len) {
        this.corrupt(pos, `trailing block length ${view.getUint32(pos + len - 4, le)} differs from ${len}`);
        break;
      }
      if (type === Block.EnhancedPacket || type === Block.ObsoletePacket) {
        if (len < 32) {
          this.skips['malformed-block']++;
        } else {
          const id =
            type === Block.EnhancedPacket ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
          const capLen = view.getUint32(pos + 20, le);
          if (id >= this.interfaceCount) {
            this.skips['unknown-interface']++;
          } else if (capLen > len - 32) {
            this.skips['packet-exceeds-block']++;
          } else {
            const itf = this.interfaces[id];
            const ts = itf.ts;
            ts.convert(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le));
            const wireLen = view.getUint32(pos + 24, le);
            if (
              !sink.onPacket(buf, pos + 28, capLen, wireLen, ts.sec, ts.nsec, itf.linkType, itf.globalIndex)
            ) {
              this.paused = true;
              break;
            }
            if (itf.snaplen !== 0 && capLen > itf.snaplen) this.skips['record-over-snaplen']++;
            this.lastSec = ts.sec;
            this.lastNsec = ts.nsec;
            this.packets++;
            this.wireBytes += wireLen;
            this.capturedBytes += capLen;
          }
        }
      } else if (type === Block.SimplePacket) {
        if (len < 16) {
          this.skips['malformed-block']++;
        } else if (this.interfaceCount === 0) {
          this.skips['unknown-interface']++;
        } else {
          const itf = this.interfaces[0];
          const wireLen = view.getUint32(pos + 8, le);
          let capLen = wireLen;
          if (itf.snaplen !== 0 && capLen > itf.snaplen) capLen = itf.snaplen;
          if (capLen > len - 16) capLen = len - 16;
          const lt = itf.linkType;
          if (
            !sink.onPacket(buf, pos + 12, capLen, wireLen, this.lastSec, this.lastNsec, lt, itf.globalIndex)
          ) {
            this.paused = true;
            break;
          }
          this.packets++;
          this.wireBytes += wireLen;
          this.capturedBytes += capLen;
        }
      } else if (!this.otherBlock(type, view, pos, len)) {
        break;
      }
      pos += len;
    }
    return pos;
  }

  endOfData(view: DataView, pos: number, available: number): void {
    this.skips['truncated-record']++;
    const what =
      available < 12
        ? `${available} bytes, less than a block header`
        : `${available} of ${view.getUint32(pos + 4, this.le)} bytes of a block of type 0x${view.getUint32(pos, this.le).toString(16)}`;
    this.damage = `${this.path}: truncated block at byte offset ${this.base + pos}: only ${what} before the end of the file`;
  }

  /** Handles every block that is not a packet. Returns false when reading must stop. */
  private otherBlock(type: number, view: DataView, pos: number, len: number): boolean {
    switch (type) {
      case PCAPNG_SHB_TYPE:
        return this.sectionHeader(view, pos, len);
      case Block.Interface:
        return this.interfaceDescription(view, pos, len);
      case Block.NameResolution:
        this.skips['name-resolution-block']++;
        return true;
      case Block.InterfaceStatistics:
        this.skips['interface-statistics-block']++;
        return true;
      case Block.DecryptionSecrets:
        this.skips['decryption-secrets-block']++;
        return true;
      case Block.Custom:
      case Block.CustomNoCopy:
        this.skips['custom-block']++;
        return true;
      default:
        this.skips['unknown-block']++;
        return true;
    }
  }

  private sectionHeader(view: DataView, pos: number, len: number): boolean {
    if (len < PCAPNG_MIN_SHB) {
      this.corrupt(pos, `section header block length ${len} is too small`);
      return false;
    }
    const major = view.getUint16(pos + 12, this.le);
    if (major !== 1) {
      this.corrupt(
        pos,
        `section has unsupported pcapng version ${major}.${view.getUint16(pos + 14, this.le)}`,
      );
      return false;
    }
    this.sections++;
    this.sectionFirstIndex += this.interfaceCount;
    this.interfaceCount = 0;
    return true;
  }

  private interfaceDescription(view: DataView, pos: number, len: number): boolean {
    const le = this.le;
    if (len < 20) {
      // Later packets name interfaces by position, so a lost IDB would misattribute them.
      this.corrupt(pos, `interface description block length ${len} is too small`);
      return false;
    }
    if (this.interfaceCount >= PCAPNG_MAX_INTERFACES) {
      this.skips['too-many-interfaces']++;
      return true;
    }
    let tsresol = DEFAULT_TSRESOL;
    let tsoffset = 0;
    const optEnd = pos + len - 4;
    let o = pos + 16;
    while (o + 4 <= optEnd) {
      const code = view.getUint16(o, le);
      const optLen = view.getUint16(o + 2, le);
      if (code === OPT_END || o + 4 + optLen > optEnd) break;
      if (code === OPT_IF_TSRESOL && optLen >= 1) tsresol = view.getUint8(o + 4);
      else if (code === OPT_IF_TSOFFSET && optLen >= 8) {
        const hi = view.getInt32(le ? o + 8 : o + 4, le);
        const lo = view.getUint32(le ? o + 4 : o + 8, le);
        tsoffset = hi * 4294967296 + lo;
      }
      o += 4 + ((optLen + 3) & ~3);
    }
    let itf = this.interfaces[this.interfaceCount];
    if (itf === undefined) {
      itf = new Interface();
      this.interfaces.push(itf);
    }
    itf.linkType = view.getUint16(pos + 8, le);
    itf.snaplen = view.getUint32(pos + 12, le);
    itf.globalIndex = this.sectionFirstIndex + this.interfaceCount;
    itf.ts.configure(tsresol, tsoffset);
    this.linkTypes.add(itf.linkType);
    this.interfaceCount++;
    return true;
  }

  private corrupt(pos: number, what: string): void {
    this.damage = `${this.path}: corrupt pcapng block at byte offset ${this.base + pos}: ${what}`;
  }
}
