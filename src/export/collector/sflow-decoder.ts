import type { DecodeContext, MessageTimes } from './context.js';
import type { FlowScratch } from './scratch.js';

const times: MessageTimes = { exportMs: 0, uptimeMs: NaN, unixMs: NaN };

const FLOW_SAMPLE = 1;
const EXPANDED_FLOW_SAMPLE = 3;
const RAW_HEADER = 1;
const SAMPLED_IPV4 = 3;
const SAMPLED_IPV6 = 4;
const EXTENDED_SWITCH = 1001;
const HEADER_ETHERNET = 1;
const HEADER_IPV4 = 11;
const HEADER_IPV6 = 12;
/** More samples or records than a datagram can hold are refused before any is read. */
const MAX_ITEMS = 1024;

/**
 * sFlow v5 (sflow.org/sflow_version_5.txt, XDR: big-endian, 4-byte aligned): each flow sample
 * becomes one flow record of one sampled packet, its counters scaled by the sample's sampling
 * rate; its time is the arrival time (sFlow samples carry none). Addresses, ports, flags and
 * IP length come from the raw packet header record (Ethernet, VLAN, IPv4/IPv6, TCP/UDP/ICMP)
 * or from the sampled IPv4/IPv6 record. Counter samples are skipped.
 */
export function decodeSflow(ctx: DecodeContext, bytes: Uint8Array, v: DataView, len: number): void {
  if (len < 28) {
    ctx.drops.truncated++;
    return;
  }
  const addrType = v.getUint32(4);
  const addrLen = addrType === 1 ? 4 : addrType === 2 ? 16 : -1;
  if (addrLen < 0 || 8 + addrLen + 16 > len) {
    ctx.drops['bad-length']++;
    return;
  }
  let p = 8 + addrLen;
  const subAgent = v.getUint32(p);
  const sequence = v.getUint32(p + 4);
  const samples = v.getUint32(p + 12);
  p += 16;
  if (samples > MAX_ITEMS) {
    ctx.drops['bad-length']++;
    return;
  }
  times.exportMs = ctx.now;
  const s = ctx.session('sflow', subAgent);
  for (let i = 0; i < samples; i++) {
    if (p + 8 > len) {
      ctx.drops.truncated++;
      break;
    }
    const format = v.getUint32(p);
    const sampleLen = v.getUint32(p + 4);
    const end = p + 8 + sampleLen;
    if (end > len) {
      ctx.drops.truncated++;
      break;
    }
    if (format === FLOW_SAMPLE || format === EXPANDED_FLOW_SAMPLE) {
      if (!flowSample(ctx, bytes, v, p + 8, end, format === EXPANDED_FLOW_SAMPLE)) ctx.drops['bad-sample']++;
      else ctx.emit(s, times);
    }
    p = end;
  }
  ctx.sequence(s, sequence, sequence + 1);
}

function flowSample(
  ctx: DecodeContext,
  bytes: Uint8Array,
  v: DataView,
  p: number,
  end: number,
  expanded: boolean,
): boolean {
  const x = ctx.scratch;
  x.reset();
  const head = expanded ? 44 : 32;
  if (p + head > end) return false;
  x.rate = v.getUint32(p + (expanded ? 12 : 8));
  x.ifIndex = v.getUint32(p + (expanded ? 28 : 20));
  const records = v.getUint32(p + head - 4);
  if (records > MAX_ITEMS) return false;
  p += head;
  x.packets = 1;
  let ok = false;
  for (let i = 0; i < records; i++) {
    if (p + 8 > end) return false;
    const format = v.getUint32(p);
    const recLen = v.getUint32(p + 4);
    const recEnd = p + 8 + recLen;
    if (recEnd > end) return false;
    const q = p + 8;
    if (format === RAW_HEADER && q + 16 <= recEnd) {
      const proto = v.getUint32(q);
      const hlen = v.getUint32(q + 12);
      if (q + 16 + hlen > recEnd) return false;
      ok = rawHeader(x, bytes, v, q + 16, q + 16 + hlen, proto) || ok;
    } else if (format === SAMPLED_IPV4 && q + 32 <= recEnd && !ok) {
      ok = sampled(x, bytes, v, q, 4);
    } else if (format === SAMPLED_IPV6 && q + 56 <= recEnd && !ok) {
      ok = sampled(x, bytes, v, q, 16);
    } else if (format === EXTENDED_SWITCH && q + 4 <= recEnd) {
      x.vlan = v.getUint32(q) & 0xfff;
    }
    p = recEnd;
  }
  return ok;
}

