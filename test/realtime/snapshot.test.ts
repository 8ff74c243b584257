import t from 'tap';
import { compileFilter } from '../../src/filter/index.js';
import { decodeFlows } from '../../src/flow/batch.js';
import { EndCode, type FlowRecord } from '../../src/flow/record.js';
import type { FlowsUpdate } from '../../src/server/realtime/events.js';
import { makeBatch, type FlowSpec } from '../helpers/flow-batches.js';
import { collectFlows, connected, startHubServer, subscribe, waitFor } from './helpers/hub-server.js';

const T0 = 1_700_000_000_000;

/**
 * `n` flows, TCP to port 443 or 80 and UDP to 53 in turn, every lastSeen distinct; those that
 * `ended` says end (they are in the store, but not active).
 */
function specs(n: number, ended: (i: number) => boolean = () => false, from = 1): FlowSpec[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      id: i,
      src: `10.${(i >> 8) & 255}.${i & 255}.1`,
      dst: '198.18.0.1',
      proto: i % 3 === 0 ? 17 : 6,
      srcPort: 20000 + i,
      dstPort: i % 3 === 0 ? 53 : i % 3 === 1 ? 443 : 80,
      srcBytes: 100 + i,
      first: T0 + i,
      last: T0 + 10_000 + i,
      end: ended(i) ? EndCode.idle : EndCode.active,
    };
  });
}

/** What the store holds as active and matching `filter`. */
function activeTruth(records: FlowRecord[], filter: string): Map<string, FlowRecord> {
  const m = filter === '' ? null : compileFilter(filter);
  const out = new Map<string, FlowRecord>();
  for (const r of records) if (r.state === 'active' && (!m || m.matchRecord(r))) out.set(r.id, r);
  return out;
}

/** The updates of the latest subscribe: from its snapshot's first part (seq 1) on. */
function sinceLastSubscribe(updates: FlowsUpdate[]): FlowsUpdate[] {
  let k = updates.length - 1;
  while (k >= 0 && !(updates[k].seq === 1 && updates[k].snapshot !== false)) k--;
  return k < 0 ? [] : updates.slice(k);
}

function snapshotOf(updates: FlowsUpdate[]): FlowsUpdate[] {
  const end = updates.findIndex((u) => u.snapshot === 'last');
  return end < 0 ? [] : updates.slice(0, end + 1);
}

const done = (updates: FlowsUpdate[]) => () => updates.some((u) => u.snapshot === 'last');

t.test('a new subscriber gets the matching active flows first, in snapshot parts', async (t) => {
  const srv = await startHubServer({ hub: { maxRate: 20, maxFlowsPerUpdate: 40 } });
  t.teardown(() => srv.stop());
  // 200 flows, every fifth of them ended: 160 active, of which the TCP ones match.
  const batch = makeBatch(specs(200, (i) => i % 5 === 0));
  srv.store.ingest(batch);
  const want = activeTruth([...decodeFlows(batch)], 'tcp');
  t.ok(want.size > 80 && want.size < 160, `${want.size} active TCP flows`);

  // Count the store's scans: a snapshot scans the active flows once, whatever its parts.
  let scans = 0;
  const query = srv.store.queryFlows.bind(srv.store);
  srv.store.queryFlows = (q) => {
    scans++;
    return query(q);
  };
  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);
  const ack = await subscribe(c, { filter: 'tcp', topics: ['flows'] });
  t.ok(ack.ok);
  await waitFor(done(got.updates), 5000, 'the whole snapshot');
  const parts = snapshotOf(got.updates);
  t.equal(scans, 1, `one scan of the store for ${parts.length} parts`);
  t.equal(got.updates.length, parts.length, 'nothing but the snapshot before any change');
  t.same(
    parts.map((u) => u.seq),
    parts.map((_, i) => i + 1),
    'numbered from 1',
  );
  t.equal(parts.length, Math.ceil(want.size / 40), 'at most maxFlowsPerUpdate records a part');
  t.ok(
    parts.slice(0, -1).every((u) => u.snapshot === 'part' && u.active.length === 40),
    "every part but the last is 'part'",
  );
  t.ok(
    parts.every((u) => u.mode === 'full' && u.ended.length === 0 && u.omitted === 0),
    'active flows only, nothing omitted',
  );
  t.ok(
    parts.every((u) => u.counts.active === u.active.length && u.counts.ended === 0),
    'counts cover each part',
  );
  const listed = parts.flatMap((u) => u.active);
  t.equal(new Set(listed.map((f) => f.id)).size, listed.length, 'each flow once');
  t.same(listed.map((f) => f.id).sort(), [...want.keys()].sort(), 'exactly the matching active flows');
  t.same(
    listed.map((f) => f.lastSeen),
    [...want.values()].map((f) => f.lastSeen).sort((a, b) => b - a),
    'most recently seen first',
  );
  t.same(listed[0], want.get(listed[0].id), 'records are complete (as the REST API gives them)');
  t.equal(srv.observer.messages.get('flows:update'), parts.length, 'each part is counted as sent');

  // Then changes: one flow moves on, one ends.
  const [moving, ending] = [...want.values()];
  srv.store.ingest(
    makeBatch(
      specs(200)
        .filter((s) => String(s.id) === moving.id || String(s.id) === ending.id)
        .map((s) => ({
          ...s,
          last: s.last + 50_000,
          end: String(s.id) === ending.id ? EndCode.fin : EndCode.active,
        })),
    ),
  );
  await waitFor(() => got.changes.length > 0, 5000, 'a change');
  const change = got.changes[0];
  t.equal(change.seq, parts.length + 1, 'after the snapshot');
  t.same(
    change.active.map((f) => f.id),
    [moving.id],
  );
  t.same(
    change.ended.map((f) => f.id),
    [ending.id],
  );
});

