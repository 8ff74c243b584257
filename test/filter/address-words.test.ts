import t from 'tap';
import { formatAddress, parseAddress } from '../../src/flow/address.js';
import { parseAddressWords } from '../../src/filter/address-words.js';
import { Rng } from './helpers/random.js';

function toWords(b: Uint8Array): number[] {
  const w = [0, 0, 0, 0];
  for (let i = 0; i < b.length; i++) w[i >> 2] = (w[i >> 2] | (b[i] << (24 - (i & 3) * 8))) >>> 0;
  return w;
}

function parsed(text: string): { version: number; words: number[] } {
  const out = new Uint32Array(4);
  const version = parseAddressWords(text, out);
  return { version, words: version === 0 ? [] : [...out] };
}

function randomBytes(rng: Rng, v6: boolean): Uint8Array {
  const b = new Uint8Array(v6 ? 16 : 4);
  for (let i = 0; i < b.length; i++) b[i] = rng.chance(0.4) ? 0 : rng.int(256);
  if (v6 && rng.chance(0.2)) b.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]); // IPv4-mapped
  return b;
}

t.test('reads every address formatAddress writes, and its non-canonical spellings', async (t) => {
  const rng = new Rng(1);
  let n = 0;
  for (let i = 0; i < 20_000; i++) {
    const b = randomBytes(rng, rng.chance(0.6));
    const text = formatAddress(b);
    const want = { version: b.length === 4 ? 4 : 6, words: toWords(b) };
    const spellings = [text, text.toUpperCase()];
    if (b.length === 16) {
      const groups = Array.from({ length: 8 }, (_, g) => ((b[2 * g] << 8) | b[2 * g + 1]).toString(16));
      spellings.push(groups.join(':'), groups.map((g) => g.padStart(4, '0')).join(':'));
      spellings.push(`${groups.slice(0, 6).join(':')}:${b[12]}.${b[13]}.${b[14]}.${b[15]}`);
    } else {
      spellings.push([...b].map((x) => String(x).padStart(3, '0')).join('.'));
    }
    for (const s of spellings) {
      const got = parsed(s);
      if (got.version !== want.version || got.words.join() !== want.words.join()) {
        t.same(got, want, s);
        return;
      }
      n++;
    }
  }
  t.pass(`${n} spellings read back exactly`);
});

const CASES: [string, boolean][] = [
  ['::', true],
  ['::1', true],
  ['1::', true],
  ['1:2:3:4:5:6:7::', true],
  ['::2:3:4:5:6:7:8', true],
  ['1:2:3:4:5:6:7:8', true],
  ['1:2:3:4:5:6:1.2.3.4', true],
  ['::ffff:1.2.3.4', true],
  ['::1.2.3.4', true],
  ['0.0.0.0', true],
  ['255.255.255.255', true],
  ['', false],
  [':', false],
  [':::', false],
  [':1::', false],
  ['1:::2', false],
  ['1::2::3', false],
  ['1:2:3:4:5:6:7:8:9', false],
  ['1:2:3:4:5:6:7', false],
  ['1:2:3:4:5:6:7:8::', false],
  ['12345::', false],
  ['1:', false],
  ['g::', false],
  ['256.0.0.0', false],
  ['1.2.3', false],
  ['1.2.3.4.5', false],
  ['1.2.3.4::', false],
  ['::1.2.3', false],
  ['::1.2.3.256', false],
  ['1:2:3:4:5:6:7:1.2.3.4', false],
  ['::ffff:1.2.3.4:5', false],
  ['1.2.3.4 ', false],
  ['fe80::1%eth0', false],
  ['0001.2.3.4', false],
  ['::11111.2.3.4', false],
];

t.test('valid and invalid forms', async (t) => {
  for (const [text, valid] of CASES) {
    t.equal(parsed(text).version !== 0, valid, JSON.stringify(text));
    t.equal(parseAddress(text) !== null, valid, `parseAddress agrees on ${JSON.stringify(text)}`);
  }
});

t.test('agrees with parseAddress on mutated addresses', async (t) => {
  const rng = new Rng(9);
  const alphabet = '0123456789abcdefABCDEF:::...g';
  let agreed = 0;
  let valid = 0;
  for (let i = 0; i < 100_000; i++) {
    let s = formatAddress(randomBytes(rng, rng.chance(0.6)));
    for (let m = rng.int(3); m > 0; m--) {
      const at = rng.int(s.length + 1);
      const c = alphabet[rng.int(alphabet.length)];
      const op = rng.int(3);
      s = s.slice(0, at) + (op === 2 ? '' : c) + s.slice(op === 0 ? at : at + 1);
    }
    const mine = parsed(s);
    const theirs = parseAddress(s);
    if ((mine.version !== 0) === (theirs !== null)) {
      if (theirs && mine.words.join() !== toWords(theirs).join()) {
        t.fail(`different words for ${s}`);
        return;
      }
      agreed++;
      if (theirs) valid++;
      continue;
    }
    t.fail(`disagree on ${JSON.stringify(s)}: mine ${mine.version}, parseAddress ${theirs ? 'ok' : 'null'}`);
    return;
  }
  t.equal(agreed, 100_000, `all agree (${valid} valid)`);
});
