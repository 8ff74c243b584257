import { FilterSyntaxError } from './errors.js';

export type TokenKind = 'word' | 'and' | 'or' | 'not' | 'lparen' | 'rparen' | 'op' | 'end';

export interface Token {
  kind: TokenKind;
  /** Source text as typed. */
  text: string;
  start: number;
  end: number;
}

/** Characters of words: keywords, numbers, addresses, networks, ranges, base64. */
function isWordChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x3a) || // 0-9 :
    c === 0x2e || // .
    c === 0x2f || // /
    c === 0x2d || // -
    c === 0x5f || // _
    c === 0x2b // +
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// Maps, not object literals: a word such as 'constructor' must not find Object.prototype.
const COMBINATOR_WORDS = new Map<string, TokenKind>([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
]);
const MISSPELT_OPS = new Map([
  ['=>', '>='],
  ['=<', '<='],
  ['<>', '!='],
]);

/** Splits a filter into tokens, ending with one `end` token at the filter's length. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: text.slice(start, end), start, end });
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isWordChar(c)) {
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      push(COMBINATOR_WORDS.get(text.slice(start, i).toLowerCase()) ?? 'word', start, i);
      continue;
    }
    const next = i + 1 < n ? text[i + 1] : '';
    switch (text[i]) {
      case '(':
        push('lparen', start, ++i);
        continue;
      case ')':
        push('rparen', start, ++i);
        continue;
      case '&':
        if (next !== '&') throw unexpected(text, i, ['&&', 'and'], " — did you mean '&&'?");
        i += 2;
        push('and', start, i);
        continue;
      case '|':
        if (next !== '|') throw unexpected(text, i, ['||', 'or'], " — did you mean '||'?");
        i += 2;
        push('or', start, i);
        continue;
      case '!':
        if (next === '=') {
          i += 2;
          push('op', start, i);
        } else push('not', start, ++i);
        continue;
      case '<':
      case '>':
      case '=': {
        const pair = text[i] + next;
        const meant = MISSPELT_OPS.get(pair);
        if (meant) {
          throw new FilterSyntaxError(`unknown operator '${pair}' at ${i} — did you mean '${meant}'?`, i, 2, [
            meant,
          ]);
        }
        i += next === '=' ? 2 : 1;
        push('op', start, i);
        continue;
      }
      default:
        throw unexpected(text, i, [], '');
    }
  }
  tokens.push({ kind: 'end', text: '', start: n, end: n });
  return tokens;
}

function unexpected(text: string, at: number, suggestions: string[], hint: string): FilterSyntaxError {
  const cp = text.codePointAt(at) ?? 0;
  const ch = String.fromCodePoint(cp);
  const shown = cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${ch}'`;
  return new FilterSyntaxError(`unexpected character ${shown} at ${at}${hint}`, at, ch.length, suggestions);
}
