import { IPFIX_HEADER_BYTES, V9_HEADER_BYTES } from './ie.js';
import type { ExportFormat } from './templates.js';

/**
 * Builds the sets of one export message in a preallocated buffer of the path MTU, leaving room
 * for the header, which each target fills in with its own sequence number (see writeHeader).
 * A record is only reserved when it fits with its set header (and v9 padding): a message is
 * never longer than the MTU.
 */
export class MessageBuilder {
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly headerBytes: number;
  pos: number;
  /** Data records in the message. */
  records = 0;
  private setStart = -1;
  private setId = -1;
  /** v9 pads each FlowSet to 4 bytes (RFC 3954 §5.3); IPFIX needs no padding. */
  private readonly slack: number;

  constructor(
    readonly format: ExportFormat,
    readonly mtu: number,
  ) {
    this.buf = new Uint8Array(mtu);
    this.view = new DataView(this.buf.buffer);
    this.headerBytes = format === 'ipfix' ? IPFIX_HEADER_BYTES : V9_HEADER_BYTES;
    this.slack = format === 'v9' ? 3 : 0;
    this.pos = this.headerBytes;
  }

  /** Where to write a record of `len` bytes in data set `setId`, or -1 when the message is full. */
  reserve(setId: number, len: number): number {
    const newSet = setId !== this.setId;
    if (this.pos + len + (newSet ? 4 : 0) + this.slack * (newSet ? 2 : 1) > this.mtu) return -1;
    if (newSet) {
      this.closeSet();
      this.setStart = this.pos;
      this.setId = setId;
      this.pos += 4;
    }
    return this.pos;
  }

  commit(end: number): void {
    this.pos = end;
    this.records++;
  }

  /** Closes the last set; returns the message length (header included). */
  finish(): number {
    this.closeSet();
    return this.pos;
  }

  reset(): void {
    this.pos = this.headerBytes;
    this.records = 0;
    this.setStart = -1;
    this.setId = -1;
  }

  private closeSet(): void {
    if (this.setStart < 0) return;
    if (this.slack > 0) while ((this.pos - this.setStart) % 4 !== 0) this.buf[this.pos++] = 0;
    this.view.setUint16(this.setStart, this.setId);
    this.view.setUint16(this.setStart + 2, this.pos - this.setStart);
    this.setStart = -1;
    this.setId = -1;
  }
}

export interface HeaderFields {
  /** Message length in bytes (IPFIX) — v9 has no length field. */
  length: number;
  /** v9: records in the packet (template and data records). */
  count: number;
  exportMs: number;
  /** v9 sysUpTime: ms since the exporter started. */
  uptimeMs: number;
  /** IPFIX: data records sent before this message in the session (RFC 7011 §3.1); v9: packets. */
  sequence: number;
  domain: number;
}

/**
 * IPFIX (RFC 7011 §3.1): version 10, length, export time (s), sequence, observation domain.
 * NetFlow v9 (RFC 3954 §5.1): version 9, count, sysUpTime (ms), UNIX secs, package sequence,
 * source id.
 */
export function writeHeader(format: ExportFormat, v: DataView, h: HeaderFields): void {
  const secs = Math.floor(h.exportMs / 1000);
  if (format === 'ipfix') {
    v.setUint16(0, 10);
    v.setUint16(2, h.length);
    v.setUint32(4, secs);
    v.setUint32(8, h.sequence >>> 0);
    v.setUint32(12, h.domain >>> 0);
  } else {
    v.setUint16(0, 9);
    v.setUint16(2, h.count);
    v.setUint32(4, h.uptimeMs >>> 0);
    v.setUint32(8, secs);
    v.setUint32(12, h.sequence >>> 0);
    v.setUint32(16, h.domain >>> 0);
  }
}