/** Sampled IPv4/IPv6 record: length, protocol, addresses, ports, TCP flags. */
function sampled(x: FlowScratch, bytes: Uint8Array, v: DataView, q: number, alen: number): boolean {
  x.bytes = v.getUint32(q);
  x.proto = v.getUint32(q + 4) & 0xff;
  for (let i = 0; i < alen; i++) {
    x.src[i] = bytes[q + 8 + i];
    x.dst[i] = bytes[q + 8 + alen + i];
  }
  x.srcVersion = x.dstVersion = alen === 4 ? 4 : 6;
  const r = q + 8 + 2 * alen;
  x.srcPort = v.getUint32(r) & 0xffff;
  x.dstPort = v.getUint32(r + 4) & 0xffff;
  x.tcpFlags = v.getUint32(r + 8) & 0xff;
  return true;
}

/** The sampled packet's first bytes: Ethernet (with VLAN tags) or bare IP. */
function rawHeader(
  x: FlowScratch,
  bytes: Uint8Array,
  v: DataView,
  p: number,
  end: number,
  proto: number,
): boolean {
  let ethertype: number;
  if (proto === HEADER_ETHERNET) {
    if (p + 14 > end) return false;
    ethertype = v.getUint16(p + 12);
    p += 14;
    while ((ethertype === 0x8100 || ethertype === 0x88a8) && p + 4 <= end) {
      if (x.vlan === 0) x.vlan = v.getUint16(p) & 0xfff;
      ethertype = v.getUint16(p + 2);
      p += 4;
    }
  } else if (proto === HEADER_IPV4) ethertype = 0x0800;
  else if (proto === HEADER_IPV6) ethertype = 0x86dd;
  else return false;
  let l4: number;
  if (ethertype === 0x0800) {
    if (p + 20 > end || bytes[p] >> 4 !== 4) return false;
    const ihl = (bytes[p] & 0x0f) * 4;
    x.bytes = v.getUint16(p + 2);
    x.proto = bytes[p + 9];
    for (let i = 0; i < 4; i++) {
      x.src[i] = bytes[p + 12 + i];
      x.dst[i] = bytes[p + 16 + i];
    }
    x.srcVersion = x.dstVersion = 4;
    // Later fragments have no transport header.
    if ((v.getUint16(p + 6) & 0x1fff) !== 0) return true;
    l4 = p + ihl;
  } else if (ethertype === 0x86dd) {
    if (p + 40 > end || bytes[p] >> 4 !== 6) return false;
    x.bytes = 40 + v.getUint16(p + 4);
    x.proto = bytes[p + 6];
    for (let i = 0; i < 16; i++) {
      x.src[i] = bytes[p + 8 + i];
      x.dst[i] = bytes[p + 24 + i];
    }
    x.srcVersion = x.dstVersion = 6;
    l4 = p + 40;
  } else return false;
  if (x.proto === 6 || x.proto === 17 || x.proto === 132) {
    if (l4 + 4 <= end) {
      x.srcPort = v.getUint16(l4);
      x.dstPort = v.getUint16(l4 + 2);
    }
    if (x.proto === 6 && l4 + 14 <= end) x.tcpFlags = bytes[l4 + 13];
  } else if ((x.proto === 1 || x.proto === 58) && l4 + 2 <= end) {
    x.icmpType = bytes[l4];
    x.icmpCode = bytes[l4 + 1];
  }
  return true;
}
