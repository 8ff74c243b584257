/**
 * UDP and TCP on loopback, against our listener: everything arrives; a TCP collector that is
 * not there yet costs counted drops, then the exporter connects with backoff and starts a new
 * session (sequence 0, templates first); a collector that goes away and comes back; a TCP
 * collector that does not read costs queue-full drops within the bound; a dead UDP port costs
 * send errors; a clean stop withdraws the templates on TCP. Export never waits.
 */
import t from 'tap';
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { CollectorListener, FlowCollector } from '../../src/export/collector/index.js';
import { IpfixExporter } from '../../src/export/ipfix/index.js';
import { syntheticBatch } from './helpers/flows.js';
import { freeUdpPort } from './helpers/peers.js';

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

async function listen(
  port = 0,
): Promise<{ collector: FlowCollector; listener: CollectorListener; flows: () => number }> {
  let flows = 0;
  const collector = new FlowCollector({}, (b) => (flows += b.count));
  const listener = new CollectorListener(collector, { host: '127.0.0.1', port });
  await listener.start();
  return { collector, listener, flows: () => (collector.flush(), flows) };
}

t.test('UDP: every record arrives', async (t) => {
  const { collector, listener, flows } = await listen();
  const e = new IpfixExporter({ targets: [{ host: '127.0.0.1', port: listener.port, transport: 'udp' }] });
  await e.start();
  // a big batch at once (end of a file): far more messages than the queue bound
  e.exportBatch(syntheticBatch(20_000));
  e.flush();
  t.ok(await until(() => flows() === 40_000), `${flows()} of 40000 records collected`);
  await e.stop();
  const s = e.stats().targets[0];
  t.equal(s.drops['queue-full'], 0);
  t.equal(s.sendErrors, 0);
  t.equal(collector.stats().sequenceGaps, 0);
  t.equal(s.sentMessages, s.messages + s.templateSends, 'every message handed to the kernel');
  await listener.stop();
});

t.test('TCP: collector late, connect with backoff, reconnect after it goes away', async (t) => {
  const port = await freeUdpPort();
  const e = new IpfixExporter({
    targets: [{ host: '127.0.0.1', port, transport: 'tcp' }],
    backoff: { minMs: 20, maxMs: 200 },
  });
  await e.start();
  e.exportBatch(syntheticBatch(100));
  e.flush();
  let s = e.stats().targets[0];
  t.equal(s.drops['not-connected'], 200, 'nothing listening: records dropped, counted');
  t.not(s.state, 'connected');

  const first = await listen(port);
  t.ok(await until(() => e.stats().targets[0].state === 'connected'), 'connected once the collector is up');
  e.exportBatch(syntheticBatch(1000, 1000));
  e.flush();
  t.ok(await until(() => first.flows() === 2000), `${first.flows()} records over TCP`);
  t.equal(first.collector.stats().templates, 2, 'templates first on the new session');
  t.equal(first.collector.stats().sequenceGaps, 0);

  await first.listener.stop();
  t.ok(await until(() => e.stats().targets[0].state !== 'connected'), 'connection loss noticed');
  const second = await listen(port);
  t.ok(await until(() => e.stats().targets[0].state === 'connected'), 'reconnected');
  e.exportBatch(syntheticBatch(10, 5000));
  e.flush();
  t.ok(await until(() => second.flows() === 20), 'a new session: templates again, records decoded');
  s = e.stats().targets[0];
  t.ok(s.connects >= 2 && s.disconnects >= 1, `connects ${s.connects}, disconnects ${s.disconnects}`);

  await e.stop();
  t.ok(
    await until(() => second.collector.stats().templatesWithdrawn === 2),
    'templates withdrawn on a clean stop',
  );
  await second.listener.stop();
});

t.test('TCP: a collector that does not read costs bounded, counted drops', async (t) => {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    s.pause();
    sockets.push(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const e = new IpfixExporter({
    targets: [{ host: '127.0.0.1', port, transport: 'tcp' }],
    queueMessages: 64,
    backoff: { minMs: 20, maxMs: 100 },
  });
  await e.start();
  t.ok(await until(() => e.stats().targets[0].state === 'connected'));
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < 40; i++) {
    const started = performance.now();
    e.exportBatch(syntheticBatch(5000, i * 5000));
    e.flush();
    t.ok(performance.now() - started < 500, 'exportBatch returns at once');
    await sleep(5);
  }
  const s = e.stats().targets[0];
  t.ok(s.drops['queue-full'] > 100_000, `${s.drops['queue-full']} records dropped: queue-full`);
  t.ok(s.queuedBytes <= s.queueLimitBytes + 1400, `queued ${s.queuedBytes} ≤ ${s.queueLimitBytes} bytes`);
  t.ok(process.memoryUsage().heapUsed - heap0 < 64 << 20, 'heap bounded');
  t.equal(s.records + s.drops['queue-full'], 400_000, 'every record sent or counted');
  await e.stop();
  for (const x of sockets) x.destroy();
  server.close();
});

t.test('UDP: a dead port costs counted send errors', async (t) => {
  const port = await freeUdpPort();
  const e = new IpfixExporter({ targets: [{ host: '127.0.0.1', port, transport: 'udp' }] });
  await e.start();
  for (let i = 0; i < 20; i++) {
    e.exportBatch(syntheticBatch(50, i * 50));
    e.flush();
    await sleep(5);
  }
  await e.stop();
  const s = e.stats().targets[0];
  t.ok(s.sendErrors > 0, `${s.sendErrors} send errors (${s.lastError})`);
});
