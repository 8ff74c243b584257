import { IPFIX_HEADER_BYTES } from '../ipfix/ie.js';
import type { DecodeContext, MessageTimes } from './context.js';
import { walkSets } from './sets.js';

const times: MessageTimes = { exportMs: 0, uptimeMs: NaN, unixMs: NaN };

/**
 * One IPFIX message (RFC 7011 §3.1): version 10, length, export time, sequence number (data
 * records sent before this message), observation domain; then sets. Returns the length used,
 * or 0 when the message was dropped.
 */
export function decodeIpfix(ctx: DecodeContext, bytes: Uint8Array, v: DataView, len: number): number {
  if (len < IPFIX_HEADER_BYTES) {
    ctx.drops.truncated++;
    return 0;
  }
  const msgLen = v.getUint16(2);
  if (msgLen < IPFIX_HEADER_BYTES) {
    ctx.drops['bad-length']++;
    return 0;
  }
  if (msgLen > len) {
    ctx.drops.truncated++;
    return 0;
  }
  times.exportMs = v.getUint32(4) * 1000;
  const sequence = v.getUint32(8);
  const s = ctx.session('ipfix', v.getUint32(12));
  const records = walkSets(ctx, s, 'ipfix', bytes, v, IPFIX_HEADER_BYTES, msgLen, times);
  ctx.sequence(s, sequence, sequence + records);
  return msgLen;
}
