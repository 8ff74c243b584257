/**
 * Classic pcap (libpcap) files: a 24-byte file header, then records of a 16-byte header
 * (seconds, fraction, captured length, original length) followed by the captured bytes.
 * The "modified" variant (magic a1b2cd34) has 24-byte record headers (ifindex, protocol,
 * packet type and padding follow the usual four fields); those extras are ignored.
 */
import type { PacketSink } from './packet-sink.js';
import type { DetectedFormat, RecordParser, SkipCounts } from './capture-file.js';

export const PCAP_HEADER_BYTES = 24;
/** Records up to this size are plausible whatever the header's snaplen says (libpcap's maximum). */
export const PCAP_PLAUSIBLE_RECORD = 262144;
/** Never accept a record larger than this, whatever the snaplen, so a length can't drive allocation. */
export const PCAP_MAX_RECORD = 16 * 1024 * 1024;

/** Identifies a classic pcap header from its first four bytes, or returns null. */
export function detectPcap(b: Uint8Array): DetectedFormat | null {
  if (b.length < 4) return null;
  const be = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  const le = ((b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0]) >>> 0;
  for (const [magic, resolution, variant] of MAGICS) {
    if (be === magic || le === magic) {
      return {
        format: 'pcap',
        littleEndian: le === magic,
        resolution,
        variant,
        headerBytes: PCAP_HEADER_BYTES,
      };
    }
  }
  return null;
}

const MAGICS: readonly [number, 'us' | 'ns', 'standard' | 'modified'][] = [
  [0xa1b2c3d4, 'us', 'standard'],
  [0xa1b23c4d, 'ns', 'standard'],
  [0xa1b2cd34, 'us', 'modified'],
];

export class PcapParser implements RecordParser {
  base = 0;
  packets = 0;
  wireBytes = 0;
  capturedBytes = 0;
  need = 0;
  paused = false;
  damage: string | null = null;
  readonly linkTypes = new Set<number>();
  /** From the file header; 0 means the writer did not say. */
  readonly snaplen: number;
  /** Link type: low 16 bits of the header field (the upper bits may carry FCS information). */
  readonly linkType: number;

  private readonly le: boolean;
  private readonly recordHeader: number;
  /** 1e6 for microsecond files, 1e9 for nanosecond files. */
  private readonly fracPerSec: number;
  private readonly nsPerFrac: number;
  private readonly maxRecord: number;

  constructor(
    private readonly path: string,
    header: DataView,
    detected: DetectedFormat,
    private readonly skips: SkipCounts,
  ) {
    const le = detected.littleEndian === true;
    this.le = le;
    this.recordHeader = detected.variant === 'modified' ? 24 : 16;
    this.fracPerSec = detected.resolution === 'ns' ? 1e9 : 1e6;
    this.nsPerFrac = detected.resolution === 'ns' ? 1 : 1000;
    this.snaplen = header.getUint32(16, le);
    this.linkType = header.getUint32(20, le) & 0xffff;
    this.linkTypes.add(this.linkType);
    this.maxRecord = Math.min(Math.max(this.snaplen, PCAP_PLAUSIBLE_RECORD), PCAP_MAX_RECORD);
  }

  parse(buf: Uint8Array, view: DataView, pos: number, end: number, sink: PacketSink): number {
    const le = this.le;
    const hdr = this.recordHeader;
    const fracPerSec = this.fracPerSec;
    const nsPerFrac = this.nsPerFrac;
    const linkType = this.linkType;
    const snaplen = this.snaplen === 0 ? Infinity : this.snaplen;
    const maxRecord = this.maxRecord;
    let packets = this.packets;
    let wireBytes = this.wireBytes;
    let capturedBytes = this.capturedBytes;
    let overSnaplen = 0;
    while (true) {
      if (end - pos < hdr) {
        this.need = hdr;
        break;
      }
      const capLen = view.getUint32(pos + 8, le);
      if (capLen > maxRecord) {
        this.damage =
          `${this.path}: corrupt record at byte offset ${this.base + pos}: ` +
          `captured length ${capLen} exceeds the limit of ${maxRecord} bytes`;
        break;
      }
      if (end - pos < hdr + capLen) {
        this.need = hdr + capLen;
        break;
      }
      let sec = view.getUint32(pos, le);
      let frac = view.getUint32(pos + 4, le);
      if (frac >= fracPerSec) {
        // Out-of-range fraction (seen in broken writers): carry it into the seconds.
        sec += Math.floor(frac / fracPerSec);
        frac %= fracPerSec;
      }
      const wireLen = view.getUint32(pos + 12, le);
      if (!sink.onPacket(buf, pos + hdr, capLen, wireLen, sec, frac * nsPerFrac, linkType, 0)) {
        this.paused = true;
        break;
      }
      if (capLen > snaplen) overSnaplen++;
      packets++;
      wireBytes += wireLen;
      capturedBytes += capLen;
      pos += hdr + capLen;
    }
    this.packets = packets;
    this.wireBytes = wireBytes;
    this.capturedBytes = capturedBytes;
    if (overSnaplen !== 0) this.skips['record-over-snaplen'] += overSnaplen;
    return pos;
  }

  endOfData(view: DataView, pos: number, available: number): void {
    this.skips['truncated-record']++;
    const what =
      available < this.recordHeader
        ? `${available} of ${this.recordHeader} record header bytes`
        : `${available} of ${this.recordHeader + view.getUint32(pos + 8, this.le)} bytes`;
    this.damage = `${this.path}: truncated record at byte offset ${this.base + pos}: only ${what} before the end of the file`;
  }
}
