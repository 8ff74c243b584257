import { IPFIX_HEADER_BYTES } from '../ipfix/ie.js';

/** The largest IPFIX message: its length field is 16 bits. */
const MAX_MESSAGE = 0xffff;

/**
 * Cuts an IPFIX TCP stream into messages by the header's length field (RFC 7011 §10.4.1: no
 * other framing). One buffer of the largest message size per connection, so a peer that sends
 * garbage or never finishes a message costs at most 64 KiB. push() returns false when the
 * stream is not IPFIX (the caller closes the connection).
 */
export class IpfixStreamFramer {
  private buf: Buffer | null = null;
  private fill = 0;

  push(chunk: Buffer, onMessage: (message: Buffer) => void): boolean {
    let off = 0;
    while (off < chunk.length) {
      const buf = (this.buf ??= Buffer.allocUnsafe(MAX_MESSAGE));
      const n = Math.min(chunk.length - off, MAX_MESSAGE - this.fill);
      chunk.copy(buf, this.fill, off, off + n);
      this.fill += n;
      off += n;
      let start = 0;
      while (this.fill - start >= 4) {
        if (buf.readUInt16BE(start) !== 10) return false;
        const len = buf.readUInt16BE(start + 2);
        if (len < IPFIX_HEADER_BYTES) return false;
        if (this.fill - start < len) break;
        onMessage(buf.subarray(start, start + len));
        start += len;
      }
      if (start > 0) {
        buf.copyWithin(0, start, this.fill);
        this.fill -= start;
      }
    }
    return true;
  }
}
