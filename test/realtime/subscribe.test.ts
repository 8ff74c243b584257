import t from 'tap';
import { compileFilter } from '../../src/filter/index.js';
import { decodeFlows, type FlowBatch } from '../../src/flow/batch.js';
import { EndCode, type FlowRecord } from '../../src/flow/record.js';
import { makeBatch, type FlowSpec } from '../helpers/flow-batches.js';
import { collectFlows, connected, startHubServer, subscribe, waitFor } from './helpers/hub-server.js';

const T0 = 1_700_000_000_000;
const PORTS = [443, 80, 53, 8080, 22];

/** 300 flows over v4 and v6, TCP and UDP; `ended`: which of them end (with more bytes). */
function specs(ended: (i: number) => boolean): FlowSpec[] {
  const out: FlowSpec[] = [];
  for (let i = 1; i <= 300; i++) {
    const v6 = i % 7 === 0;
    const done = ended(i);
    out.push({
      id: i,
      src: v6 ? `2001:db8::${i.toString(16)}` : `10.0.${i % 5}.${i % 31}`,
      dst: v6 ? '2001:db8:1::1' : `198.18.0.${i % 9}`,
      proto: i % 3 === 0 ? 17 : 6,
      srcPort: 40000 + i,
      dstPort: PORTS[i % PORTS.length],
      srcPackets: i,
      srcBytes: 100 * i + (done ? 1000 : 0),
      dstPackets: 2,
      dstBytes: 300,
      first: T0 + i,
      last: T0 + 1000 + i + (done ? 500 : 0),
      end: done ? EndCode.fin : EndCode.active,
    });
  }
  return out;
}

/** The newest record per id among the batches that the record-shaped filter accepts. */
function truth(filter: string, batches: FlowBatch[]): Map<string, FlowRecord> {
  const m = filter === '' ? null : compileFilter(filter);
  const out = new Map<string, FlowRecord>();
  for (const b of batches) for (const r of decodeFlows(b)) if (!m || m.matchRecord(r)) out.set(r.id, r);
  return out;
}

const FILTERS = [
  '',
  'tcp port 443',
  'host 10.0.2.7',
  'udp and not port 53',
  'net 2001:db8::/32',
  'bytes > 5k',
];

t.test('each subscription gets exactly the flows its filter matches, newest state per flow', async (t) => {
  const srv = await startHubServer();
  t.teardown(() => srv.stop());
  const subs = await Promise.all(
    FILTERS.map(async (filter) => {
      const c = srv.connect();
      const got = collectFlows(c);
      await connected(c);
      const ack = await subscribe(c, { filter, topics: ['flows'] });
      t.ok(ack.ok, `subscribed to "${filter}"`);
      return { filter, got, ack };
    }),
  );
  t.equal(subs[1].ack.ok && subs[1].ack.filter, 'tcp and port 443', 'the ack gives the canonical filter');
  t.equal(srv.hub.stats().filterGroups, FILTERS.length);

  // Snapshots of every flow, then a third of them end; in the same macrotask as a fourth batch
  // that updates some active flows again (coalesced: the newest record wins).
  const first = makeBatch(specs(() => false));
  const second = makeBatch(specs((i) => i % 3 === 1).filter((s) => s.end === EndCode.fin));
  srv.store.ingest(first);
  await waitFor(() => subs.every((s) => s.got.updates.length >= 1), 5000, 'first updates');
  srv.store.ingest(second);
  const again = makeBatch(
    specs(() => false).map((s) => ({ ...s, srcBytes: (s.srcBytes ?? 0) + 7, last: s.last + 1 })),
  );
  srv.store.ingest(again);
  const all = [first, second, again];
  const expected = FILTERS.map((f) => truth(f, all));
  // An ended record is final: the later active copy of an ended flow does not replace it.
  for (const m of expected) for (const r of decodeFlows(second)) if (m.has(r.id)) m.set(r.id, r);

  await waitFor(
    () =>
      subs.every((s, k) =>
        [...expected[k].values()].every((r) => s.got.latest.get(r.id)?.lastSeen === r.lastSeen),
      ),
    5000,
    'every expected record',
  );
  for (const [k, s] of subs.entries()) {
    const want = expected[k];
    t.ok(want.size > 0, `"${s.filter}" matches some flows (${want.size})`);
    t.same(
      [...s.got.latest.keys()].sort(),
      [...want.keys()].sort(),
      `"${s.filter}": exactly the matching flows`,
    );
    const wrongState = [...want.values()].filter((r) => s.got.latest.get(r.id)?.state !== r.state);
    t.equal(wrongState.length, 0, `"${s.filter}": ended flows arrive ended`);
    t.same(s.got.latest.get([...want.keys()][0]), want.get([...want.keys()][0]), 'records are complete');
    t.ok(
      s.got.updates.every((u) => u.omitted === 0 && u.mode === 'full'),
      'nothing omitted',
    );
  }
  const seqs = subs[0].got.updates.map((u) => u.seq);
  t.same(
    seqs,
    seqs.map((_, i) => i + 1),
    'updates are numbered from 1',
  );
  t.ok(srv.hub.stats().encodes <= 3 * 300, 'a record sent to several subscribers is encoded once');
});

