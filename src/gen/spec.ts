/**
 * What a flow script decides about its next packet, in one reusable mutable object (no per-packet
 * allocation). The frame composer (packet.ts) turns it into bytes.
 */

export const L4_TCP = 1;
export const L4_UDP = 2;
export const L4_ICMP_ECHO = 3;
export const L4_ICMP_ERROR = 4;
export const L4_SCTP = 5;
export const L4_RAW = 6;

export class PacketSpec {
  /** 0 = client to server, 1 = server to client. */
  dir = 0;
  l4 = L4_TCP;

  // TCP
  flags = 0;
  seq = 0;
  ack = 0;
  window = 0;
  tcpOpts = 0;
  tsval = 0;
  tsecr = 0;
  mss = 0;

  // ICMP echo / error
  icmpType = 0;
  icmpCode = 0;
  /** The second 32-bit word of the ICMP header: id << 16 | seq, MTU, or 0. */
  icmpRest = 0;

  /** Payload bytes, taken from the pattern at `patOff` (even). */
  payloadLen = 0;
  patOff = 0;

  // IP fragments of a UDP datagram (8 + payloadLen bytes in all)
  fragment = false;
  /** Offset in the datagram (bytes, multiple of 8) and bytes of it in this packet. */
  fragOff = 0;
  fragLen = 0;
  fragMore = false;
  fragId = 0;

  // SCTP: one chunk per packet
  sctpChunk = 0;
  sctpVtag = 0;
  sctpTsn = 0;
  sctpTag = 0;

  // "other" protocols: a small per-protocol header, then payload
  rawSpi = 0;
  rawSeq = 0;

  reset(): void {
    this.fragment = false;
    this.fragOff = 0;
    this.fragLen = 0;
    this.fragMore = false;
    this.payloadLen = 0;
    this.flags = 0;
    this.tcpOpts = 0;
  }
}
