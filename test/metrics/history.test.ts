import t from 'tap';
import { SampleRing } from '../../src/metrics/history.js';

t.test('bounded: never more than capacity, oldest overwritten', async (t) => {
  const ring = new SampleRing<{ t: number }>(5);
  for (let i = 1; i <= 23; i++) ring.push({ t: i * 1000 });
  t.equal(ring.size, 5);
  t.same(
    ring.window(Infinity).map((s) => s.t),
    [19000, 20000, 21000, 22000, 23000],
  );
  t.equal(ring.latest()?.t, 23000);
});

t.test('windowed: samples newer than latest − window, oldest first', async (t) => {
  const ring = new SampleRing<{ t: number }>(100);
  t.same(ring.window(10_000), [], 'empty');
  t.equal(ring.latest(), null);
  for (let i = 1; i <= 10; i++) ring.push({ t: i * 1000 });
  t.same(
    ring.window(3000).map((s) => s.t),
    [8000, 9000, 10000],
  );
  t.same(ring.window(0), []);
  t.equal(ring.window(60_000).length, 10);
  ring.clear();
  t.equal(ring.size, 0);
});

t.test('capacity must be a positive integer', async (t) => {
  t.throws(() => new SampleRing(0));
  t.throws(() => new SampleRing(1.5));
});
