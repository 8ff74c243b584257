import type { CompareField, CompareOp, Direction, FilterNode } from './ast.js';
import { FilterSyntaxError } from './errors.js';
import { COMPARE_OPS, isKeyword, PRIMITIVE_KEYWORDS, QUALIFIED_KEYWORDS, TERM_STARTS } from './keywords.js';
import { tokenize, type Token } from './lexer.js';
import { END_REASON_NAMES, PROTOCOL_BY_NAME, SERVICE_PORTS, TUNNEL_ALIASES, TUNNEL_TYPES } from './names.js';
import { closest, didYouMean } from './suggest.js';
import {
  parseAddressText,
  parseCidr,
  parseCommunityId,
  parseMasked,
  parsePort,
  parsePortRange,
  parseProto,
  parseQuantity,
  parseVlan,
  quantityName,
} from './values.js';
import type { EndReason } from '../flow/record.js';

/** Longest filter accepted, in UTF-16 code units. */
export const FILTER_MAX_LENGTH = 4096;
/** Deepest nesting of parentheses and `not` (the parser recurses on them). */
export const FILTER_MAX_DEPTH = 64;

export interface ParseOptions {
  /**
   * Longest text accepted (default FILTER_MAX_LENGTH). Raise it only for text this program
   * printed itself: the canonical form of an accepted filter may be longer than the filter.
   */
  maxLength?: number;
}

/**
 * Grammar (see README.md): or-expression of and-expressions of unary terms; `not` binds
 * tighter than `and`, `and` tighter than `or`; terms are never joined implicitly.
 * An empty (or blank) filter parses to `{ kind: 'all' }`.
 */
export function parseFilter(text: string, options: ParseOptions = {}): FilterNode {
  const max = options.maxLength ?? FILTER_MAX_LENGTH;
  if (text.length > max) {
    throw new FilterSyntaxError(
      `filter too long at ${max}: ${text.length} characters, at most ${max}`,
      max,
      text.length - max,
    );
  }
  return new Parser(tokenize(text)).filter();
}

const SHORTHAND_PROTOS = new Map([
  ['tcp', 6],
  ['udp', 17],
  ['sctp', 132],
  ['icmp', 1],
  ['icmp6', 58],
  ['icmpv6', 58],
]);
const PORT_PROTOS = new Set(['tcp', 'udp', 'sctp']);
const COMPARE_FIELDS = new Map<string, CompareField>([
  ['bytes', 'bytes'],
  ['packets', 'packets'],
  ['duration', 'duration'],
  ['srcbytes', 'srcBytes'],
  ['dstbytes', 'dstBytes'],
  ['srcpackets', 'srcPackets'],
  ['dstpackets', 'dstPackets'],
]);

/** A word that can only have been meant as an address or network. */
function looksLikeAddress(word: string): boolean {
  return /^[0-9a-fA-F:.]+(\/.*)?$/.test(word) && /[.:]/.test(word.split('/')[0]);
}

/** The keyword a bare value word belongs to (`gre` → `proto`), or null. */
function keywordFor(word: string): string | null {
  if (PROTOCOL_BY_NAME.has(word)) return 'proto';
  if (TUNNEL_TYPES.includes(word)) return 'tunnel';
  if (END_REASON_NAMES.includes(word)) return 'reason';
  if (word === 'active' || word === 'ended') return 'state';
  if (SERVICE_PORTS.has(word)) return 'port';
  return null;
}

function shown(tok: Token): string {
  return tok.kind === 'end' ? 'the end of the filter' : `'${tok.text}'`;
}

