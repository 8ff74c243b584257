import { roleOf, Role } from './fields.js';

/** IPFIX variable-length fields are announced with length 65535 (RFC 7011 §7). */
export const VARIABLE_LENGTH = 0xffff;
/** More fields than any real template has; an absurd count is refused before it is read. */
export const MAX_TEMPLATE_FIELDS = 256;

/** A received (options) template compiled for decoding: one role and one length per field. */
export class Template {
  readonly roles: Uint8Array;
  readonly lengths: Uint16Array;
  /** Bytes of the shortest possible record (a variable-length field counts 1). */
  readonly minRecordBytes: number;
  receivedMs: number;

  constructor(
    readonly id: number,
    readonly options: boolean,
    roles: number[],
    lengths: number[],
    now: number,
  ) {
    this.roles = Uint8Array.from(roles);
    this.lengths = Uint16Array.from(lengths);
    let min = 0;
    for (const l of lengths) min += l === VARIABLE_LENGTH ? 1 : l;
    this.minRecordBytes = min;
    this.receivedMs = now;
  }

  /** Same layout (a refresh of the same template): keeps the compiled one. */
  sameAs(roles: number[], lengths: number[], options: boolean): boolean {
    if (options !== this.options || lengths.length !== this.lengths.length) return false;
    for (let i = 0; i < lengths.length; i++)
      if (this.lengths[i] !== lengths[i] || this.roles[i] !== roles[i]) return false;
    return true;
  }
}

export type TemplateRecord =
  | { kind: 'template'; id: number; options: boolean; roles: number[]; lengths: number[] }
  | { kind: 'withdraw'; id: number; options: boolean }
  | { kind: 'bad' };

/**
 * Reads one template record at `p` of a template set ending at `end` (IPFIX §3.4.1, options
 * §3.4.2; v9 §5.2/§6.1). Returns the record and the position after it; `bad` stops the set.
 * Scope fields of v9 options templates use their own numbering (system, interface, …): skipped.
 */
export function readTemplateRecord(
  v: DataView,
  p: number,
  end: number,
  format: 'ipfix' | 'v9',
  options: boolean,
): { rec: TemplateRecord; next: number } {
  const bad = { rec: { kind: 'bad' } as const, next: end };
  if (p + 4 > end) return bad;
  const id = v.getUint16(p);
  let fieldCount: number;
  let scopeCount = 0;
  let q = p + 4;
  if (format === 'v9' && options) {
    // v9 options template: scope and option field lengths are in bytes, 4 per field spec.
    if (p + 6 > end) return bad;
    const scopeBytes = v.getUint16(p + 2);
    const optionBytes = v.getUint16(p + 4);
    if (scopeBytes % 4 !== 0 || optionBytes % 4 !== 0) return bad;
    scopeCount = scopeBytes / 4;
    fieldCount = scopeCount + optionBytes / 4;
    q = p + 6;
  } else {
    fieldCount = v.getUint16(p + 2);
    if (fieldCount === 0) {
      // IPFIX withdrawal (§8.1): id 2 (templates) / 3 (options templates) withdraws them all.
      return format === 'ipfix' ? { rec: { kind: 'withdraw', id, options }, next: q } : bad;
    }
    if (options) {
      if (p + 6 > end) return bad;
      scopeCount = v.getUint16(p + 4);
      if (scopeCount === 0 || scopeCount > fieldCount) return bad;
      q = p + 6;
    }
  }
  if (id < 256 || fieldCount === 0 || fieldCount > MAX_TEMPLATE_FIELDS || q + fieldCount * 4 > end)
    return bad;
  const roles: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < fieldCount; i++) {
    if (q + 4 > end) return bad;
    let type = v.getUint16(q);
    const len = v.getUint16(q + 2);
    q += 4;
    let enterprise = 0;
    if (format === 'ipfix' && type & 0x8000) {
      if (q + 4 > end) return bad;
      enterprise = v.getUint32(q);
      type &= 0x7fff;
      q += 4;
    }
    if (len === VARIABLE_LENGTH && format === 'v9') return bad;
    const inScope = format === 'v9' && i < scopeCount;
    lengths.push(len);
    roles.push(inScope ? Role.skip : fieldRole(enterprise, type, len));
  }
  let min = 0;
  for (const l of lengths) min += l === VARIABLE_LENGTH ? 1 : l;
  if (min === 0) return bad;
  return { rec: { kind: 'template', id, options, roles, lengths }, next: q };
}

/** The role, checked against the length: an address of the wrong size is skipped, not misread. */
function fieldRole(enterprise: number, type: number, len: number): number {
  const role = roleOf(enterprise, type);
  switch (role) {
    case Role.src4:
    case Role.dst4:
      return len === 4 ? role : Role.skip;
    case Role.src6:
    case Role.dst6:
      return len === 16 ? role : Role.skip;
    case Role.startNtp:
    case Role.endNtp:
      return len === 8 ? role : Role.skip;
    case Role.skip:
      return Role.skip;
    default:
      // Unsigned values: reduced-size encoding allowed, up to 8 bytes.
      return len >= 1 && len <= 8 ? role : Role.skip;
  }
}
