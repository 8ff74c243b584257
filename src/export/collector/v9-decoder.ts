import { V9_HEADER_BYTES } from '../ipfix/ie.js';
import type { DecodeContext, MessageTimes } from './context.js';
import { walkSets } from './sets.js';

const times: MessageTimes = { exportMs: 0, uptimeMs: 0, unixMs: 0 };

/**
 * One NetFlow v9 packet (RFC 3954 §5.1): version 9, count, sysUpTime, UNIX secs, package
 * sequence (packets, not records: unlike IPFIX), source id; then FlowSets to the end of the
 * datagram (v9 has no length field, so it cannot be framed on a stream).
 */
export function decodeV9(ctx: DecodeContext, bytes: Uint8Array, v: DataView, len: number): void {
  if (len < V9_HEADER_BYTES) {
    ctx.drops.truncated++;
    return;
  }
  times.uptimeMs = v.getUint32(4);
  times.unixMs = v.getUint32(8) * 1000;
  times.exportMs = times.unixMs;
  const sequence = v.getUint32(12);
  const s = ctx.session('netflow-v9', v.getUint32(16));
  walkSets(ctx, s, 'v9', bytes, v, V9_HEADER_BYTES, len, times);
  ctx.sequence(s, sequence, sequence + 1);
}
