import { formatAddress } from '../flow/address.js';
import type { CompareField } from './ast.js';
import { parseAddressWords } from './address-words.js';
import { FilterSyntaxError } from './errors.js';
import type { Token } from './lexer.js';
import { PROTOCOL_BY_NAME, SERVICE_PORTS } from './names.js';
import { closest, didYouMean } from './suggest.js';

/** Validators of primitive values: each takes the value's word token and throws with its position. */

export interface Address {
  text: string;
  version: 4 | 6;
  words: Uint32Array;
}

function fail(message: string, at: number, length: number, suggestions: string[] = []): FilterSyntaxError {
  return new FilterSyntaxError(message, at, length, suggestions);
}

export function wordsToText(words: Uint32Array, version: 4 | 6): string {
  const bytes = new Uint8Array(version === 4 ? 4 : 16);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (words[i >> 2] >>> (24 - (i & 3) * 8)) & 0xff;
  return formatAddress(bytes);
}

/** The address in `text` (a slice of the filter starting at `at`). */
export function parseAddressText(text: string, at: number): Address {
  const words = new Uint32Array(4);
  const version = parseAddressWords(text, words);
  if (version === 0) throw fail(`invalid address '${text}' at ${at}`, at, text.length);
  return { text: wordsToText(words, version), version, words };
}

/** Word mask of the first `prefix` bits of a 128-bit (or 32-bit, in word 0) address. */
export function prefixMask(prefix: number): Uint32Array {
  const m = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const bits = Math.max(0, Math.min(32, prefix - w * 32));
    m[w] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  }
  return m;
}

export interface Network extends Address {
  prefix: number;
}

function checkNetwork(addr: Address, prefix: number, tok: Token, shown: string): Network {
  const mask = prefixMask(prefix);
  const net = addr.words.map((w, i) => (w & mask[i]) >>> 0);
  if (net.some((w, i) => w !== addr.words[i])) {
    const fixed = `${wordsToText(net, addr.version)}/${prefix}`;
    throw fail(
      `network '${shown}' has host bits set at ${tok.start}${didYouMean([fixed])}`,
      tok.start,
      tok.end - tok.start,
      [fixed],
    );
  }
  return { ...addr, prefix };
}

/** `ADDR/LEN`. */
export function parseCidr(tok: Token): Network {
  const slash = tok.text.indexOf('/');
  const addr = parseAddressText(tok.text.slice(0, slash), tok.start);
  const lenText = tok.text.slice(slash + 1);
  const lenAt = tok.start + slash + 1;
  if (!/^\d{1,3}$/.test(lenText)) {
    throw fail(`expected a prefix length after '/' at ${lenAt}`, lenAt, lenText.length);
  }
  const prefix = Number(lenText);
  const max = addr.version === 4 ? 32 : 128;
  if (prefix > max) {
    throw fail(
      `prefix length ${prefix} out of range for IPv${addr.version} (0-${max}) at ${lenAt}`,
      lenAt,
      lenText.length,
    );
  }
  return checkNetwork(addr, prefix, tok, tok.text);
}

/** `ADDR mask MASK` (IPv4 only): `addrTok` holds ADDR, `maskTok` MASK. */
export function parseMasked(addrTok: Token, maskTok: Token): Network {
  const addr = parseAddressText(addrTok.text, addrTok.start);
  const mask = parseAddressText(maskTok.text, maskTok.start);
  if (addr.version !== 4 || mask.version !== 4) {
    const bad = addr.version !== 4 ? addrTok : maskTok;
    throw fail(
      `'mask' takes IPv4 addresses only at ${bad.start}; write IPv6 networks as ADDR/LEN`,
      bad.start,
      bad.text.length,
    );
  }
  const m = mask.words[0];
  const prefix = Math.clz32(~m);
  if (prefix < 32 && m << prefix !== 0) {
    throw fail(
      `invalid netmask '${maskTok.text}' at ${maskTok.start}: its one bits must be contiguous`,
      maskTok.start,
      maskTok.text.length,
    );
  }
  return checkNetwork(addr, prefix, addrTok, `${addrTok.text} mask ${maskTok.text}`);
}

function portNumber(text: string, at: number): number {
  const n = Number(text);
  if (n > 65535) throw fail(`port ${text} out of range (0-65535) at ${at}`, at, text.length);
  return n;
}

/** A port number or a well-known service name. */
export function parsePort(tok: Token, keyword: string): number {
  if (/^\d+$/.test(tok.text)) return portNumber(tok.text, tok.start);
  const service = SERVICE_PORTS.get(tok.text.toLowerCase());
  if (service !== undefined) return service;
  const near = closest(tok.text, [...SERVICE_PORTS.keys()]);
  throw fail(
    `expected a port number after '${keyword}' at ${tok.start}, found '${tok.text}'${didYouMean(near)}`,
    tok.start,
    tok.text.length,
    near,
  );
}

