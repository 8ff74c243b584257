import t from 'tap';
import { EndCode } from '../../src/flow/record.js';
import { makeBatch } from '../helpers/flow-batches.js';
import { collectFlows, connected, sleep, startHubServer, subscribe, waitFor } from './helpers/hub-server.js';

const T0 = 1_700_000_000_000;

t.test('throttling caps the update rate and coalesces what comes in between', async (t) => {
  const rate = 5;
  const srv = await startHubServer({ hub: { maxRate: rate } });
  t.teardown(() => srv.stop());
  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);
  t.ok((await subscribe(c, { filter: 'tcp', topics: ['flows'] })).ok);

  // 20 flows updated every 10 ms for 2 s: 200 batches, 4000 records.
  const start = performance.now();
  let batches = 0;
  let round = 0;
  while (performance.now() - start < 2000) {
    round++;
    srv.store.ingest(
      makeBatch(
        Array.from({ length: 20 }, (_, i) => ({
          id: i + 1,
          src: `10.1.0.${i + 1}`,
          dst: '10.2.0.1',
          proto: 6,
          srcPort: 1000 + i,
          dstPort: 443,
          srcBytes: round * 100,
          first: T0,
          last: T0 + round,
          end: EndCode.active,
        })),
      ),
    );
    batches++;
    await sleep(10);
  }
  const lastRound = round;
  await waitFor(
    () => [...got.latest.values()].every((f) => f.srcBytes === lastRound * 100),
    3000,
    'last state',
  );
  const elapsed = (got.received.at(-1)!.at - got.received[0].at) / 1000;
  const updates = got.updates.length;
  t.ok(batches > 100, `${batches} batches ingested`);
  t.ok(
    updates <= Math.ceil(elapsed * rate) + 1,
    `${updates} updates in ${elapsed.toFixed(2)} s at most ${rate}/s`,
  );
  t.ok(updates >= Math.floor(elapsed * rate * 0.6), `and close to it (${updates})`);
  const gaps = got.received.slice(1).map((r, i) => r.at - got.received[i].at);
  t.ok(
    Math.min(...gaps) >= (1000 / rate) * 0.7,
    `at least ${1000 / rate} ms apart (min ${Math.min(...gaps).toFixed(0)} ms)`,
  );
  t.ok(
    got.updates.every((u) => u.active.length <= 20 && u.counts.active === u.active.length),
    'each update has each flow once (coalesced), at its newest state',
  );
  t.equal(got.latest.size, 20);
});

t.test('the first update after a quiet spell goes at once', async (t) => {
  const srv = await startHubServer({ hub: { maxRate: 1 } });
  t.teardown(() => srv.stop());
  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);
  await subscribe(c, { topics: ['flows'] });
  await sleep(1100);
  const t0 = performance.now();
  srv.store.ingest(
    makeBatch([{ id: 1, src: '10.0.0.1', dst: '10.0.0.2', first: T0, last: T0, end: EndCode.active }]),
  );
  await waitFor(() => got.changes.length === 1, 3000, 'update');
  const first = got.received.find((r) => r.update.snapshot === false)!;
  const ms = first.at - t0;
  t.ok(ms < 200, `delivered in ${ms.toFixed(0)} ms (not held for the period)`);
  t.ok(first.update.ingestedAt <= first.update.t, 'ingestedAt is no later than the send time');
});

t.test('over maxFlowsPerUpdate, the rest is counted as omitted', async (t) => {
  const srv = await startHubServer({ hub: { maxFlowsPerUpdate: 50, maxPendingFlows: 100 } });
  t.teardown(() => srv.stop());
  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);
  await subscribe(c, { topics: ['flows'] });
  await waitFor(() => got.updates.some((u) => u.snapshot === 'last'), 3000, 'the (empty) snapshot');
  srv.store.ingest(
    makeBatch(
      Array.from({ length: 300 }, (_, i) => ({
        id: i + 1,
        src: `10.3.${i >> 8}.${i & 255}`,
        dst: '10.9.9.9',
        first: T0,
        last: T0 + i,
        end: i < 30 ? EndCode.idle : EndCode.active,
      })),
    ),
  );
  await waitFor(() => got.changes.length === 1, 3000, 'update');
  const u = got.changes[0];
  t.equal(u.ended.length, 30, 'ended flows first');
  t.equal(u.active.length, 20);
  t.same(u.counts, { active: 270, ended: 30 });
  t.equal(u.omitted, 250);
  t.equal(srv.observer.drops.get('flows-omitted'), 250, 'counted for Prometheus');
});
