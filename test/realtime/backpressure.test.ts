import t from 'tap';
import type { Socket as NetSocket } from 'node:net';
import { EndCode } from '../../src/flow/record.js';
import { makeBatch } from '../helpers/flow-batches.js';
import {
  collectFlows,
  connected,
  sleep,
  startHubServer,
  subscribe,
  waitFor,
  type ClientSocket,
} from './helpers/hub-server.js';

const T0 = 1_700_000_000_000;

/** The TCP socket under a websocket-transport client (to stop reading from it, as a stalled peer). */
function tcpOf(c: ClientSocket): NetSocket {
  const engine = (c.io as unknown as { engine: { transport: { ws?: { _socket?: NetSocket } } } }).engine;
  const s = engine.transport.ws?._socket;
  if (!s) throw new Error('not a websocket transport');
  return s;
}

let nextId = 1;
/** `n` new flows (new ids every time: nothing to coalesce), ~600 bytes each as JSON. */
function freshBatch(n: number) {
  return makeBatch(
    Array.from({ length: n }, (_, i) => ({
      id: nextId++,
      src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      dst: '2001:db8::1:2:3:4',
      proto: 6,
      srcPort: 1024 + (i % 60000),
      dstPort: 443,
      first: T0,
      last: T0 + i,
      end: EndCode.active,
    })),
  );
}

t.test('a stalled client is downgraded, then disconnected; what waits for it stays bounded', async (t) => {
  const opts = {
    maxRate: 20,
    maxFlowsPerUpdate: 500,
    maxPendingFlows: 1000,
    highWaterBytes: 64 * 1024,
    downgradeAfterMs: 600,
    disconnectAfterMs: 2000,
  };
  const srv = await startHubServer({ hub: opts });
  t.teardown(() => srv.stop());
  const slow = srv.connect();
  const healthy = srv.connect();
  const slowGot = collectFlows(slow);
  const healthyGot = collectFlows(healthy);
  await Promise.all([connected(slow), connected(healthy)]);
  await subscribe(slow, { topics: ['flows'] });
  await subscribe(healthy, { topics: ['flows'] });
  // The stalled client cannot notice (it reads nothing): the server's side tells.
  const slowGone = (): boolean => (srv.observer.drops.get('disconnected') ?? 0) > 0;

  tcpOf(slow).pause();
  const samples: { pending: number; backlog: number; mode: string }[] = [];
  const start = performance.now();
  let sentRecords = 0;
  while (!slowGone() && performance.now() - start < 15_000) {
    srv.store.ingest(freshBatch(500));
    sentRecords += 500;
    await sleep(25);
    const s = srv.hub.stats().clients.find((c) => c.id !== healthy.id);
    if (s) samples.push({ pending: s.pendingFlows, backlog: s.backlogBytes, mode: s.mode });
  }
  const seconds = (performance.now() - start) / 1000;
  t.ok(slowGone(), `the stalled client was disconnected after ${seconds.toFixed(1)} s`);
  const maxPending = Math.max(...samples.map((s) => s.pending));
  const maxBacklog = Math.max(...samples.map((s) => s.backlog));
  const update = 500 * 700;
  t.ok(
    maxPending <= opts.maxPendingFlows,
    `waiting flows stay ≤ ${opts.maxPendingFlows} (max ${maxPending})`,
  );
  t.ok(
    maxBacklog <= opts.highWaterBytes + 2 * update,
    `unsent bytes stay below the high-water mark plus two updates (max ${(maxBacklog / 1024).toFixed(0)} KiB, ` +
      `while ${((sentRecords * 600) / 1048576).toFixed(0)} MiB of flows came)`,
  );
  t.ok(
    samples.some((s) => s.mode === 'summary'),
    'downgraded to summaries before being closed',
  );
  t.ok(samples.at(-1)!.pending <= opts.maxPendingFlows);
  t.equal(srv.observer.drops.get('downgraded'), 1, 'the downgrade is counted');
  t.equal(srv.observer.drops.get('disconnected'), 1, 'the disconnection is counted');
  t.ok((srv.observer.drops.get('backed-up') ?? 0) > 0, 'skipped rounds are counted');
  t.ok(
    healthyGot.updates.length > 10,
    `the other client kept getting updates (${healthyGot.updates.length})`,
  );
  t.ok(healthyGot.updates.every((u) => u.mode === 'full'));
  t.ok(slowGot.updates.length < healthyGot.updates.length);
  await waitFor(() => srv.hub.stats().connections === 1, 3000, 'slow connection gone');
});

t.test('a client that catches up gets full updates again', async (t) => {
  const srv = await startHubServer({
    hub: {
      maxRate: 20,
      maxFlowsPerUpdate: 500,
      highWaterBytes: 64 * 1024,
      downgradeAfterMs: 400,
      disconnectAfterMs: 30_000,
      recoverAfterMs: 300,
    },
  });
  t.teardown(() => srv.stop());
  const c = srv.connect();
  const got = collectFlows(c);
  await connected(c);
  await subscribe(c, { topics: ['flows'] });
  tcpOf(c).pause();
  await waitFor(
    () => {
      srv.store.ingest(freshBatch(500));
      return srv.hub.stats().clients[0]?.mode === 'summary';
    },
    15_000,
    'downgrade',
  );
  tcpOf(c).resume();
  const feed = setInterval(() => srv.store.ingest(freshBatch(20)), 25);
  t.teardown(() => clearInterval(feed));
  await waitFor(() => got.updates.some((u) => u.mode === 'summary'), 10_000, 'a summary update');
  const summary = got.updates.find((u) => u.mode === 'summary')!;
  t.equal(summary.active.length + summary.ended.length, 0, 'summaries carry counts only');
  t.ok(summary.counts.active > 0 && summary.omitted === summary.counts.active + summary.counts.ended);
  await waitFor(
    () => got.updates.at(-1)?.mode === 'full' && got.updates.at(-1)!.active.length > 0,
    10_000,
    'full again',
  );
  t.pass('full updates resumed');
  t.equal(srv.hub.stats().connections, 1, 'still connected');
});