t.test('changes during a long snapshot wait for it, and nothing matching is missed', async (t) => {
  const srv = await startHubServer({ hub: { maxRate: 10, maxFlowsPerUpdate: 40 } });
  t.teardown(() => srv.stop());
  srv.store.ingest(makeBatch(specs(150)));
  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);
  t.ok((await subscribe(c, { topics: ['flows'] })).ok);
  // While the snapshot goes out (4 parts at 10 a second), the 30 oldest flows (those of its
  // later parts) change, and 5 new ones come.
  srv.store.ingest(
    makeBatch([
      ...specs(30).map((s) => ({ ...s, srcBytes: 9999, last: s.last + 50_000 })),
      ...specs(5, () => false, 1000).map((s) => ({ ...s, srcBytes: 9999, last: s.last + 50_000 })),
    ]),
  );
  await waitFor(
    () =>
      got.latest.size === 155 && [...got.latest.values()].filter((f) => f.srcBytes === 9999).length === 35,
    5000,
    'every flow at its newest state',
  );
  const firstChange = got.updates.findIndex((u) => u.snapshot === false);
  t.ok(firstChange > 0, 'the snapshot first');
  t.equal(got.updates[firstChange - 1].snapshot, 'last', 'changes follow its last part');
  t.ok(
    got.updates.slice(firstChange).every((u) => u.snapshot === false),
    'no snapshot part after a change',
  );
  t.ok(
    got.updates.every((u) => u.omitted === 0),
    'nothing omitted',
  );
});

t.test('a new filter gets a new snapshot; without flows there is none', async (t) => {
  const srv = await startHubServer({ hub: { maxRate: 20 } });
  t.teardown(() => srv.stop());
  const batch = makeBatch(specs(120, (i) => i % 4 === 0));
  srv.store.ingest(batch);
  const records = [...decodeFlows(batch)];
  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);

  t.ok((await subscribe(c, { filter: 'udp', topics: ['flows'] })).ok);
  await waitFor(done(got.updates), 5000, 'the udp snapshot');
  const udp = snapshotOf(sinceLastSubscribe(got.updates)).flatMap((u) => u.active);
  t.same(udp.map((f) => f.id).sort(), [...activeTruth(records, 'udp').keys()].sort(), 'udp: its flows');

  const before = got.updates.length;
  t.ok((await subscribe(c, { filter: 'tcp port 443', topics: ['flows'] })).ok);
  await waitFor(() => done(got.updates.slice(before))(), 5000, 'the new snapshot');
  const again = sinceLastSubscribe(got.updates);
  t.equal(again.length, got.updates.length - before, 'the new subscription starts at seq 1');
  const https = snapshotOf(again).flatMap((u) => u.active);
  const want = activeTruth(records, 'tcp port 443');
  t.ok(want.size > 0);
  t.same(https.map((f) => f.id).sort(), [...want.keys()].sort(), 'tcp port 443: its flows, not udp ones');

  // A filter that matches nothing still completes: one empty last part.
  const n = got.updates.length;
  t.ok((await subscribe(c, { filter: 'host 192.0.2.99', topics: ['flows'] })).ok);
  await waitFor(() => done(got.updates.slice(n))(), 5000, 'the empty snapshot');
  t.match(got.updates.slice(n), [
    { seq: 1, snapshot: 'last', active: [], ended: [], counts: { active: 0, ended: 0 }, omitted: 0 },
  ]);

  // Topics without flows: no snapshot.
  const m = got.updates.length;
  t.ok((await subscribe(c, { topics: ['stats'] })).ok);
  t.ok((await subscribe(c, { filter: 'tcp', topics: ['stats'] })).ok);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(got.updates.length, m, 'no flows topic, no flows:update');
});

