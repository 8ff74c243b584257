import { V5_HEADER_BYTES, V5_RECORD_BYTES } from '../ipfix/ie.js';
import type { DecodeContext, MessageTimes } from './context.js';

const times: MessageTimes = { exportMs: 0, uptimeMs: 0, unixMs: 0 };
/** Cisco's limit for one v5 datagram. */
const MAX_V5_RECORDS = 30;

/**
 * NetFlow v5: a 24-byte header (count, sysUptime, unix secs/nsecs, flow sequence, engine type
 * and id, sampling) and `count` fixed 48-byte IPv4 records whose first/last times are sysUptime
 * ms. Sampling: the low 14 bits of the header's sampling field are the 1-in-N interval (the
 * top 2 bits, the mode, are ignored, as nfdump does).
 */
export function decodeV5(ctx: DecodeContext, bytes: Uint8Array, v: DataView, len: number): void {
  if (len < V5_HEADER_BYTES) {
    ctx.drops.truncated++;
    return;
  }
  const count = v.getUint16(2);
  if (count === 0 || count > MAX_V5_RECORDS) {
    ctx.drops['bad-length']++;
    return;
  }
  if (V5_HEADER_BYTES + count * V5_RECORD_BYTES > len) {
    ctx.drops.truncated++;
    return;
  }
  times.uptimeMs = v.getUint32(4);
  times.unixMs = v.getUint32(8) * 1000 + Math.floor(v.getUint32(12) / 1e6);
  times.exportMs = times.unixMs;
  const sequence = v.getUint32(16);
  const s = ctx.session('netflow-v5', (v.getUint8(20) << 8) | v.getUint8(21));
  const interval = v.getUint16(22) & 0x3fff;
  s.samplingRate = interval > 1 ? interval : 1;
  const x = ctx.scratch;
  for (let i = 0; i < count; i++) {
    const o = V5_HEADER_BYTES + i * V5_RECORD_BYTES;
    x.reset();
    for (let k = 0; k < 4; k++) {
      x.src[k] = bytes[o + k];
      x.dst[k] = bytes[o + 4 + k];
    }
    x.srcVersion = x.dstVersion = 4;
    x.ifIndex = v.getUint16(o + 12);
    x.packets = v.getUint32(o + 16);
    x.bytes = v.getUint32(o + 20);
    x.startUptime = v.getUint32(o + 24);
    x.endUptime = v.getUint32(o + 28);
    x.srcPort = v.getUint16(o + 32);
    x.dstPort = v.getUint16(o + 34);
    x.tcpFlags = bytes[o + 37];
    x.proto = bytes[o + 38];
    ctx.emit(s, times);
  }
  ctx.sequence(s, sequence, sequence + count);
}
