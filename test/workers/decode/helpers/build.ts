/**
 * A tiny inside-out frame builder for decoder tests and benchmarks: each function wraps a payload
 * in one header, filling lengths from the payload unless told otherwise. Hand-built, so every
 * field of every test frame is known.
 */

export type Bytes = Uint8Array;

export function cat(...parts: (Bytes | number[])[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function be16(v: number): number[] {
  return [(v >>> 8) & 0xff, v & 0xff];
}

export function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

export function fill(n: number, byte = 0xab): Bytes {
  return new Uint8Array(n).fill(byte);
}

/** Dotted quad to bytes. */
export function ip4(a: string): number[] {
  const parts = a.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 ${a}`);
  return parts;
}

/** IPv4 address as the decoder's word 0. */
export function ip4Word(a: string): number {
  const b = ip4(a);
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

/** IPv6 text (with :: and optional embedded IPv4) to 16 bytes. */
export function ip6(a: string): number[] {
  let head = a;
  let tail4: number[] = [];
  const lastColon = a.lastIndexOf(':');
  if (a.slice(lastColon + 1).includes('.')) {
    tail4 = ip4(a.slice(lastColon + 1));
    head = a.slice(0, lastColon + 1) + '0:0';
  }
  const [l, r] = head.split('::');
  const left = l ? l.split(':') : [];
  const right = r !== undefined ? (r ? r.split(':') : []) : [];
  const zeros = r !== undefined ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<string>(zeros).fill('0'), ...right];
  if (groups.length !== 8) throw new Error(`bad IPv6 ${a}`);
  const out: number[] = [];
  for (const g of groups) out.push(...be16(parseInt(g, 16)));
  if (tail4.length) out.splice(12, 4, ...tail4);
  return out;
}

/** IPv6 address as the decoder's four words. */
export function ip6Words(a: string): number[] {
  const b = ip6(a);
  const w: number[] = [];
  for (let i = 0; i < 16; i += 4)
    w.push(((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0);
  return w;
}

// ---- Link layers ----

export const MAC_A = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0a];
export const MAC_B = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0b];

export function ether(type: number, payload: Bytes, dst = MAC_B, src = MAC_A): Bytes {
  return cat(dst, src, be16(type), payload);
}

/** An 802.1Q-style tag: TCI (pcp/dei/vid) then the inner EtherType; prepend the outer type yourself. */
export function vlanTag(vid: number, innerType: number, payload: Bytes, pcp = 0, dei = 0): Bytes {
  return cat(be16((pcp << 13) | (dei << 12) | (vid & 0xfff)), be16(innerType), payload);
}

/** MPLS stack, outermost label first; the last entry gets bottom-of-stack. */
export function mpls(labels: number[], payload: Bytes, ttl = 64): Bytes {
  const entries = labels.map((label, i) => {
    const bos = i === labels.length - 1 ? 1 : 0;
    return be32(((label << 12) | (bos << 8) | ttl) >>> 0);
  });
  return cat(...entries, payload);
}

export function pppoeSession(pppProtocol: number, payload: Bytes, sessionId = 0x1234): Bytes {
  return cat([0x11, 0x00], be16(sessionId), be16(payload.length + 2), be16(pppProtocol), payload);
}

export function sll(protocol: number, payload: Bytes, hatype = 1, packetType = 0): Bytes {
  return cat(be16(packetType), be16(hatype), be16(6), MAC_A, [0, 0], be16(protocol), payload);
}

export function sll2(protocol: number, payload: Bytes, hatype = 1, ifindex = 2): Bytes {
  return cat(be16(protocol), [0, 0], be32(ifindex), be16(hatype), [0, 6], MAC_A, [0, 0], payload);
}

// ---- IP ----

export interface Ipv4Options {
  src?: string;
  dst?: string;
  proto: number;
  ttl?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  /** Raw option bytes (padded to a multiple of 4 by the caller). */
  options?: number[];
  /** Override the total length field. */
  totalLength?: number;
  /** Override the IHL (in 4-byte words). */
  ihl?: number;
  version?: number;
}

export function ipv4(o: Ipv4Options, payload: Bytes): Bytes {
  const options = o.options ?? [];
  const ihl = o.ihl ?? 5 + options.length / 4;
  const total = o.totalLength ?? 20 + options.length + payload.length;
  const flags = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) >> 3);
  const header = cat(
    [((o.version ?? 4) << 4) | (ihl & 0x0f), 0],
    be16(total),
    be16(o.id ?? 0x1111),
    be16(flags),
    [o.ttl ?? 64, o.proto],
    [0, 0],
    ip4(o.src ?? '192.0.2.1'),
    ip4(o.dst ?? '198.51.100.2'),
    options,
  );
  return cat(header, payload);
}

export interface Ipv6Options {
  src?: string;
  dst?: string;
  /** Next header of the fixed header (the first extension header or the upper layer). */
  nextHeader: number;
  hopLimit?: number;
  payloadLength?: number;
  version?: number;
}

export function ipv6(o: Ipv6Options, payload: Bytes): Bytes {
  return cat(
    [((o.version ?? 6) << 4) | 0, 0, 0, 0],
    be16(o.payloadLength ?? payload.length),
    [o.nextHeader, o.hopLimit ?? 64],
    ip6(o.src ?? '2001:db8::1'),
    ip6(o.dst ?? '2001:db8::2'),
    payload,
  );
}

/** Hop-by-hop / routing / destination options header of `units` 8-byte units (>= 1), padded with PadN. */
export function ext6(nextHeader: number, payload: Bytes, units = 1, body?: number[]): Bytes {
  const len = units * 8;
  const b = new Uint8Array(len);
  b[0] = nextHeader;
  b[1] = units - 1;
  if (body) b.set(body, 2);
  else {
    // One PadN option covering the rest.
    b[2] = 1;
    b[3] = len - 4;
  }
  return cat(b, payload);
}

/** Authentication header with `icvBytes` of ICV (length field = (12 + icv) / 4 - 2). */
export function ah(nextHeader: number, payload: Bytes, icvBytes = 12, lengthField?: number): Bytes {
  const total = 12 + icvBytes;
  return cat(
    [nextHeader, lengthField ?? total / 4 - 2, 0, 0],
    be32(0x1000),
    be32(1),
    fill(icvBytes, 0x5a),
    payload,
  );
}

export function frag6(nextHeader: number, offset: number, more: boolean, id: number, payload: Bytes): Bytes {
  return cat([nextHeader, 0], be16((offset & 0xfff8) | (more ? 1 : 0)), be32(id), payload);
}

// ---- L4 ----

export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;

export function tcp(
  sport: number,
  dport: number,
  flags: number,
  payload: Bytes = new Uint8Array(0),
  dataOffsetWords = 5,
): Bytes {
  const optBytes = Math.max(0, dataOffsetWords - 5) * 4;
  return cat(
    be16(sport),
    be16(dport),
    be32(1000),
    be32(2000),
    [(dataOffsetWords & 0x0f) << 4, flags],
    be16(65535),
    [0, 0, 0, 0],
    fill(optBytes, 0x01), // NOP options
    payload,
  );
}

export function udp(
  sport: number,
  dport: number,
  payload: Bytes = new Uint8Array(0),
  length?: number,
): Bytes {
  return cat(be16(sport), be16(dport), be16(length ?? 8 + payload.length), [0, 0], payload);
}

export function sctp(sport: number, dport: number, payload: Bytes = new Uint8Array(0)): Bytes {
  return cat(be16(sport), be16(dport), be32(0xdeadbeef), be32(0), payload);
}

/** ICMP / ICMPv6 header: type, code, checksum, then 4 bytes "rest of header" (id + seq for echo). */
export function icmp(type: number, code: number, id = 0, seq = 0, payload: Bytes = new Uint8Array(0)): Bytes {
  return cat([type, code, 0, 0], be16(id), be16(seq), payload);
}

// ---- Tunnels ----

export interface GreOptions {
  protocol: number;
  checksum?: boolean;
  key?: number;
  seq?: number;
  /** RFC 1701 routing: raw SRE bytes including the terminating 0000 00 00 entry. */
  routing?: number[];
  version?: number;
}

export function gre(o: GreOptions, payload: Bytes): Bytes {
  const c = o.checksum ? 0x80 : 0;
  const r = o.routing ? 0x40 : 0;
  const k = o.key !== undefined ? 0x20 : 0;
  const s = o.seq !== undefined ? 0x10 : 0;
  return cat(
    [c | r | k | s, (o.version ?? 0) & 7],
    be16(o.protocol),
    c || r ? [0, 0, 0, 0] : [],
    o.key !== undefined ? be32(o.key) : [],
    o.seq !== undefined ? be32(o.seq) : [],
    o.routing ?? [],
    payload,
  );
}

/** PPTP enhanced GRE (version 1) carrying a PPP frame (`ppp` = address/control + protocol + data). */
export function greV1(callId: number, ppp: Bytes, seq?: number, ack?: number): Bytes {
  const s = seq !== undefined ? 0x10 : 0;
  const a = ack !== undefined ? 0x80 : 0;
  return cat(
    [0x20 | s, a | 1],
    be16(0x880b),
    be16(ppp.length),
    be16(callId),
    seq !== undefined ? be32(seq) : [],
    ack !== undefined ? be32(ack) : [],
    ppp,
  );
}

export function erspan2(session: number, payload: Bytes, vlan = 0): Bytes {
  return cat(be16((1 << 12) | vlan), be16(session & 0x3ff), be32(0), payload);
}

export function erspan3(session: number, payload: Bytes, frameType = 0, platform = false): Bytes {
  const word = (frameType << 10) | (platform ? 1 : 0);
  return cat(
    be16(2 << 12),
    be16(session & 0x3ff),
    be32(0x01020304),
    be16(0),
    be16(word),
    platform ? fill(8, 0) : [],
    payload,
  );
}

export function vxlan(vni: number, payload: Bytes, flags = 0x08): Bytes {
  return cat([flags, 0, 0, 0], [(vni >>> 16) & 0xff, (vni >>> 8) & 0xff, vni & 0xff, 0], payload);
}

export function geneve(vni: number, protocol: number, payload: Bytes, optionWords = 0, version = 0): Bytes {
  return cat(
    [(version << 6) | optionWords, 0],
    be16(protocol),
    [(vni >>> 16) & 0xff, (vni >>> 8) & 0xff, vni & 0xff, 0],
    fill(optionWords * 4, 0x00),
    payload,
  );
}

export interface GtpuOptions {
  teid: number;
  messageType?: number;
  seq?: number;
  /** Extension headers as [type, content bytes] (content padded to 4n - 2 bytes by the caller). */
  extensions?: [number, number[]][];
  version?: number;
}

export function gtpu(o: GtpuOptions, payload: Bytes): Bytes {
  const exts = o.extensions ?? [];
  const e = exts.length > 0 ? 0x04 : 0;
  const s = o.seq !== undefined ? 0x02 : 0;
  const optional: number[] = [];
  if (e || s) {
    optional.push(...be16(o.seq ?? 0), 0, exts.length ? exts[0][0] : 0);
    exts.forEach(([, content], i) => {
      const next = i + 1 < exts.length ? exts[i + 1][0] : 0;
      const len = content.length + 2;
      if (len % 4 !== 0) throw new Error('GTP-U extension content must be 4n - 2 bytes');
      optional.push(len / 4, ...content, next);
    });
  }
  const length = optional.length + payload.length;
  return cat(
    [((o.version ?? 1) << 5) | 0x10 | e | s, o.messageType ?? 255],
    be16(length),
    be32(o.teid),
    optional,
    payload,
  );
}
