/**
 * Textual IPv4/IPv6 address to four big-endian 32-bit words (IPv4: first word, rest zero),
 * without allocating: the record matcher parses every record's addresses with it.
 * Accepts exactly what `parseAddress` of src/flow/address.ts accepts (both refuse a hex group
 * glued to an IPv4 tail, "::11111.2.3.4"), with the same words.
 */
const groups = new Uint16Array(8);

/** Returns 4 or 6 and fills `out`, or 0 when `text` is not an address (`out` then undefined). */
export function parseAddressWords(text: string, out: Uint32Array): 0 | 4 | 6 {
  const n = text.length;
  if (n === 0 || n > 45) return 0;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) === 0x3a) return parseV6(text, out) ? 6 : 0;
  }
  const v4 = parseV4(text, 0);
  if (v4 < 0) return 0;
  out[0] = v4;
  out[1] = out[2] = out[3] = 0;
  return 4;
}

/** Dotted quad from `from` to the end of `s` as an unsigned 32-bit value, or -1. */
function parseV4(s: string, from: number): number {
  const n = s.length;
  let value = 0;
  let i = from;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= n || s.charCodeAt(i) !== 0x2e) return -1;
      i++;
    }
    let digits = 0;
    let octet = 0;
    while (i < n && digits < 4) {
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      octet = octet * 10 + (c - 0x30);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || octet > 255) return -1;
    value = value * 256 + octet;
  }
  return i === n ? value : -1;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function parseV6(s: string, out: Uint32Array): boolean {
  const n = s.length;
  let count = 0;
  /** Index in `groups` where "::" stands, -1 if none. */
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 0x3a) {
    if (n < 2 || s.charCodeAt(1) !== 0x3a) return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let value = 0;
    while (i < n && i - start < 5) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      i++;
    }
    if (i < n && s.charCodeAt(i) === 0x2e) {
      // The last two groups written as a dotted quad.
      if (count > 6) return false;
      const v4 = parseV4(s, start);
      if (v4 < 0) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      break;
    }
    const digits = i - start;
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = value;
    if (i === n) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i < n && s.charCodeAt(i) === 0x3a) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    } else if (i === n) return false;
  }
  if (gap < 0 ? count !== 8 : count > 7) return false;
  const fill = 8 - count;
  for (let w = 0; w < 4; w++) {
    const g0 = groupAt(2 * w, gap, fill);
    const g1 = groupAt(2 * w + 1, gap, fill);
    out[w] = ((g0 << 16) | g1) >>> 0;
  }
  return true;
}

/** Group `k` of the full eight, with `fill` zero groups inserted at `gap`. */
function groupAt(k: number, gap: number, fill: number): number {
  if (gap < 0 || k < gap) return groups[k];
  if (k < gap + fill) return 0;
  return groups[k - fill];
}
