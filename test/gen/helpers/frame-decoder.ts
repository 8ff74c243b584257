/**
 * Decodes the generator's frames independently of the generator's code: link layer, tags, MPLS,
 * PPPoE, IPv4/IPv6 (options, extension headers, fragments), tunnels, transport headers; checks
 * every checksum it can and collects every IP address it meets (quoted packets included).
 */

export interface Decoded {
  vlan: number;
  tunnel: string;
  v6: boolean;
  src: string;
  dst: string;
  proto: number;
  /** Ports; ICMP: 0 (type and code are separate); -1 in later fragments (no L4 header). */
  sport: number;
  dport: number;
  ipBytes: number;
  tcpFlags: number;
  icmpType: number;
  icmpCode: number;
  frag: { id: number; offset: number; more: boolean } | null;
  /** Every IP address in any header of the frame, quoted packets included. */
  addresses: Uint8Array[];
  /** Checksums found wrong, by layer name. */
  badChecksums: string[];
  /** Layers met, in order (e.g. eth, vlan, ipv4, gre, ipv6, tcp). */
  layers: string[];
}

export function addrText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  const w: string[] = [];
  for (let i = 0; i < 16; i += 2) w.push(((b[i] << 8) | b[i + 1]).toString(16));
  // compress the longest zero run (>= 2), like Python's ipaddress and RFC 5952
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && w[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    if (j > i) i = j - 1;
  }
  if (best < 0) return w.join(':');
  return `${w.slice(0, best).join(':')}::${w.slice(best + bestLen).join(':')}`;
}

function sum16(b: Buffer, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i + 1 < len; i += 2) s += b.readUInt16BE(off + i);
  if (len & 1) s += b[off + len - 1] << 8;
  return s;
}

function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 65536);
  return s;
}

function pseudo(src: Uint8Array, dst: Uint8Array, proto: number, len: number): number {
  const a = Buffer.from(src);
  const b = Buffer.from(dst);
  return sum16(a, 0, a.length) + sum16(b, 0, b.length) + proto + len;
}

