/**
 * Child process for lifecycle.test.ts: starts a collector (on the real /proc) and a Prometheus
 * registry with the default metrics, then either stops them (`stop`) or leaves them running
 * (`leave`), prints what it saw and does nothing more: the process must exit by itself.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { PrometheusMetrics, SystemMetricsCollector } from '../../../src/metrics/index.js';

const mode = process.argv[2] ?? 'stop';
const c = new SystemMetricsCollector({ intervalMs: 20, historyMs: 10_000 });
const p = new PrometheusMetrics(c);
let emitted = 0;
c.on('sample', () => emitted++);
c.start();
p.start();
await wait(150);
const text = await p.prometheus();
const atStop = emitted;
if (mode === 'stop') {
  c.stop();
  p.stop();
}
await wait(150);
process.stdout.write(
  JSON.stringify({
    mode,
    atStop,
    after: emitted,
    running: c.running,
    scrapeLines: text.split('\n').length,
    resources: process.getActiveResourcesInfo(),
  }) + '\n',
);