export function parsePortRange(tok: Token, keyword: string): { from: number; to: number } {
  const m = /^(\d+)-(\d+)$/.exec(tok.text);
  if (!m) {
    throw fail(
      `expected a port range like 1024-65535 after '${keyword}' at ${tok.start}, found '${tok.text}'`,
      tok.start,
      tok.text.length,
    );
  }
  const from = portNumber(m[1], tok.start);
  const to = portNumber(m[2], tok.start + m[1].length + 1);
  if (from > to) {
    throw fail(
      `inverted port range ${tok.text} at ${tok.start}: the first port must not exceed the second`,
      tok.start,
      tok.text.length,
      [`${to}-${from}`],
    );
  }
  return { from, to };
}

export function parseProto(tok: Token): number {
  if (/^\d+$/.test(tok.text)) {
    const n = Number(tok.text);
    if (n > 255) {
      throw fail(
        `protocol number ${tok.text} out of range (0-255) at ${tok.start}`,
        tok.start,
        tok.text.length,
      );
    }
    return n;
  }
  const n = PROTOCOL_BY_NAME.get(tok.text.toLowerCase());
  if (n !== undefined) return n;
  const near = closest(tok.text, [...PROTOCOL_BY_NAME.keys()]);
  const hint =
    near.length > 0 ? didYouMean(near) : '; expected a name such as tcp, udp or icmp, or a number 0-255';
  throw fail(`unknown protocol '${tok.text}' at ${tok.start}${hint}`, tok.start, tok.text.length, near);
}

export function parseVlan(tok: Token): number {
  const n = Number(tok.text);
  if (!/^\d+$/.test(tok.text) || n > 4095) {
    throw fail(`VLAN id ${tok.text} out of range (0-4095) at ${tok.start}`, tok.start, tok.text.length);
  }
  return n;
}

const AMOUNT_POWERS = new Map([
  ['', 0],
  ['k', 3],
  ['m', 6],
  ['g', 9],
  ['t', 12],
]);
/** Microseconds per unit as (power of ten, multiplier): exact for any decimal of up to 3/6 places. */
const DURATION_UNITS = new Map<string, readonly [number, number]>([
  ['ms', [3, 1]],
  ['', [6, 1]],
  ['s', [6, 1]],
  ['m', [6, 60]],
  ['h', [6, 3600]],
]);

/** What a comparison on `field` takes, for messages. */
export function quantityName(field: CompareField): string {
  return field === 'duration' ? 'a duration like 500ms, 5s, 2m or 1h' : 'a number like 1500, 10k or 1M';
}

const NUMBER = /^(\d+)(?:\.(\d+))?([a-zA-Z]*)$/;

/** A comparison value: bytes/packets with k/M/G/T (powers of 1000), or a duration in ms. */
export function parseQuantity(tok: Token, field: CompareField, op: string): number {
  const m = NUMBER.exec(tok.text);
  const isDuration = field === 'duration';
  if (!m) {
    throw fail(
      `expected ${quantityName(field)} after '${op}' at ${tok.start}, found '${tok.text}'`,
      tok.start,
      tok.text.length,
    );
  }
  const [, whole, frac = '', unitText] = m;
  const unit = unitText.toLowerCase();
  const unitAt = tok.start + tok.text.length - unitText.length;
  if (isDuration) {
    const u = DURATION_UNITS.get(unit);
    if (!u) {
      throw fail(
        `unknown duration unit '${unitText}' in '${tok.text}' at ${unitAt}; use ms, s, m or h`,
        unitAt,
        unitText.length,
        ['ms', 's', 'm', 'h'],
      );
    }
    if (frac.length > u[0]) {
      throw fail(
        `duration '${tok.text}' is finer than a microsecond at ${tok.start}`,
        tok.start,
        tok.text.length,
      );
    }
    const us = Number(`${whole}${frac}e${u[0] - frac.length}`) * u[1];
    if (us > Number.MAX_SAFE_INTEGER)
      throw fail(`duration '${tok.text}' too large at ${tok.start}`, tok.start, tok.text.length);
    return us / 1000;
  }
  const power = AMOUNT_POWERS.get(unit);
  if (power === undefined) {
    throw fail(
      `unknown unit '${unitText}' in '${tok.text}' at ${unitAt}; use k, M, G or T (powers of 1000)`,
      unitAt,
      unitText.length,
      ['k', 'M', 'G', 'T'],
    );
  }
  const value = Number(`${whole}${frac}e${power - frac.length}`);
  const what = field.toLowerCase().includes('bytes') ? 'bytes' : 'packets';
  if (!Number.isInteger(value)) {
    throw fail(`'${tok.text}' is not a whole number of ${what} at ${tok.start}`, tok.start, tok.text.length);
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    throw fail(
      `'${tok.text}' is too large at ${tok.start} (at most ${Number.MAX_SAFE_INTEGER})`,
      tok.start,
      tok.text.length,
    );
  }
  return value;
}

const BASE64_20 = /^[A-Za-z0-9+/]{26}[AEIMQUYcgkosw048]=$/;

/** "1:" + base64 of a 20-byte SHA-1 digest; the "1:" may be left out. */
export function parseCommunityId(text: string, at: number): string {
  const body = text.startsWith('1:') ? text.slice(2) : text;
  if (!BASE64_20.test(body)) {
    throw fail(
      `invalid Community ID '${text}' at ${at}: expected '1:' and 28 base64 characters`,
      at,
      text.length,
    );
  }
  return `1:${body}`;
}
