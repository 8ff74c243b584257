import t from 'tap';
import { Permutation, formatAddress, hostAddress, Block, inAllowedRange } from '../../src/gen/addresses.js';
import { crc32c, finishChecksum, sumWords } from '../../src/gen/checksum.js';
import { tsUnitsPair } from '../../src/gen/pcapng-writer.js';
import { resolveOptions } from '../../src/gen/options.js';
import { Rng } from '../../src/gen/random.js';
import { formatTime } from '../../src/gen/truth.js';

t.test('permutations are bijections', async (t) => {
  for (const bits of [4, 9, 12]) {
    const p = new Permutation(bits, 12345);
    const seen = new Set<number>();
    for (let i = 0; i < p.size; i++) seen.add(p.map(i));
    t.equal(seen.size, p.size, `${bits} bits`);
    t.ok([...seen].every((x) => x >= 0 && x < p.size));
  }
});

t.test('addresses: RFC 5952 text, allowed blocks only', async (t) => {
  const a = new Uint8Array(16);
  a.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x32, 0x43]);
  t.equal(formatAddress(a), '2001:db8:0:1::3243');
  t.equal(formatAddress(Uint8Array.of(198, 18, 0, 1)), '198.18.0.1');
  const z = new Uint8Array(16);
  t.equal(formatAddress(z), '::');
  for (const block of [Block.Client, Block.Server, Block.Router, Block.Tunnel, Block.Quoted]) {
    for (const i of [0, 253, 254, 16000]) {
      const v4 = new Uint8Array(4);
      const v6 = new Uint8Array(16);
      hostAddress(v4, false, block, i);
      hostAddress(v6, true, block, i);
      t.ok(inAllowedRange(v4) && inAllowedRange(v6), formatAddress(v4));
      t.not(v4[3], 0);
      t.not(v4[3], 255);
    }
  }
});

t.test('checksums', async (t) => {
  // RFC 1071 section 3 example: words 0001 f203 f4f5 f6f7 sum to ddf2 (folded)
  const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
  t.equal(finishChecksum(sumWords(b, 0, 8)), ~0xddf2 & 0xffff);
  t.equal(crc32c(Buffer.from('123456789'), 0, 9), 0xe3069283);
});

t.test('pcapng timestamps are exact in every unit', async (t) => {
  for (const [sec, ns] of [
    [1735689600, 123456789],
    [4102444799, 999999999],
    [0, 1],
  ]) {
    for (const res of [3, 6, 9]) {
      const v = (BigInt(sec) * 10n ** BigInt(res) + BigInt(ns) / 10n ** BigInt(9 - res)) as bigint;
      const [hi, lo] = tsUnitsPair(sec, ns, res);
      t.equal(BigInt(hi) * 4294967296n + BigInt(lo), v, `${sec}.${ns} at 1e-${res}`);
    }
  }
});

t.test('truth times', async (t) => {
  t.equal(formatTime(1735689600000, 1500, 9), '1735689600.000001500');
  t.equal(formatTime(1735689600250, 1_999_000_000, 6), '1735689602.249000');
});

t.test('random streams are reproducible and independent', async (t) => {
  const a = new Rng(7, 1);
  const b = new Rng(7, 1);
  const c = new Rng(7, 2);
  const xs = Array.from({ length: 5 }, () => a.u32());
  t.same(
    Array.from({ length: 5 }, () => b.u32()),
    xs,
  );
  t.not(c.u32(), xs[0]);
  b.reseed(7, 1);
  t.equal(b.u32(), xs[0]);
});

t.test('option validation: one clear message each', async (t) => {
  const bad: [object, RegExp][] = [
    [{ flows: 0 }, /flows must be an integer/],
    [{ packets: 1.5 }, /packets must be an integer/],
    [{ format: 'pcapx' }, /format must be one of pcap, pcapng/],
    [{ link: 'ppp' }, /link must be one of/],
    [{ tsResolution: 'ms' }, /ms needs pcapng/],
    [{ interfaces: [{ link: 'raw' }] }, /several interfaces need format pcapng/],
    [{ format: 'pcapng', interfaces: [] }, /interfaces must not be empty/],
    [{ outOfOrder: 1.5 }, /outOfOrder must be a number from 0 to 1/],
    [{ maxGapSec: 0 }, /maxGapSec must be a number above 0/],
    [{ startMs: -1 }, /start must be an integer epoch ms/],
    [{ mix: { kinds: { tcp: 0 } } }, /mix.kinds needs at least one positive weight/],
    [{ mix: { kinds: { quic: 1 } } }, /unknown 'quic'/],
    [{ mix: { otherProtocols: [6] } }, /otherProtocols: 6 is not usable/],
  ];
  for (const [o, re] of bad) {
    t.throws(() => resolveOptions(o as never), { code: 'BAD_ARGUMENT', message: re }, JSON.stringify(o));
  }
  t.equal(resolveOptions({}).interfaces[0].link, 'ethernet');
});
