import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture, type TruthRow } from '../../src/gen/index.js';
import { decodeFlows } from '../../src/flow/batch.js';
import type { FlowRecord } from '../../src/flow/record.js';
import { compileFilter } from '../../src/filter/index.js';
import { FlowStore } from '../../src/store/index.js';
import type { FlowMatcher, FlowQuery } from '../../src/store/index.js';
import { makeBatch } from '../helpers/flow-batches.js';
import { createShardPool, runIntoStore } from '../helpers/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-store-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const byProto = (proto: number): FlowMatcher => ({ matchRecord: (r: FlowRecord) => r.proto === proto });

function truthTotals(
  truth: TruthRow[],
  side: 'src' | 'dst' | 'any',
): Map<string, { bytes: number; packets: number; flows: number }> {
  const m = new Map<string, { bytes: number; packets: number; flows: number }>();
  const add = (addr: string, r: TruthRow): void => {
    const e = m.get(addr) ?? { bytes: 0, packets: 0, flows: 0 };
    e.bytes += r.c2sIpBytes + r.s2cIpBytes;
    e.packets += r.c2sPackets + r.s2cPackets;
    e.flows += 1;
    m.set(addr, e);
  };
  for (const r of truth) {
    if (side !== 'dst') add(r.client, r);
    if (side === 'dst' || (side === 'any' && r.server !== r.client)) add(r.server, r);
  }
  return m;
}

