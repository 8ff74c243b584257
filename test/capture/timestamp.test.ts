import t from 'tap';
import { TimestampConverter } from '../../src/capture/timestamp.js';
import { Rng } from './helpers/bytes.js';

/** The reference: exact BigInt arithmetic, sub-nanosecond fractions truncated. */
function expected(ticks: bigint, tsresol: number, offset: bigint): [number, number] {
  const n = BigInt(tsresol & 0x7f);
  const perSec = (tsresol & 0x80) !== 0 ? 1n << n : 10n ** n;
  const sec = ticks / perSec + offset;
  const nsec = ((ticks % perSec) * 1_000_000_000n) / perSec;
  return [Number(sec), Number(nsec)];
}

function convert(c: TimestampConverter, ticks: bigint): [number, number] {
  c.convert(Number(ticks >> 32n), Number(ticks & 0xffffffffn));
  return [c.sec, c.nsec];
}

const MAX64 = (1n << 64n) - 1n;
const NOW_NS = 1_767_663_089_500_330_493n;

const resolutions = [
  ...Array.from({ length: 20 }, (_, n) => n), // 10^-0 .. 10^-19
  20,
  21,
  28,
  29,
  30,
  127,
  ...[1, 2, 10, 16, 20, 24, 30, 31, 32, 33, 40, 47, 48, 52, 60, 63, 64, 65, 80, 90, 93, 94, 100, 127].map(
    (n) => 0x80 | n,
  ),
];

t.test('edge values for every resolution match BigInt', async (t) => {
  const c = new TimestampConverter();
  const values = [
    0n,
    1n,
    999_999n,
    1_000_000n,
    1_000_000_000n - 1n,
    (1n << 32n) - 1n,
    1n << 32n,
    (1n << 53n) - 1n,
    1n << 53n,
    (1n << 53n) + 1n,
    NOW_NS,
    NOW_NS / 1000n,
    MAX64 - 1n,
    MAX64,
  ];
  for (const r of resolutions) {
    c.configure(r, 0);
    for (const v of values) {
      const [sec, nsec] = expected(v, r, 0n);
      const got = convert(c, v);
      if (got[0] !== sec || got[1] !== nsec)
        t.fail(`tsresol 0x${r.toString(16)} value ${v}: ${got} != ${sec},${nsec}`);
    }
  }
  t.pass('all edge values exact');
});

t.test('random 64-bit values for every resolution match BigInt', async (t) => {
  const rng = new Rng(12345);
  const c = new TimestampConverter();
  let checked = 0;
  for (const r of resolutions) {
    c.configure(r, 0);
    for (let i = 0; i < 3000; i++) {
      // Mix full-range values with realistic ones (below 2^61, the region of ns since 1970).
      const hi = i % 2 === 0 ? rng.next() : rng.next() >>> 3;
      const v = (BigInt(hi) << 32n) | BigInt(rng.next());
      const [sec, nsec] = expected(v, r, 0n);
      const got = convert(c, v);
      if (got[0] !== sec || got[1] !== nsec) {
        t.fail(`tsresol 0x${r.toString(16)} value ${v}: ${got} != ${sec},${nsec}`);
        return;
      }
      checked++;
    }
  }
  t.ok(checked > 100_000, `${checked} conversions exact`);
});

t.test('values just below and at multiples of the unit per second (rounding traps)', async (t) => {
  const c = new TimestampConverter();
  for (const r of [3, 6, 9]) {
    c.configure(r, 0);
    const per = 10n ** BigInt(r);
    for (const k of [1n, 1_700_000_000n, 4_000_000_000n, 9_000_000_000n, 18_000_000_000n]) {
      for (const d of [-1n, 0n, 1n]) {
        const v = k * per + d;
        if (v > MAX64) continue;
        t.same(convert(c, v), expected(v, r, 0n), `10^-${r} ${v}`);
      }
    }
  }
});

t.test('if_tsoffset is added to the seconds, negative offsets too', async (t) => {
  const c = new TimestampConverter();
  for (const [r, off] of [
    [6, 1_000_000_000n],
    [9, -3600n],
    [0x80 | 20, 86400n],
    [12, 7n],
  ] as const) {
    c.configure(r, Number(off));
    for (const v of [0n, 123_456_789n, NOW_NS])
      t.same(convert(c, v), expected(v, r, off), `0x${r.toString(16)} ${v}`);
  }
});

t.test('the default resolution is microseconds', async (t) => {
  const c = new TimestampConverter();
  t.same(convert(c, 1_700_000_000_123_456n), [1_700_000_000, 123_456_000]);
});

t.test('conversion allocates nothing', async (t) => {
  const c = new TimestampConverter(9, 0);
  let acc = 0;
  // The smallest growth of three rounds: the first round runs while the JIT is still warming
  // up and a collection may land in any round, but allocating code grows the heap in all three.
  let grew = Infinity;
  for (let round = 0; round < 3; round++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 2_000_000; i++) {
      c.convert(0x17a0_0000 + (i & 0xff), i >>> 0);
      acc += c.nsec;
    }
    grew = Math.min(grew, process.memoryUsage().heapUsed - before);
  }
  t.ok(acc > 0);
  // 2M conversions allocating even 16 bytes each would add 32 MB.
  t.ok(grew < 8 * 1024 * 1024, `heap grew ${grew} bytes`);
});
