import { ntpToMs, readUint, Role } from './fields.js';
import type { FlowScratch } from './scratch.js';
import { VARIABLE_LENGTH, type Template } from './template.js';

/**
 * Decodes one data record of template `t` at `p` (the set ends at `end`) into `s` (reset by the
 * caller). Returns the position after the record, or -1 when the record runs past the set.
 * Variable-length fields (RFC 7011 §7): a 1-byte length, or 255 then a 2-byte length.
 */
export function decodeRecord(
  t: Template,
  bytes: Uint8Array,
  v: DataView,
  p: number,
  end: number,
  s: FlowScratch,
): number {
  const roles = t.roles;
  const lengths = t.lengths;
  const n = lengths.length;
  for (let k = 0; k < n; k++) {
    let len = lengths[k];
    if (len === VARIABLE_LENGTH) {
      if (p >= end) return -1;
      len = bytes[p++];
      if (len === 255) {
        if (p + 2 > end) return -1;
        len = v.getUint16(p);
        p += 2;
      }
    }
    if (p + len > end) return -1;
    const role = roles[k];
    if (role !== Role.skip) field(role, bytes, v, p, len, s);
    p += len;
  }
  return p;
}

function field(role: number, bytes: Uint8Array, v: DataView, p: number, len: number, s: FlowScratch): void {
  switch (role) {
    case Role.src4:
    case Role.src6:
      for (let i = 0; i < len; i++) s.src[i] = bytes[p + i];
      s.srcVersion = len === 4 ? 4 : 6;
      return;
    case Role.dst4:
    case Role.dst6:
      for (let i = 0; i < len; i++) s.dst[i] = bytes[p + i];
      s.dstVersion = len === 4 ? 4 : 6;
      return;
    case Role.startNtp:
      s.startMs = ntpToMs(v, p);
      return;
    case Role.endNtp:
      s.endMs = ntpToMs(v, p);
      return;
  }
  const x = readUint(v, p, len);
  switch (role) {
    case Role.srcPort:
      s.srcPort = x & 0xffff;
      break;
    case Role.dstPort:
      s.dstPort = x & 0xffff;
      break;
    case Role.proto:
      s.proto = x & 0xff;
      break;
    case Role.tcpFlags:
      s.tcpFlags = x & 0xff;
      break;
    case Role.revTcpFlags:
      s.revTcpFlags = x & 0xff;
      break;
    case Role.bytes:
      s.bytes = x;
      break;
    case Role.packets:
      s.packets = x;
      break;
    case Role.totalBytes:
      s.totalBytes = x;
      break;
    case Role.totalPackets:
      s.totalPackets = x;
      break;
    case Role.revBytes:
      s.revBytes = x;
      break;
    case Role.revPackets:
      s.revPackets = x;
      break;
    case Role.startMs:
      s.startMs = x;
      break;
    case Role.endMs:
      s.endMs = x;
      break;
    case Role.startSec:
      s.startMs = x * 1000;
      break;
    case Role.endSec:
      s.endMs = x * 1000;
      break;
    case Role.startUptime:
      s.startUptime = x;
      break;
    case Role.endUptime:
      s.endUptime = x;
      break;
    case Role.startDeltaUs:
      s.startDeltaUs = x;
      break;
    case Role.endDeltaUs:
      s.endDeltaUs = x;
      break;
    case Role.vlan:
      s.vlan = x & 0xfff;
      break;
    case Role.dot1qVlan:
      s.dot1qVlan = x & 0xfff;
      break;
    case Role.ifIndex:
      s.ifIndex = x;
      break;
    case Role.endReason:
      s.endReason = x;
      break;
    case Role.icmpTypeCode:
      s.icmpTypeCode = x & 0xffff;
      break;
    case Role.icmpType:
      s.icmpType = x & 0xff;
      break;
    case Role.icmpCode:
      s.icmpCode = x & 0xff;
      break;
    case Role.samplerId:
      s.samplerId = x;
      break;
    case Role.rate:
      s.rate = x;
      break;
    case Role.pktInterval:
      s.pktInterval = x;
      break;
    case Role.pktSpace:
      s.pktSpace = x;
      break;
    case Role.systemInitMs:
      s.systemInitMs = x;
      break;
  }
}