/** Bitwise CRC-32C (slow, independent of the generator's table version). */
function crc32c(b: Buffer, off: number, len: number, skipFrom: number): number {
  let c = 0xffffffff;
  for (let i = 0; i < len; i++) {
    const x = i >= skipFrom && i < skipFrom + 4 ? 0 : b[off + i];
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function decodeFrame(linkType: number, frame: Buffer): Decoded {
  const d: Decoded = {
    vlan: 0,
    tunnel: '',
    v6: false,
    src: '',
    dst: '',
    proto: -1,
    sport: 0,
    dport: 0,
    ipBytes: 0,
    tcpFlags: 0,
    icmpType: -1,
    icmpCode: -1,
    frag: null,
    addresses: [],
    badChecksums: [],
    layers: [],
  };
  let off = 0;
  let ethType: number;
  if (linkType === 1) {
    d.layers.push('eth');
    off = 12;
    ethType = frame.readUInt16BE(off);
    off += 2;
    while (ethType === 0x8100 || ethType === 0x88a8) {
      d.layers.push(ethType === 0x88a8 ? 'qinq' : 'vlan');
      if (d.vlan === 0) d.vlan = frame.readUInt16BE(off) & 0xfff;
      ethType = frame.readUInt16BE(off + 2);
      off += 4;
    }
    if (ethType === 0x8847) {
      d.layers.push('mpls');
      for (;;) {
        const e = frame.readUInt32BE(off);
        off += 4;
        if (e & 0x100) break;
      }
      ethType = frame[off] >> 4 === 6 ? 0x86dd : 0x0800;
    } else if (ethType === 0x8864) {
      d.layers.push('pppoe');
      const ppp = frame.readUInt16BE(off + 6);
      ethType = ppp === 0x57 ? 0x86dd : 0x0800;
      off += 8;
    }
  } else if (linkType === 101) {
    ethType = frame[0] >> 4 === 6 ? 0x86dd : 0x0800;
  } else if (linkType === 113) {
    d.layers.push('sll');
    ethType = frame.readUInt16BE(14);
    off = 16;
  } else if (linkType === 276) {
    d.layers.push('sll2');
    ethType = frame.readUInt16BE(0);
    off = 20;
  } else throw new Error(`link type ${linkType}`);
  const want = ethType === 0x86dd ? 6 : ethType === 0x0800 ? 4 : -1;
  if (frame[off] >> 4 !== want) d.badChecksums.push(`link protocol 0x${ethType.toString(16)}`);
  ip(frame, off, d, 0);
  return d;
}

function ip(b: Buffer, off: number, d: Decoded, depth: number): void {
  const v = b[off] >> 4;
  let src: Uint8Array;
  let dst: Uint8Array;
  let proto: number;
  let l4: number;
  let end: number;
  let frag: Decoded['frag'] = null;
  if (v === 4) {
    d.layers.push('ipv4');
    const ihl = (b[off] & 15) * 4;
    const total = b.readUInt16BE(off + 2);
    if (fold(sum16(b, off, ihl)) !== 0xffff) d.badChecksums.push(`ipv4@${depth}`);
    const ff = b.readUInt16BE(off + 6);
    if (ff & 0x3fff)
      frag = { id: b.readUInt16BE(off + 4), offset: (ff & 0x1fff) * 8, more: (ff & 0x2000) !== 0 };
    proto = b[off + 9];
    src = b.subarray(off + 12, off + 16);
    dst = b.subarray(off + 16, off + 20);
    l4 = off + ihl;
    end = off + total;
    d.ipBytes = total;
    d.v6 = false;
  } else if (v === 6) {
    d.layers.push('ipv6');
    const plen = b.readUInt16BE(off + 4);
    proto = b[off + 6];
    src = b.subarray(off + 8, off + 24);
    dst = b.subarray(off + 24, off + 40);
    l4 = off + 40;
    end = off + 40 + plen;
    d.ipBytes = 40 + plen;
    d.v6 = true;
    for (;;) {
      if (proto === 0 || proto === 43 || proto === 60) {
        d.layers.push(proto === 0 ? 'hbh' : proto === 43 ? 'rh' : 'dst');
        const next = b[l4];
        l4 += (b[l4 + 1] + 1) * 8;
        proto = next;
      } else if (proto === 44) {
        d.layers.push('frag');
        const fo = b.readUInt16BE(l4 + 2);
        frag = { id: b.readUInt32BE(l4 + 4), offset: fo & 0xfff8, more: (fo & 1) !== 0 };
        proto = b[l4];
        l4 += 8;
      } else break;
    }
  } else throw new Error(`not IP at ${off} (version ${v})`);
  d.addresses.push(src, dst);
  d.src = addrText(src);
  d.dst = addrText(dst);
  d.proto = proto;
  d.frag = frag;
  const later = frag !== null && frag.offset > 0;
  if (later) {
    d.sport = d.dport = -1;
    return;
  }
  const whole = frag === null;
  // frames cut by the snaplen cannot have their transport checksums verified
  const complete = end <= b.length;
  // tunnels are recognised in the outermost IP packet only
  if (depth === 0) {
    if (proto === 4 || proto === 41) {
      d.tunnel = proto === 41 ? '6in4' : v === 6 ? '4in6' : 'ipip';
      return ip(b, l4, d, 1);
    }
    if (proto === 47) {
      const flags = b.readUInt16BE(l4);
      const ptype = b.readUInt16BE(l4 + 2);
      if (ptype === 0x0800 || ptype === 0x86dd) {
        d.layers.push('gre');
        d.tunnel = 'gre';
        const hl = 4 + (flags & 0x8000 ? 4 : 0) + (flags & 0x2000 ? 4 : 0) + (flags & 0x1000 ? 4 : 0);
        return ip(b, l4 + hl, d, 1);
      }
    }
    if (proto === 17) {
      const dport = b.readUInt16BE(l4 + 2);
      if (dport === 4789 || dport === 6081 || dport === 2152) {
        const ulen = b.readUInt16BE(l4 + 4);
        const ck = b.readUInt16BE(l4 + 6);
        if (complete && ck !== 0 && fold(pseudo(src, dst, 17, ulen) + sum16(b, l4, ulen)) !== 0xffff)
          d.badChecksums.push('outer-udp');
        if (dport === 2152) {
          d.layers.push('gtp-u');
          d.tunnel = 'gtp-u';
          const hl = 8 + (b[l4 + 8] & 0x07 ? 4 : 0);
          return ip(b, l4 + 8 + hl, d, 1);
        }
        const tunnel = dport === 4789 ? 'vxlan' : 'geneve';
        d.layers.push(tunnel);
        d.tunnel = tunnel;
        const hl = tunnel === 'vxlan' ? 8 : 8 + (b[l4 + 8] & 0x3f) * 4;
        return ip(b, l4 + 8 + hl + 14, d, 1); // inner Ethernet header
      }
    }
  }
  const l4len = end - l4;
  if (proto === 6) {
    d.layers.push('tcp');
    d.sport = b.readUInt16BE(l4);
    d.dport = b.readUInt16BE(l4 + 2);
    d.tcpFlags = b[l4 + 13];
    if (complete && fold(pseudo(src, dst, 6, l4len) + sum16(b, l4, l4len)) !== 0xffff)
      d.badChecksums.push('tcp');
  } else if (proto === 17) {
    d.layers.push('udp');
    d.sport = b.readUInt16BE(l4);
    d.dport = b.readUInt16BE(l4 + 2);
    if (whole && complete) {
      const ulen = b.readUInt16BE(l4 + 4);
      if (ulen !== l4len) d.badChecksums.push('udp-length');
      if (fold(pseudo(src, dst, 17, ulen) + sum16(b, l4, ulen)) !== 0xffff) d.badChecksums.push('udp');
    }
  } else if (proto === 132) {
    d.layers.push('sctp');
    d.sport = b.readUInt16BE(l4);
    d.dport = b.readUInt16BE(l4 + 2);
    if (complete && crc32c(b, l4, l4len, 8) !== b.readUInt32LE(l4 + 8)) d.badChecksums.push('sctp');
  } else if (proto === 1 || proto === 58) {
    d.layers.push(proto === 1 ? 'icmp' : 'icmp6');
    d.icmpType = b[l4];
    d.icmpCode = b[l4 + 1];
    const s = complete ? (proto === 58 ? pseudo(src, dst, 58, l4len) : 0) + sum16(b, l4, l4len) : 0;
    if (complete && fold(s) !== 0xffff) d.badChecksums.push(proto === 1 ? 'icmp' : 'icmp6');
    const error = proto === 1 ? d.icmpType === 3 || d.icmpType === 11 : d.icmpType < 128;
    if (error) quoted(b, l4 + 8, d);
  }
}

/** The packet quoted in an ICMP error: its addresses count, its IPv4 header checksum too. */
function quoted(b: Buffer, off: number, d: Decoded): void {
  const v = b[off] >> 4;
  if (v === 4) {
    const ihl = (b[off] & 15) * 4;
    if (fold(sum16(b, off, ihl)) !== 0xffff) d.badChecksums.push('quoted-ipv4');
    d.addresses.push(b.subarray(off + 12, off + 16), b.subarray(off + 16, off + 20));
  } else if (v === 6) {
    d.addresses.push(b.subarray(off + 8, off + 24), b.subarray(off + 24, off + 40));
  } else d.badChecksums.push('quoted-version');
}