t.test('the snapshot is bounded; the flows left out are counted', async (t) => {
  const maxFlowsPerUpdate = 40;
  const maxPendingFlows = 100;
  const srv = await startHubServer({ hub: { maxRate: 20, maxFlowsPerUpdate, maxPendingFlows } });
  t.teardown(() => srv.stop());
  const batch = makeBatch(specs(400));
  srv.store.ingest(batch);
  const want = activeTruth([...decodeFlows(batch)], 'tcp');
  t.ok(want.size > maxPendingFlows + 100, `${want.size} matching active flows`);

  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);
  t.ok((await subscribe(c, { filter: 'tcp', topics: ['flows'] })).ok);
  await waitFor(done(got.updates), 5000, 'the snapshot');
  const parts = snapshotOf(got.updates);
  t.same(
    parts.map((u) => u.active.length),
    [40, 40, 20],
    'parts of maxFlowsPerUpdate, up to maxPendingFlows in all',
  );
  const last = parts[parts.length - 1];
  const leftOut = want.size - maxPendingFlows;
  t.equal(last.snapshot, 'last');
  t.equal(last.omitted, leftOut, 'the last part counts the flows left out');
  t.same(last.counts, { active: 20 + leftOut, ended: 0 }, 'and covers them');
  t.ok(
    parts.slice(0, -1).every((u) => u.omitted === 0),
    'earlier parts omit nothing',
  );
  t.equal(
    parts.reduce((n, u) => n + u.counts.active, 0),
    want.size,
    'the counts add up to the matching active flows',
  );
  const newest = [...want.values()]
    .sort((a, b) => b.lastSeen - a.lastSeen)
    .slice(0, maxPendingFlows)
    .map((f) => f.id);
  t.same(
    parts.flatMap((u) => u.active).map((f) => f.id),
    newest,
    'the most recently seen ones',
  );
  t.equal(srv.observer.drops.get('flows-omitted'), leftOut, 'counted for Prometheus (flows-omitted)');
});

t.test('connections subscribing with one filter between two batches share one store scan', async (t) => {
  const srv = await startHubServer({ hub: { maxRate: 20, maxFlowsPerUpdate: 1000 } });
  t.teardown(() => srv.stop());
  srv.store.ingest(makeBatch(specs(120)));
  let scans = 0;
  const query = srv.store.queryFlows.bind(srv.store);
  srv.store.queryFlows = (q) => {
    scans++;
    return query(q);
  };
  const snapshotOfFilter = async (filter: string): Promise<FlowRecord[]> => {
    const c = srv.connect();
    const got = collectFlows(c);
    await connected(c);
    t.ok((await subscribe(c, { filter, topics: ['flows'] })).ok);
    await waitFor(done(got.updates), 5000, `the snapshot of ${filter}`);
    return snapshotOf(got.updates).flatMap((u) => u.active);
  };
  const snapshotIds = async (filter: string): Promise<string[]> =>
    (await snapshotOfFilter(filter)).map((f) => f.id).sort();
  const records = [...decodeFlows(makeBatch(specs(120)))];
  const truth = (filter: string): string[] => [...activeTruth(records, filter).keys()].sort();

  const first = await Promise.all([snapshotIds('tcp'), snapshotIds('tcp'), snapshotIds('tcp')]);
  t.equal(scans, 1, 'three subscribers, one scan');
  for (const ids of first) t.same(ids, truth('tcp'), 'each gets every matching active flow');
  t.same(await snapshotIds('udp'), truth('udp'), 'another filter');
  t.equal(scans, 2, 'has its own scan');
  t.equal(srv.hub.stats().snapshotScans, 2);
  t.equal(srv.hub.stats().snapshotScansShared, 2);

  // A batch changes the active flows (30 new ones, and flow 2 moves on): the next subscriber's
  // scan is a new one, and it lists every flow as it is now, not as the earlier ones were sent.
  const moved = { ...specs(120)[1], srcBytes: 99_999, last: T0 + 60_000 };
  const more = makeBatch([...specs(30, () => false, 1000), moved]);
  srv.store.ingest(more);
  const now = [...decodeFlows(more)];
  records.splice(
    records.findIndex((r) => r.id === '2'),
    1,
    ...now.filter((r) => r.id === '2'),
  );
  records.push(...now.filter((r) => r.id !== '2'));
  const later = await snapshotOfFilter('tcp');
  t.equal(scans, 3, 'a batch ends the sharing');
  t.same(later.map((f) => f.id).sort(), truth('tcp'), 'the next snapshot has the new flows too');
  t.ok(later.length > first[0].length);
  t.equal(later.find((f) => f.id === '2')?.srcBytes, 99_999, 'and the changed flow as it is now');
});
