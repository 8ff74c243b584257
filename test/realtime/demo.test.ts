import t from 'tap';
import { io } from 'socket.io-client';
import type {
  FlowsUpdate,
  MetricsUpdate,
  StatsUpdate,
  SubscribeAck,
  TopTalkersUpdate,
} from '../../src/server/realtime/events.js';
import { startServer } from '../helpers/server-process.js';
import type { ClientSocket } from './helpers/hub-server.js';

/**
 * `flowmatrix --demo` (no privileges, no files): a Socket.IO client sees live data within a few
 * seconds of the server listening, on every topic — what a new user's dashboard shows.
 */
t.test('--demo pushes live flows, metrics and summaries within seconds', async (t) => {
  const server = await startServer(['--demo']);
  t.teardown(() => server.stop());
  const listening = Date.now();
  const c: ClientSocket = io(server.url, { transports: ['websocket'], forceNew: true });
  t.teardown(() => c.disconnect());

  const first = <T>(
    event: 'flows:update' | 'metrics:update' | 'toptalkers:update' | 'stats:update',
    ok: (v: T) => boolean,
  ) =>
    new Promise<{ value: T; ms: number }>((resolve) => {
      const on = (v: T): void => {
        if (!ok(v)) return;
        c.off(event, on as never);
        resolve({ value: v, ms: Date.now() - listening });
      };
      c.on(event, on as never);
    });
  const flows = first<FlowsUpdate>('flows:update', (u) => u.active.length > 0);
  const metrics = first<MetricsUpdate>('metrics:update', (m) => (m.rates.packetsPerSec ?? 0) > 0);
  const stats = first<StatsUpdate>('stats:update', (s) => s.points.some((p) => p.packets > 0));
  const talkers = first<TopTalkersUpdate>('toptalkers:update', (u) => u.talkers.length > 0);

  const ack = await new Promise<SubscribeAck>((resolve) =>
    c.on('connect', () =>
      c.emit('subscribe', { topics: ['flows', 'metrics', 'toptalkers', 'stats'] }, resolve),
    ),
  );
  t.ok(ack.ok, 'subscribed');

  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no live data within 8 s of --demo listening')), 8000).unref(),
  );
  const [f, m, s, k] = await Promise.race([Promise.all([flows, metrics, stats, talkers]), timeout]);
  t.ok(
    f.value.active.every((r) => r.state === 'active'),
    `active flows after ${f.ms} ms`,
  );
  t.ok(m.value.rates.packetsPerSec, `packets/s in the metrics after ${m.ms} ms`);
  t.ok(s.value.points.length > 0, `throughput points after ${s.ms} ms`);
  t.ok(k.value.talkers[0].bytes > 0, `top talkers after ${k.ms} ms`);
});