/** ", found 'x'" naming what stands where something else was expected ("" at the end). */
function found(tok: Token): string {
  return tok.kind === 'end' ? '' : `, found ${shown(tok)}`;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }
  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'end') this.i++;
    return t;
  }
  private peekWord(): string | null {
    const t = this.peek();
    return t.kind === 'word' ? t.text.toLowerCase() : null;
  }

  filter(): FilterNode {
    if (this.peek().kind === 'end') return { kind: 'all' };
    const node = this.or();
    const t = this.peek();
    if (t.kind === 'rparen') {
      throw new FilterSyntaxError(`unexpected ')' at ${t.start} without a matching '('`, t.start, 1, []);
    }
    if (t.kind !== 'end') throw this.missingJoin(t, ['and', 'or']);
    return node;
  }

  private missingJoin(t: Token, suggestions: string[]): FilterSyntaxError {
    return new FilterSyntaxError(
      `expected 'and' or 'or' before ${shown(t)} at ${t.start} (terms are not joined implicitly)`,
      t.start,
      t.end - t.start,
      suggestions,
    );
  }

  private or(): FilterNode {
    const children: FilterNode[] = [];
    for (;;) {
      const c = this.and();
      if (c.kind === 'or') children.push(...c.children);
      else children.push(c);
      if (this.peek().kind !== 'or') break;
      this.next();
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  private and(): FilterNode {
    const children: FilterNode[] = [];
    for (;;) {
      const c = this.unary();
      if (c.kind === 'and') children.push(...c.children);
      else children.push(c);
      if (this.peek().kind !== 'and') break;
      this.next();
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  private enter(t: Token): void {
    if (++this.depth > FILTER_MAX_DEPTH) {
      throw new FilterSyntaxError(
        `filter nests too deeply at ${t.start}: at most ${FILTER_MAX_DEPTH} levels of parentheses and 'not'`,
        t.start,
        t.end - t.start,
      );
    }
  }

  private unary(): FilterNode {
    const t = this.peek();
    if (t.kind === 'not') {
      this.enter(this.next());
      const child = this.unary();
      this.depth--;
      return { kind: 'not', child };
    }
    if (t.kind === 'lparen') {
      this.enter(this.next());
      const node = this.or();
      const close = this.peek();
      if (close.kind !== 'rparen') {
        if (close.kind === 'end') {
          throw new FilterSyntaxError(
            `missing ')' at ${close.start} to close the '(' at ${t.start}`,
            close.start,
            0,
            [')'],
          );
        }
        throw this.missingJoin(close, ['and', 'or', ')']);
      }
      this.next();
      this.depth--;
      return node;
    }
    if (t.kind === 'word') return this.primitive();
    throw this.expectedTerm(t);
  }

  private expectedTerm(t: Token): FilterSyntaxError {
    const prev = this.i > 0 ? this.tokens[this.i - 1] : null;
    const where = prev ? `after '${prev.text}' ` : '';
    return new FilterSyntaxError(
      `expected a primitive such as host, net, port or proto ${where}at ${t.start}` + found(t),
      t.start,
      t.end - t.start,
      [...TERM_STARTS],
    );
  }

  /** The word after `after`, or an error naming `what` was expected there. */
  private value(after: Token, what: string, suggestions: readonly string[] = []): Token {
    const t = this.peek();
    if (t.kind === 'word') return this.next();
    throw new FilterSyntaxError(
      `expected ${what} after '${after.text}' at ${t.start}` + found(t),
      t.start,
      t.end - t.start,
      [...suggestions],
    );
  }

  private primitive(): FilterNode {
    const kwTok = this.next();
    const kw = kwTok.text.toLowerCase();
    switch (kw) {
      case 'src':
      case 'dst':
        return this.qualified(kwTok, kw);
      case 'host':
      case 'net':
      case 'port':
      case 'portrange':
        return this.directed(kwTok, 'any');
      case 'proto': {
        const v = this.value(kwTok, 'a protocol name or number', ['tcp', 'udp', 'icmp', 'icmp6', 'sctp']);
        return { kind: 'proto', proto: parseProto(v) };
      }
      case 'tcp':
      case 'udp':
      case 'sctp':
      case 'icmp':
      case 'icmp6':
      case 'icmpv6':
        return this.protoShorthand(kw);
      case 'ip':
      case 'ip4':
        return { kind: 'family', version: 4 };
      case 'ip6':
        return { kind: 'family', version: 6 };
      case 'vlan':
        return this.vlan();
      case 'tunnel':
        return this.tunnel();
      case 'state': {
        const v = this.value(kwTok, "'active' or 'ended'", ['active', 'ended']);
        const s = v.text.toLowerCase();
        if (s === 'active' || s === 'ended') return { kind: 'state', state: s };
        throw this.badChoice(v, 'flow state', ['active', 'ended']);
      }
      case 'reason': {
        const v = this.value(kwTok, 'an end reason', END_REASON_NAMES);
        const r = v.text.toLowerCase();
        if (END_REASON_NAMES.includes(r)) return { kind: 'reason', reason: r as EndReason };
        throw this.badChoice(v, 'end reason', END_REASON_NAMES);
      }
      case 'cid':
      case 'communityid':
        return this.communityId(kwTok);
    }
    const field = COMPARE_FIELDS.get(kw);
    if (field) return this.compare(kwTok, field);
    if (looksLikeAddress(kwTok.text)) return this.addressShorthand(kwTok, 'any');
    if (/^\d+$/.test(kwTok.text)) {
      throw new FilterSyntaxError(
        `unexpected number '${kwTok.text}' at ${kwTok.start} — did you mean 'port ${kwTok.text}'?`,
        kwTok.start,
        kwTok.text.length,
        [`port ${kwTok.text}`],
      );
    }
    const prefixed = keywordFor(kw);
    if (prefixed !== null) {
      throw new FilterSyntaxError(
        `unknown keyword '${kwTok.text}' at ${kwTok.start} — did you mean '${prefixed} ${kw}'?`,
        kwTok.start,
        kwTok.text.length,
        [`${prefixed} ${kw}`],
      );
    }
    const near = closest(kwTok.text, PRIMITIVE_KEYWORDS);
    throw new FilterSyntaxError(
      `unknown keyword '${kwTok.text}' at ${kwTok.start}` +
        (near.length > 0 ? didYouMean(near) : '; expected a primitive such as host, net, port or proto'),
      kwTok.start,
      kwTok.text.length,
      near.length > 0 ? near : [...TERM_STARTS],
    );
  }

  private badChoice(v: Token, what: string, choices: readonly string[]): FilterSyntaxError {
    const near = closest(v.text, choices);
    return new FilterSyntaxError(
      `unknown ${what} '${v.text}' at ${v.start}` +
        (near.length > 0 ? didYouMean(near) : `; expected one of ${choices.join(', ')}`),
      v.start,
      v.text.length,
      near.length > 0 ? near : [...choices],
    );
  }

  /** After `src`/`dst`. */
  private qualified(dirTok: Token, dir: 'src' | 'dst'): FilterNode {
    const t = this.peek();
    const w = this.peekWord();
    if (w === 'host' || w === 'net' || w === 'port' || w === 'portrange')
      return this.directed(this.next(), dir);
    if (w === 'bytes' || w === 'packets') {
      // `src bytes` is `srcbytes`.
      return this.compare(this.next(), COMPARE_FIELDS.get(dir + w) ?? 'bytes');
    }
    if (w !== null && looksLikeAddress(t.text)) return this.addressShorthand(this.next(), dir);
    const near = w === null ? [...QUALIFIED_KEYWORDS] : closest(t.text, QUALIFIED_KEYWORDS);
    throw new FilterSyntaxError(
      `expected host, net, port, portrange, bytes, packets or an address after '${dirTok.text}' at ${t.start}` +
        found(t),
      t.start,
      t.end - t.start,
      near.length > 0 ? near : [...QUALIFIED_KEYWORDS],
    );
  }

  /** `host`/`net`/`port`/`portrange` (the keyword already taken) with a direction. */
  private directed(kwTok: Token, dir: Direction): FilterNode {
    const kw = kwTok.text.toLowerCase();
    switch (kw) {
      case 'host': {
        const v = this.value(kwTok, 'an address');
        if (v.text.includes('/')) {
          throw new FilterSyntaxError(
            `'host' takes one address, not the network '${v.text}', at ${v.start} — did you mean 'net ${v.text}'?`,
            v.start,
            v.text.length,
          );
        }
        if (isKeyword(v.text)) {
          throw new FilterSyntaxError(
            `expected an address after '${kwTok.text}' at ${v.start}, found '${v.text}'`,
            v.start,
            v.text.length,
          );
        }
        const a = parseAddressText(v.text, v.start);
        return { kind: 'host', dir, address: a.text, version: a.version };
      }
      case 'net':
        return this.net(kwTok, dir);
      case 'port': {
        const v = this.value(kwTok, 'a port number');
        return { kind: 'port', dir, port: parsePort(v, kwTok.text) };
      }
      default: {
        const v = this.value(kwTok, 'a port range like 1024-65535');
        return { kind: 'portrange', dir, ...parsePortRange(v, kwTok.text) };
      }
    }
  }

  private net(kwTok: Token, dir: Direction): FilterNode {
    const v = this.value(kwTok, 'a network like 10.0.0.0/8');
    if (isKeyword(v.text)) {
      throw new FilterSyntaxError(
        `expected a network like 10.0.0.0/8 after '${kwTok.text}' at ${v.start}, found '${v.text}'`,
        v.start,
        v.text.length,
      );
    }
    if (v.text.includes('/')) {
      const n = parseCidr(v);
      return { kind: 'net', dir, address: n.text, version: n.version, prefix: n.prefix };
    }
    if (this.peekWord() === 'mask') {
      const maskKw = this.next();
      const m = this.value(maskKw, 'a netmask like 255.255.0.0');
      const n = parseMasked(v, m);
      return { kind: 'net', dir, address: n.text, version: n.version, prefix: n.prefix };
    }
    const a = parseAddressText(v.text, v.start);
    const hint = a.version === 4 ? `${a.text}/24 or '${a.text} mask 255.255.255.0'` : `${a.text}/64`;
    throw new FilterSyntaxError(
      `missing prefix length after network '${v.text}' at ${v.end} (write it as ${hint})`,
      v.end,
      0,
      ['/'],
    );
  }

  /** A bare address (a host) or CIDR network (a net), as tcpdump takes `src 10.0.0.1`. */
  private addressShorthand(v: Token, dir: Direction): FilterNode {
    if (v.text.includes('/')) {
      const n = parseCidr(v);
      return { kind: 'net', dir, address: n.text, version: n.version, prefix: n.prefix };
    }
    const a = parseAddressText(v.text, v.start);
    return { kind: 'host', dir, address: a.text, version: a.version };
  }

  /** `tcp`, `udp`, …; `tcp port 80` is tcpdump's `tcp and port 80`. */
  private protoShorthand(kw: string): FilterNode {
    const proto: FilterNode = { kind: 'proto', proto: SHORTHAND_PROTOS.get(kw) ?? 0 };
    if (!PORT_PROTOS.has(kw)) return proto;
    const w = this.peekWord();
    const w2 = this.peek(1).kind === 'word' ? this.peek(1).text.toLowerCase() : null;
    const isPort = (x: string | null): boolean => x === 'port' || x === 'portrange';
    if (isPort(w)) return { kind: 'and', children: [proto, this.directed(this.next(), 'any')] };
    if ((w === 'src' || w === 'dst') && isPort(w2)) {
      this.next();
      return { kind: 'and', children: [proto, this.directed(this.next(), w)] };
    }
    return proto;
  }

  private vlan(): FilterNode {
    const t = this.peek();
    if (t.kind !== 'word' || isKeyword(t.text)) return { kind: 'vlan', vlan: null };
    this.next();
    if (!/^\d+$/.test(t.text)) {
      throw new FilterSyntaxError(
        `expected a VLAN id (0-4095) after 'vlan' at ${t.start}, found '${t.text}'`,
        t.start,
        t.text.length,
      );
    }
    return { kind: 'vlan', vlan: parseVlan(t) };
  }

  private tunnel(): FilterNode {
    const t = this.peek();
    if (t.kind !== 'word') return { kind: 'tunnel', type: null };
    const w = t.text.toLowerCase();
    const type = TUNNEL_TYPES.includes(w) ? w : TUNNEL_ALIASES.get(w);
    if (type !== undefined) {
      this.next();
      return { kind: 'tunnel', type };
    }
    if (isKeyword(w)) return { kind: 'tunnel', type: null };
    this.next();
    throw this.badChoice(t, 'tunnel type', TUNNEL_TYPES);
  }

  private compare(fieldTok: Token, field: CompareField): FilterNode {
    const opTok = this.peek();
    if (opTok.kind !== 'op') {
      throw new FilterSyntaxError(
        `expected a comparison operator (${COMPARE_OPS.join(' ')}) after '${fieldTok.text}' at ${opTok.start}` +
          found(opTok),
        opTok.start,
        opTok.end - opTok.start,
        [...COMPARE_OPS],
      );
    }
    this.next();
    const op = (opTok.text === '==' ? '=' : opTok.text) as CompareOp;
    const v = this.value(opTok, quantityName(field));
    return { kind: 'compare', field, op, value: parseQuantity(v, field, opTok.text) };
  }

  /** The value may end in '=' (base64 padding), which the lexer reads as an operator. */
  private communityId(kwTok: Token): FilterNode {
    const v = this.value(kwTok, "a Community ID like '1:LQU9qZlK+B5F3KDmev6m5PMibrg='");
    let end = v.end;
    let text = v.text;
    for (
      let t = this.peek();
      t.kind === 'op' && t.start === end && (t.text === '=' || t.text === '==');
      t = this.peek()
    ) {
      text += t.text;
      end = t.end;
      this.next();
    }
    return { kind: 'cid', communityId: parseCommunityId(text, v.start) };
  }
}
