/** Hand-made NetFlow/IPFIX messages for the collector's tests (independent of our exporter). */

export type Field = [id: number, length: number, enterprise?: number];

export const u8 = (v: number): Buffer => Buffer.from([v & 0xff]);
export function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}
export function u64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}
export const ip4 = (a: string): Buffer => Buffer.from(a.split('.').map(Number));

function specs(fields: Field[], withPen: boolean): Buffer[] {
  return fields.flatMap(([id, len, pen]) =>
    pen && withPen ? [u16(0x8000 | id), u16(len), u32(pen)] : [u16(id), u16(len)],
  );
}

/** A set (or v9 FlowSet): id, length, body. */
export function set(id: number, ...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([u16(id), u16(4 + b.length), b]);
}

export function templateRecord(id: number, fields: Field[], ipfix = true): Buffer {
  return Buffer.concat([u16(id), u16(fields.length), ...specs(fields, ipfix)]);
}

/** IPFIX options template record (RFC 7011 §3.4.2.2): scope fields first. */
export function ipfixOptionsTemplate(id: number, scope: Field[], fields: Field[]): Buffer {
  return Buffer.concat([
    u16(id),
    u16(scope.length + fields.length),
    u16(scope.length),
    ...specs([...scope, ...fields], true),
  ]);
}

/** v9 options template record (RFC 3954 §6.1): scope and option lengths in bytes. */
export function v9OptionsTemplate(id: number, scope: Field[], fields: Field[]): Buffer {
  return Buffer.concat([
    u16(id),
    u16(scope.length * 4),
    u16(fields.length * 4),
    ...specs([...scope, ...fields], false),
  ]);
}

export function ipfixMessage(
  domain: number,
  sequence: number,
  sets: Buffer[],
  exportSec = 1_735_689_600,
): Buffer {
  const body = Buffer.concat(sets);
  return Buffer.concat([u16(10), u16(16 + body.length), u32(exportSec), u32(sequence), u32(domain), body]);
}

export function v9Packet(
  sourceId: number,
  sequence: number,
  count: number,
  sets: Buffer[],
  uptimeMs = 100_000,
  unixSec = 1_735_689_600,
): Buffer {
  return Buffer.concat([
    u16(9),
    u16(count),
    u32(uptimeMs),
    u32(unixSec),
    u32(sequence),
    u32(sourceId),
    ...sets,
  ]);
}

export interface V5Record {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: number;
  packets: number;
  bytes: number;
  first: number;
  last: number;
  flags?: number;
}

export function v5Packet(
  records: V5Record[],
  opts: { uptimeMs?: number; unixSec?: number; sampling?: number; sequence?: number } = {},
): Buffer {
  const head = Buffer.concat([
    u16(5),
    u16(records.length),
    u32(opts.uptimeMs ?? 100_000),
    u32(opts.unixSec ?? 1_735_689_600),
    u32(0),
    u32(opts.sequence ?? 0),
    u8(0),
    u8(0),
    u16(opts.sampling ?? 0),
  ]);
  const recs = records.map((r) =>
    Buffer.concat([
      ip4(r.src),
      ip4(r.dst),
      ip4('0.0.0.0'),
      u16(1),
      u16(2),
      u32(r.packets),
      u32(r.bytes),
      u32(r.first),
      u32(r.last),
      u16(r.sport),
      u16(r.dport),
      u8(0),
      u8(r.flags ?? 0),
      u8(r.proto),
      u8(0),
      u16(0),
      u16(0),
      u8(0),
      u8(0),
      u16(0),
    ]),
  );
  return Buffer.concat([head, ...recs]);
}

/** IPv4 five-tuple template with packets, octets and ms times (IPFIX and v9 ids are the same). */
export const BASIC_V4: Field[] = [
  [8, 4],
  [12, 4],
  [7, 2],
  [11, 2],
  [4, 1],
  [2, 4],
  [1, 4],
  [152, 8],
  [153, 8],
];

export function basicRecord(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  packets: number,
  bytes: number,
  startMs = 1_735_689_000_000,
): Buffer {
  return Buffer.concat([
    ip4(src),
    ip4(dst),
    u16(sport),
    u16(dport),
    u8(17),
    u32(packets),
    u32(bytes),
    u64(startMs),
    u64(startMs + 1000),
  ]);
}
