import t from 'tap';
import { parseExposition } from './helpers/exposition.js';

// the checker itself must reject what a scraper would reject
t.test('format checker accepts valid text and rejects broken text', async (t) => {
  const ok = [
    '# HELP a_total Things.',
    '# TYPE a_total counter',
    'a_total{x="1",y="q\\"\\\\\\n"} 3',
    '# TYPE h histogram',
    'h_bucket{le="1"} 1',
    'h_bucket{le="+Inf"} 2',
    'h_sum 1.5',
    'h_count 2',
    '# TYPE g gauge',
    'g Nan',
    '',
  ].join('\n');
  const f = parseExposition(ok);
  t.same(f.get('a_total')?.samples[0].labels, { x: '1', y: 'q"\\\n' });
  for (const bad of [
    'a 1',
    '# TYPE a counter\na{x=1} 1',
    '# TYPE a counter\na{x="1"} -1',
    '# TYPE a counter\na{x="1"} 1\na{x="1"} 2',
    '# TYPE a gauge\na{1x="1"} 1',
    '# TYPE a gauge\na{x="\\t"} 1',
    '# TYPE a gauge\na{x="1"} one',
    '# TYPE a widget',
    '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3',
  ]) {
    t.throws(() => parseExposition(bad), JSON.stringify(bad));
  }
});
