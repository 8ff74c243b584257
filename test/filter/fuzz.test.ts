import t, { type Test } from 'tap';
import { FlowCursor } from '../../src/flow/batch.js';
import { decodeFlow } from '../../src/flow/batch.js';
import {
  compileFilter,
  FILTER_MAX_LENGTH,
  formatFilter,
  isFilterSyntaxError,
  parseFilter,
} from '../../src/filter/index.js';
import { randomFilter } from './helpers/filters.js';
import { Rng } from './helpers/random.js';
import { randomBatch } from './helpers/records.js';

const batch = randomBatch(64, 77);
const cursor = new FlowCursor(batch);
const records = Array.from({ length: batch.count }, (_, i) => decodeFlow(batch, i));

const show = (text: string): string =>
  JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…(${text.length} characters)` : text);

interface Outcome {
  ok: number;
  errors: number;
  slowestMs: number;
}

/**
 * Parsing is linear (no backtracking): anything near this per filter would be a bug, not a GC
 * pause or a busy machine.
 */
const SLOW_MS = 500;

/** Parses, and when that works compiles and matches; any throw but FilterSyntaxError fails the test. */
function attempt(t: Test, text: string, out: Outcome): boolean {
  const t0 = performance.now();
  try {
    const ast = parseFilter(text);
    const canonical = formatFilter(ast);
    if (canonical.length > 2.5 * text.length) {
      t.fail(`canonical text of ${show(text)} is ${canonical.length} characters`);
      return false;
    }
    if (formatFilter(parseFilter(canonical, { maxLength: 3 * FILTER_MAX_LENGTH })) !== canonical) {
      t.fail(`canonical text does not round-trip: ${show(text)} -> ${JSON.stringify(canonical)}`);
      return false;
    }
    const f = compileFilter(ast);
    for (let i = 0; i < batch.count; i++) {
      if (f.matchBatch(cursor, i) !== f.matchRecord(records[i])) {
        t.fail(`matchers disagree on ${show(text)}, flow ${i}`);
        return false;
      }
    }
    out.ok++;
  } catch (e) {
    if (!isFilterSyntaxError(e)) {
      t.fail(`${show(text)} threw ${String(e)}`);
      return false;
    }
    const inside = e.position >= 0 && e.length >= 0 && e.position + e.length <= Math.max(text.length, 0);
    if (!inside || !e.message.includes(` at ${e.position}`)) {
      t.fail(`${show(text)}: bad error position ${e.position}+${e.length} in "${e.message}"`);
      return false;
    }
    out.errors++;
  }
  out.slowestMs = Math.max(out.slowestMs, performance.now() - t0);
  return true;
}

const PIECES = [
  'host',
  'net',
  'port',
  'portrange',
  'src',
  'dst',
  'proto',
  'tcp',
  'udp',
  'icmp',
  'icmp6',
  'ip',
  'ip6',
  'vlan',
  'tunnel',
  'vxlan',
  'state',
  'active',
  'reason',
  'fin',
  'bytes',
  'packets',
  'duration',
  'cid',
  'mask',
  'and',
  'or',
  'not',
  '&&',
  '||',
  '!',
  '(',
  ')',
  '>',
  '>=',
  '<',
  '<=',
  '=',
  '==',
  '!=',
  '1M',
  '5s',
  '2m',
  '10k',
  '198.18.0.1',
  '198.18.0.0/15',
  '2001:db8::/32',
  '::ffff:1.2.3.4',
  '255.255.0.0',
  '443',
  '80',
  '1-1024',
  '70000',
  '/',
  '-',
  ':',
  '.',
  '1:LQU9qZlK+B5F3KDmev6m5PMibrg=',
  '',
  ' ',
  '\t',
  'é',
  '\u0000',
  '😀',
  '&',
  '|',
  '#',
];

t.test('random token soup: only FilterSyntaxError, with a position inside the text, fast', async (t) => {
  const rng = new Rng(123);
  const out: Outcome = { ok: 0, errors: 0, slowestMs: 0 };
  for (let i = 0; i < 20_000; i++) {
    const n = 1 + rng.int(12);
    const parts: string[] = [];
    for (let k = 0; k < n; k++) parts.push(rng.pick(PIECES));
    if (!attempt(t, parts.join(rng.chance(0.8) ? ' ' : ''), out)) return;
  }
  t.ok(out.ok > 100, `${out.ok} parsed, ${out.errors} rejected`);
  t.ok(out.slowestMs < SLOW_MS, `slowest ${out.slowestMs.toFixed(2)} ms`);
});

t.test('random characters: only FilterSyntaxError', async (t) => {
  const rng = new Rng(5);
  const out: Outcome = { ok: 0, errors: 0, slowestMs: 0 };
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    const n = rng.int(40);
    for (let k = 0; k < n; k++)
      s += String.fromCharCode(rng.chance(0.9) ? 0x20 + rng.int(0x5f) : rng.int(0x10000));
    if (!attempt(t, s, out)) return;
  }
  t.ok(
    out.slowestMs < SLOW_MS,
    `${out.ok} parsed, ${out.errors} rejected; slowest ${out.slowestMs.toFixed(2)} ms`,
  );
});

t.test('mutated valid filters: only FilterSyntaxError, fast', async (t) => {
  const rng = new Rng(99);
  const cids = records.map((r) => r.communityId);
  const out: Outcome = { ok: 0, errors: 0, slowestMs: 0 };
  const alphabet = 'abcdefhlnoprstx0123456789:./-()!&|<>= ';
  for (let i = 0; i < 10_000; i++) {
    let s = formatFilter(randomFilter(rng, cids));
    for (let m = 1 + rng.int(3); m > 0; m--) {
      const at = rng.int(s.length + 1);
      switch (rng.int(4)) {
        case 0: // insert
          s = s.slice(0, at) + alphabet[rng.int(alphabet.length)] + s.slice(at);
          break;
        case 1: // delete
          s = s.slice(0, at) + s.slice(at + 1);
          break;
        case 2: // replace
          s = s.slice(0, at) + alphabet[rng.int(alphabet.length)] + s.slice(at + 1);
          break;
        default: {
          // drop or duplicate a word
          const words = s.split(' ');
          const w = rng.int(words.length);
          if (rng.chance(0.5)) words.splice(w, 1);
          else words.splice(w, 0, words[w]);
          s = words.join(' ');
        }
      }
    }
    if (!attempt(t, s, out)) return;
  }
  t.ok(out.ok > 500 && out.errors > 500, `${out.ok} parsed, ${out.errors} rejected`);
  t.ok(out.slowestMs < SLOW_MS, `slowest ${out.slowestMs.toFixed(2)} ms`);
});

t.test('pathological sizes finish fast', async (t) => {
  const out: Outcome = { ok: 0, errors: 0, slowestMs: 0 };
  const big = [
    '('.repeat(FILTER_MAX_LENGTH),
    '!'.repeat(FILTER_MAX_LENGTH),
    'x'.repeat(FILTER_MAX_LENGTH),
    '1'.repeat(FILTER_MAX_LENGTH),
    `bytes > ${'9'.repeat(FILTER_MAX_LENGTH - 8)}`,
    `duration > 0.${'1'.repeat(FILTER_MAX_LENGTH - 15)}ms`,
    `host ${':'.repeat(FILTER_MAX_LENGTH - 5)}`,
    `hots${'t'.repeat(FILTER_MAX_LENGTH - 4)}`,
    'tcp and '.repeat(511) + 'tcp',
    'not (tcp) or '.repeat(300) + 'udp',
    ' '.repeat(FILTER_MAX_LENGTH),
    '('.repeat(FILTER_MAX_LENGTH + 1),
  ];
  for (const s of big) if (!attempt(t, s, out)) return;
  t.ok(out.slowestMs < SLOW_MS, `slowest ${out.slowestMs.toFixed(2)} ms`);
});
