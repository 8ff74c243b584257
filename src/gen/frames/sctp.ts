/** The SCTP chunks the generator uses: one chunk per packet, enough for a plausible association. */
import { put16, put32 } from '../checksum.js';
import type { PayloadPattern } from '../payload.js';
import { writeChunkHeader } from './transport.js';

export const SCTP_DATA = 0;
export const SCTP_INIT = 1;
export const SCTP_INIT_ACK = 2;
export const SCTP_SACK = 3;
export const SCTP_SHUTDOWN = 7;
export const SCTP_SHUTDOWN_ACK = 8;
export const SCTP_COOKIE_ECHO = 10;
export const SCTP_COOKIE_ACK = 11;
export const SCTP_SHUTDOWN_COMPLETE = 14;

const COOKIE_LEN = 24;

/** Chunk length on the wire (padded to 4 bytes). */
export function sctpChunkWireLen(type: number, payloadLen: number): number {
  switch (type) {
    case SCTP_DATA:
      return 16 + ((payloadLen + 3) & ~3);
    case SCTP_INIT:
      return 20;
    case SCTP_INIT_ACK:
      return 20 + 4 + COOKIE_LEN;
    case SCTP_COOKIE_ECHO:
      return 4 + COOKIE_LEN;
    case SCTP_SACK:
      return 16;
    case SCTP_SHUTDOWN:
      return 8;
    default:
      return 4; // COOKIE ACK, SHUTDOWN ACK, SHUTDOWN COMPLETE
  }
}

/**
 * Writes one chunk into the pattern's frame buffer (`buf`). `tag` is the sender's own verification tag (INIT/INIT ACK), `tsn` the TSN
 * (DATA, INIT initial TSN) or cumulative TSN ack (SACK, SHUTDOWN).
 */
export function writeSctpChunk(
  buf: Buffer,
  off: number,
  type: number,
  tag: number,
  tsn: number,
  payloadLen: number,
  patOff: number,
  pattern: PayloadPattern,
): number {
  const wire = sctpChunkWireLen(type, payloadLen);
  switch (type) {
    case SCTP_DATA: {
      let o = writeChunkHeader(buf, off, type, 0x03, 16 + payloadLen); // B and E: unfragmented
      put32(buf, o, tsn);
      put16(buf, o + 4, 0); // stream 0
      put16(buf, o + 6, tsn & 0xffff); // stream sequence
      put32(buf, o + 8, 46); // PPID (Diameter)
      o += 12;
      pattern.copy(o, patOff, payloadLen);
      buf.fill(0, o + payloadLen, off + wire);
      break;
    }
    case SCTP_INIT:
    case SCTP_INIT_ACK: {
      writeChunkHeader(buf, off, type, 0, type === SCTP_INIT ? 20 : 20 + 4 + COOKIE_LEN);
      put32(buf, off + 4, tag);
      put32(buf, off + 8, 106496); // a_rwnd
      put16(buf, off + 12, 10); // outbound streams
      put16(buf, off + 14, 10); // inbound streams
      put32(buf, off + 16, tsn);
      if (type === SCTP_INIT_ACK) {
        put16(buf, off + 20, 7); // State Cookie parameter
        put16(buf, off + 22, 4 + COOKIE_LEN);
        pattern.copy(off + 24, patOff, COOKIE_LEN);
      }
      break;
    }
    case SCTP_COOKIE_ECHO:
      writeChunkHeader(buf, off, type, 0, 4 + COOKIE_LEN);
      pattern.copy(off + 4, patOff, COOKIE_LEN);
      break;
    case SCTP_SACK:
      writeChunkHeader(buf, off, type, 0, 16);
      put32(buf, off + 4, tsn);
      put32(buf, off + 8, 106496);
      put32(buf, off + 12, 0); // no gap blocks, no duplicates
      break;
    case SCTP_SHUTDOWN:
      writeChunkHeader(buf, off, type, 0, 8);
      put32(buf, off + 4, tsn);
      break;
    default:
      writeChunkHeader(buf, off, type, 0, 4);
  }
  return off + wire;
}