t.test('a generated capture: top talkers, protocols, counts and pages equal the truth', async (t) => {
  const pcap = join(dir, 'g.pcap');
  const gen = await writeCapture({ seed: 21, flows: 5000, packets: 60_000 }, pcap, { collectTruth: true });
  const truth = gen.truth ?? [];
  const store = new FlowStore();
  const pool = createShardPool(2);
  t.teardown(() => pool.destroy());
  await runIntoStore([pcap], store, {}, pool);
  const s = store.stats();
  t.equal(s.endedFlows, truth.length, 'every flow stored');
  t.equal(s.activeFlows, 0);

  for (const direction of ['src', 'dst', 'any'] as const) {
    const want = truthTotals(truth, direction);
    for (const by of ['bytes', 'packets', 'flows'] as const) {
      const top = store.topTalkers({ windowMs: 3_600_000, by, direction, limit: 20, filter: null });
      t.equal(top.length, 20);
      for (const e of top) {
        const w = want.get(e.addr);
        t.same({ bytes: e.bytes, packets: e.packets, flows: e.flows }, w, `${direction}/${by} ${e.addr}`);
      }
      const best = [...want.values()].map((v) => v[by]).sort((a, b) => b - a)[0];
      t.equal(top[0][by], best, `${direction}/${by}: the top host is the truth's top`);
      // The same through a scan (a shorter window than retention takes the scan path).
      const scanned = store.topTalkers({ windowMs: 3_599_999, by, direction, limit: 20, filter: null });
      t.same(scanned, top, `${direction}/${by}: running totals equal a scan`);
    }
  }

  const protos = new Map<number, { bytes: number; flows: number }>();
  for (const r of truth) {
    const e = protos.get(r.proto) ?? { bytes: 0, flows: 0 };
    e.bytes += r.c2sIpBytes + r.s2cIpBytes;
    e.flows++;
    protos.set(r.proto, e);
  }
  const stats = store.protocols(3_600_000);
  t.same(
    stats.map((p) => [p.proto, p.bytes, p.flows]).sort((a, b) => a[0] - b[0]),
    [...protos.entries()].map(([p, e]) => [p, e.bytes, e.flows]).sort((a, b) => a[0] - b[0]),
    'protocol breakdown equals the truth',
  );
  t.equal(stats.find((p) => p.proto === 6)?.name, 'tcp');

  // Filtered counts and cursor pages: every UDP flow exactly once, in order.
  const udpTruth = truth.filter((r) => r.proto === 17).length;
  const seen = new Set<string>();
  let cursor: string | undefined;
  let prev = Infinity;
  let pages = 0;
  do {
    const page = store.queryFlows({
      filter: byProto(17),
      state: 'all',
      sort: 'bytes',
      order: 'desc',
      limit: 100,
      cursor,
      signature: 'udp',
    });
    for (const f of page.flows) {
      const bytes = f.srcBytes + f.dstBytes;
      if (bytes > prev) t.fail('sorted by bytes, descending');
      prev = bytes;
      t.notOk(seen.has(f.id), 'no duplicates across pages');
      seen.add(f.id);
    }
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  t.equal(seen.size, udpTruth, `${udpTruth} UDP flows over ${pages} pages`);

  // idsOnly: the same page as ids, without the records.
  const udpPage: FlowQuery = {
    filter: byProto(17),
    state: 'all',
    sort: 'lastSeen',
    order: 'desc',
    limit: 500,
    count: true,
  };
  const full = store.queryFlows(udpPage);
  const bare = store.queryFlows({ ...udpPage, idsOnly: true });
  t.same(
    bare.ids,
    full.flows.map((f) => f.id),
    'idsOnly lists the same flows in the same order',
  );
  t.same(bare.flows, [], 'and decodes none');
  t.equal(bare.matched, full.matched);
  t.equal(bare.nextCursor, full.nextCursor);

  const one = store.queryFlows({ filter: null, state: 'ended', sort: 'lastSeen', order: 'desc', limit: 1 });
  const id = one.flows[0].id;
  t.same(store.getFlow(id), one.flows[0], 'getFlow finds a stored flow');
  t.equal(store.getFlow('999999999999'), null);

  const series = store.timeseries({ windowMs: 3_600_000, stepMs: 60_000, filter: null });
  t.equal(series.length, 60);
  t.equal(
    series.reduce((a, p) => a + p.bytes, 0),
    truth.reduce((a, r) => a + r.c2sIpBytes + r.s2cIpBytes, 0),
    'time series bytes add up to the truth',
  );
  t.equal(
    series.reduce((a, p) => a + p.flows, 0),
    truth.length,
    'time series counts every flow once',
  );
  t.throws(() =>
    store.queryFlows({
      filter: null,
      state: 'all',
      sort: 'bytes',
      order: 'desc',
      limit: 5,
      cursor: 'garbage',
      signature: 'udp',
    }),
  );
  t.throws(() =>
    store.queryFlows({
      filter: null,
      state: 'all',
      sort: 'lastSeen',
      order: 'desc',
      limit: 5,
      cursor: one.nextCursor ?? '',
      signature: 'other',
    }),
  );
});

t.test('active snapshots are deltas: no double counting', async (t) => {
  const store = new FlowStore();
  const base = { id: 7, src: '198.18.0.1', dst: '198.18.0.2', srcPort: 1000, dstPort: 80, first: 1_000 };
  store.ingest(makeBatch([{ ...base, last: 2_000, srcPackets: 2, srcBytes: 200, end: 0 }]));
  t.equal(store.stats().activeFlows, 1);
  store.ingest(makeBatch([{ ...base, last: 3_000, srcPackets: 5, srcBytes: 500, end: 0 }]));
  t.same(store.topTalkers({ windowMs: 3_600_000, by: 'bytes', direction: 'src', limit: 5, filter: null }), [
    { addr: '198.18.0.1', bytes: 500, packets: 5, flows: 1 },
  ]);
  t.equal(
    store.queryFlows({ filter: null, state: 'active', sort: 'lastSeen', order: 'desc', limit: 10 }).flows[0]
      .srcBytes,
    500,
  );
  store.ingest(makeBatch([{ ...base, last: 4_000, srcPackets: 6, srcBytes: 650, end: 2 }]));
  const s = store.stats();
  t.equal(s.activeFlows, 0);
  t.equal(s.endedFlows, 1);
  t.same(store.topTalkers({ windowMs: 3_600_000, by: 'bytes', direction: 'any', limit: 5, filter: null }), [
    { addr: '198.18.0.1', bytes: 650, packets: 6, flows: 1 },
    { addr: '198.18.0.2', bytes: 650, packets: 6, flows: 1 },
  ]);
  t.equal(store.getFlow('7')?.endReason, 'fin');
});

t.test('retention: old minutes leave whole, with their totals (injected packet clock)', async (t) => {
  const store = new FlowStore({ retentionMs: 10 * 60_000 });
  const minute = 60_000;
  const t0 = 28_333_334 * minute; // on a minute boundary
  for (let m = 0; m < 20; m++) {
    store.ingest(
      makeBatch([
        {
          id: m * 2,
          src: '198.18.1.1',
          dst: `198.18.2.${m}`,
          first: t0 + m * minute,
          last: t0 + m * minute + 10,
          srcBytes: 1000,
        },
        {
          id: m * 2 + 1,
          src: `2001:db8::${m.toString(16)}`,
          dst: '2001:db8::ffff',
          first: t0 + m * minute,
          last: t0 + m * minute + 20,
          srcBytes: 10,
        },
      ]),
    );
  }
  const s = store.stats();
  t.equal(s.segments, 11, 'the current minute and ten before it');
  t.equal(s.endedFlows, 22);
  t.equal(s.expired, 18);
  const top = store.topTalkers({ windowMs: 600_000, by: 'bytes', direction: 'src', limit: 1, filter: null });
  t.same(
    top,
    [{ addr: '198.18.1.1', bytes: 11_000, packets: 11, flows: 11 }],
    'totals lost the expired flows',
  );
  t.equal(
    store.queryFlows({
      filter: null,
      from: 0,
      state: 'ended',
      sort: 'firstSeen',
      order: 'asc',
      limit: 10_000,
    }).flows.length,
    22,
  );
  t.equal(
    store.queryFlows({ filter: null, state: 'ended', sort: 'firstSeen', order: 'asc', limit: 10_000 }).flows
      .length,
    21,
    'the default window is the last retention period to the millisecond',
  );
  // A record from before the window (a file out of time order) is counted, not kept.
  store.ingest(makeBatch([{ id: 999, src: '198.18.9.9', dst: '198.18.9.8', first: t0, last: t0 + 1 }]));
  t.equal(store.stats().expired, 19);
  t.equal(store.getFlow('999'), null);
});

t.test('the memory bound holds under a flood of unique flows', async (t) => {
  const maxBytes = 8 << 20;
  const store = new FlowStore({ maxBytes });
  const t0 = 1_700_000_000_000;
  let id = 0;
  for (let m = 0; m < 30; m++) {
    const specs = [];
    for (let i = 0; i < 4000; i++) {
      const n = id++;
      specs.push({
        id: n,
        src: `198.18.${(n >> 8) & 255}.${n & 255}`,
        dst: `198.19.${(n >> 8) & 255}.${n & 255}`,
        srcPort: 1024 + (n % 60000),
        dstPort: n % 65536,
        first: t0 + m * 60_000 + i,
        last: t0 + m * 60_000 + i + 5,
      });
    }
    store.ingest(makeBatch(specs));
    t.ok(store.stats().bytes <= maxBytes, `after minute ${m}: ${store.stats().bytes} <= ${maxBytes}`);
  }
  const s = store.stats();
  t.ok(s.droppedForMemory > 0, `${s.droppedForMemory} flows dropped for memory, counted`);
  t.equal(s.endedFlows + s.droppedForMemory + s.expired, 120_000, 'every flow is stored or counted');
});

t.test('host filters through the per-segment host index find exactly what a scan finds', async (t) => {
  const store = new FlowStore({ retentionMs: 3_600_000 });
  const T0 = 1_700_000_000_000;
  const hosts = ['198.18.0.1', '198.18.0.2', '198.18.7.9', '2001:db8::1', '2001:db8::2:5'];
  const specs = (from: number, n: number, minuteOf: (i: number) => number) =>
    Array.from({ length: n }, (_, k) => {
      const i = from + k;
      const v6 = i % 3 === 0;
      const pick = (j: number): string => (v6 ? hosts[3 + (j % 2)] : hosts[j % 3]);
      const other = v6 ? `2001:db8:1::${(i % 500).toString(16)}` : `198.19.${(i >> 8) & 255}.${i & 255}`;
      const first = T0 + minuteOf(i) * 60_000 + (i % 50_000);
      return {
        id: i + 1,
        src: i % 2 ? pick(i) : other,
        dst: i % 2 ? other : pick(i),
        proto: 6,
        srcPort: 1024 + (i % 60_000),
        dstPort: 443,
        first,
        last: first + 10,
        end: 1,
      };
    });
  const all: FlowRecord[] = [];
  const ingest = (b: ReturnType<typeof makeBatch>): void => {
    store.ingest(b);
    all.push(...decodeFlows(b));
  };
  ingest(makeBatch(specs(0, 6000, (i) => i % 4)));
  const check = (label: string): void => {
    for (const h of [...hosts, '198.18.99.99']) {
      const f = compileFilter(`host ${h}`);
      const page = store.queryFlows({
        filter: f,
        state: 'all',
        sort: 'lastSeen',
        order: 'desc',
        limit: 10_000,
      });
      const want = all.filter((r) => f.matchRecord(r)).map((r) => r.id);
      t.same(page.flows.map((r) => r.id).sort(), want.sort(), `${label}: host ${h} (${want.length} flows)`);
    }
  };
  check('first query builds the indexes');
  // The last minute grows: first past the index (scanned), then by more than half (indexed again).
  ingest(makeBatch(specs(6000, 500, () => 3)));
  check('a few more in the newest minute');
  ingest(makeBatch(specs(6500, 3000, () => 3)));
  check('the newest minute grew by more than half');
});