t.test('a bad filter is answered in the ack with its position and suggestions', async (t) => {
  const srv = await startHubServer();
  t.teardown(() => srv.stop());
  const c = srv.connect();
  await connected(c);
  const bad = await subscribe(c, { filter: 'tcp and hots 10.0.0.1', topics: ['flows'] });
  t.same(bad, {
    ok: false,
    error: {
      code: 'BAD_FILTER',
      message: "unknown keyword 'hots' at 8 — did you mean 'host'?",
      position: 8,
      length: 4,
      suggestions: ['host'],
    },
  });
  const end = await subscribe(c, { filter: 'port 443 and', topics: ['flows'] });
  t.equal(!end.ok && end.error.position, 12, 'a missing piece is at the end');
  t.ok(!end.ok && end.error.suggestions.includes('host'));

  // Requests that are not a subscription at all.
  const cases: [unknown, RegExp][] = [
    [{ topics: ['flows', 'weather'] }, /unknown topic "weather"/],
    [{ filter: 3, topics: [] }, /filter must be a string/],
    [{ filter: '' }, /topics must be an array/],
    [{ topics: ['toptalkers'], toptalkers: { windowMs: 42 } }, /toptalkers.windowMs/],
    ['subscribe me', /takes an object/],
  ];
  for (const [request, message] of cases) {
    const a = await c.timeout(5000).emitWithAck('subscribe', request as never);
    t.equal(!a.ok && a.error.code, 'BAD_REQUEST');
    t.match(!a.ok && a.error.message, message);
  }
  // Still usable afterwards.
  t.ok((await subscribe(c, { filter: 'tcp', topics: ['flows'] })).ok);
});

t.test('subscribes are rate limited per connection', async (t) => {
  const srv = await startHubServer({ hub: { maxSubscribesPerSec: 3 } });
  t.teardown(() => srv.stop());
  const c = srv.connect();
  await connected(c);
  const answers = await Promise.all([1, 2, 3, 4, 5].map(() => subscribe(c, { topics: [] })));
  t.same(
    answers.map((a) => a.ok || a.error.code),
    [true, true, true, 'RATE_LIMITED', 'RATE_LIMITED'],
  );
});

t.test('summaries and metrics topics push the latest data', async (t) => {
  const srv = await startHubServer({ hub: { summaryIntervalMs: 200 } });
  t.teardown(() => srv.stop());
  srv.store.ingest(makeBatch(specs((i) => i % 2 === 0)));
  const c = srv.connect();
  await connected(c);
  const talkers: unknown[] = [];
  const stats: unknown[] = [];
  const samples: number[] = [];
  c.on('toptalkers:update', (u) => talkers.push(u));
  c.on('stats:update', (u) => stats.push(u));
  c.on('metrics:update', (s) => samples.push(s.seq));
  const ack = await subscribe(c, {
    topics: ['toptalkers', 'stats', 'metrics'],
    toptalkers: { windowMs: 3_600_000, by: 'packets', limit: 3 },
    stats: { windowMs: 60_000 },
  });
  t.ok(ack.ok);
  await waitFor(() => talkers.length >= 2 && stats.length >= 2, 5000, 'summaries');
  const top = srv.store.topTalkers({
    windowMs: 3_600_000,
    by: 'packets',
    direction: 'any',
    limit: 3,
    filter: null,
  });
  t.match(talkers.at(-1), { windowMs: 3_600_000, by: 'packets', talkers: top });
  t.match(stats.at(-1), { windowMs: 60_000, stepMs: 1000, protocols: srv.store.protocols(60_000) });
  srv.metrics.emit({ ...(await import('../server/helpers/fakes.js')).FAKE_SAMPLE, seq: 41 } as never);
  await waitFor(() => samples.includes(41), 5000, 'metrics sample');
  t.notOk(c.listeners('flows:update').length, 'no flows topic, no flows listener needed');
});

t.test('a reconnecting client restores its subscription by subscribing on connect', async (t) => {
  const srv = await startHubServer();
  t.teardown(() => srv.stop());
  const c = srv.connect();
  const got = collectFlows(c);
  let connects = 0;
  c.on('connect', () => {
    connects++;
    void subscribe(c, { filter: 'udp', topics: ['flows'] });
  });
  await waitFor(() => srv.hub.stats().clients.some((s) => s.filter === 'udp'), 5000, 'subscribed');
  // The transport drops (as when a server restarts): the client reconnects by itself.
  for (const s of srv.hub.stats().clients) t.equal(s.filter, 'udp');
  const engine = (c.io as unknown as { engine: { close(): void } }).engine;
  engine.close();
  await waitFor(
    () => connects >= 2 && srv.hub.stats().clients.some((s) => s.filter === 'udp'),
    5000,
    'resubscribed',
  );
  srv.store.ingest(makeBatch(specs(() => false)));
  await waitFor(() => got.latest.size > 0, 5000, 'flows after reconnecting');
  t.ok(
    [...got.latest.values()].every((f) => f.proto === 17),
    'with the same filter',
  );
});
