import t from 'tap';
import { join } from 'node:path';
import { Scenario, resolveOptions, writeCapture, type GenOptions } from '../../src/gen/index.js';
import { checkTruth } from './helpers/check-truth.js';

t.test('default timing: gaps < 30 s, flows < 20 min, even over an hour', async (t) => {
  const dir = t.testdir();
  const o: GenOptions = { seed: 21, flows: 1500, packets: 20000, durationSec: 3600, longFlows: 0.2 };
  const s = await writeCapture(o, join(dir, 'hour.pcap'), { collectTruth: true });
  const c = checkTruth(join(dir, 'hour.pcap'), s.truth ?? []);
  t.same(c.problems, []);
  t.ok(c.maxGapSec < 30, `max gap ${c.maxGapSec} s`);
  t.ok(c.maxFlowSec < 1200, `longest flow ${c.maxFlowSec} s`);
  t.ok(c.maxFlowSec > 600, 'long flows do get long');
});

t.test('options make flows longer and gaps wider for timeout tests', async (t) => {
  const dir = t.testdir();
  const o: GenOptions = {
    seed: 22,
    flows: 300,
    packets: 6000,
    durationSec: 7200,
    maxFlowSec: 7200,
    maxGapSec: 120,
    longFlows: 0.5,
  };
  const s = await writeCapture(o, join(dir, 'long.pcap'), { collectTruth: true });
  const c = checkTruth(join(dir, 'long.pcap'), s.truth ?? []);
  t.same(c.problems, []);
  t.ok(c.maxGapSec > 60 && c.maxGapSec <= 120, `max gap ${c.maxGapSec} s`);
  t.ok(c.maxFlowSec > 1800, `longest flow ${c.maxFlowSec} s`);
});

t.test('port reuse: closed TCP 5-tuples come back later, never overlapping', async (t) => {
  const dir = t.testdir();
  const o: GenOptions = {
    seed: 23,
    flows: 2000,
    packets: 20000,
    durationSec: 120,
    portReuse: 0.3,
    portReuseGapSec: 2,
  };
  const s = await writeCapture(o, join(dir, 'reuse.pcap'), { collectTruth: true });
  const rows = s.truth ?? [];
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.proto} ${r.client} ${r.cport} ${r.server} ${r.sport}`;
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  const reused = [...byKey.values()].filter((l) => l.length > 1);
  t.ok(reused.length > 50, `${reused.length} reused 5-tuples`);
  for (const l of reused) {
    l.sort((a, b) => Number(a.first) - Number(b.first));
    for (let i = 1; i < l.length; i++) {
      if (!(Number(l[i].first) >= Number(l[i - 1].last) + 2))
        t.fail(`overlap on ${l[i].client}:${l[i].cport}`);
      if (l[i - 1].end !== 'fin' && l[i - 1].end !== 'rst') t.fail('reused after an unclosed flow');
    }
  }
  const c = checkTruth(join(dir, 'reuse.pcap'), rows, true);
  t.same(c.problems, []);
});

t.test('snaplen cuts frames, not the truth', async (t) => {
  const dir = t.testdir();
  const s = await writeCapture(
    { seed: 24, flows: 300, packets: 4000, snaplen: 200 },
    join(dir, 'snap.pcap'),
    {
      collectTruth: true,
    },
  );
  const c = checkTruth(join(dir, 'snap.pcap'), s.truth ?? []);
  const recs = c.cap.records;
  t.ok(recs.every((r) => r.caplen === Math.min(200, r.origLen)));
  t.ok(recs.some((r) => r.origLen > 200));
  t.same(c.problems, []);
});

t.test('memory follows active flows, not flows', async (t) => {
  const o = resolveOptions({ seed: 25, flows: 50000, packets: 400000, mix: 'simple' });
  let rows = 0;
  const sc = new Scenario(o, () => rows++);
  while (sc.next()) {
    /* drain */
  }
  t.equal(rows, 50000);
  t.equal(sc.packets, sc.truthPackets);
  t.ok(sc.peakActive < 50000 / 5, `peak active ${sc.peakActive}`);
  t.ok(sc.flowObjects <= sc.peakActive + 1, `${sc.flowObjects} flow objects for ${sc.peakActive} active`);
  t.ok(Math.abs(sc.packets - 400000) < 400000 * 0.05, `${sc.packets} packets for a target of 400000`);
});
