import t from 'tap';
import { selectTop } from '../../src/store/select-top.js';

/** The page order by a full sort: value, then id, both in the page's direction. */
function naive(values: number[], ids: number[], k: number, desc: boolean): number[] {
  const all = values.map((_, i) => i);
  all.sort((a, b) => {
    const d = values[a] === values[b] ? ids[a] - ids[b] : values[a] - values[b];
    return desc ? -d : d;
  });
  return all.slice(0, Math.max(0, k));
}

t.test('the k first entries in page order, whatever k, order of arrival and ties', async (t) => {
  let seed = 5;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  let cases = 0;
  for (const n of [0, 1, 7, 300, 5000]) {
    for (const arrival of ['random', 'rising', 'falling', 'ties'] as const) {
      const values = Array.from({ length: n }, (_, i) =>
        arrival === 'rising'
          ? 1_700_000_000_000 + i + 0.25
          : arrival === 'falling'
            ? n - i
            : arrival === 'ties'
              ? Math.floor(rnd() * 4)
              : rnd() * 1e6,
      );
      // Unique ids, not in index order.
      const ids = Array.from({ length: n }, (_, i) => (i * 7919) % 100_003);
      for (const k of [0, 1, 10, 256, 257, 1000, n - 1, n, n + 5]) {
        if (k < 0) continue;
        for (const desc of [true, false]) {
          const got = selectTop(values, ids, k, desc);
          const want = naive(values, ids, k, desc);
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            t.same(got, want, `n ${n}, ${arrival}, k ${k}, ${desc ? 'desc' : 'asc'}`);
            return;
          }
          cases++;
        }
      }
    }
  }
  t.pass(`${cases} cases equal a full sort`);
});

t.test('a NaN among the values never shortens a page', async (t) => {
  const values = Array.from({ length: 1000 }, (_, i) => (i % 100 === 0 ? Number.NaN : i));
  const ids = values.map((_, i) => i);
  for (const desc of [true, false]) {
    const got = selectTop(values, ids, 301, desc);
    t.equal(got.length, 301, desc ? 'descending' : 'ascending');
    t.equal(new Set(got).size, 301, 'each entry once');
  }
});
