/**
 * Many dashboards subscribing at once to a server that holds many active flows (a network blip,
 * a proxy restart): each subscribe is answered with a snapshot of the matching active flows,
 * which scans the store on the main thread. Prints how long until every client has its whole
 * snapshot, how many store scans that took, and the event-loop delay meanwhile. Ingestion goes
 * on during the storm (new UDP flows every 250 ms, which the clients' filter does not match), as
 * it does in production: every batch changes the active flows, so scans are shared only between
 * batches.
 *
 *   node --import=tsx bench/reconnect-storm.ts [--flows 300000] [--clients 50]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { EndCode } from '../src/flow/record.js';
import { makeBatch, type FlowSpec } from '../test/helpers/flow-batches.js';
import { collectFlows, connected, startHubServer, subscribe } from '../test/realtime/helpers/hub-server.js';

const { values: args } = parseArgs({
  options: { flows: { type: 'string', default: '300000' }, clients: { type: 'string', default: '50' } },
});
const FLOWS = Number(args.flows);
const CLIENTS = Number(args.clients);
const T0 = 1_700_000_000_000;
const CHANGES_PER_BATCH = 5000;

function flow(i: number, udp: boolean, last: number): FlowSpec {
  return {
    id: (udp ? FLOWS : 0) + i + 1,
    src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    dst: udp ? '198.18.0.2' : '198.18.0.1',
    proto: udp ? 17 : 6,
    srcPort: 1024 + (i % 50_000),
    dstPort: udp ? 53 : 443,
    srcBytes: 100,
    first: T0 + i,
    last,
    end: EndCode.active,
  };
}

async function main(): Promise<void> {
  const srv = await startHubServer({ hub: { maxRate: 4 }, storeMaxBytes: 8 * 2 ** 30 });
  for (let from = 0; from < FLOWS; from += 50_000) {
    const specs: FlowSpec[] = [];
    for (let i = from; i < Math.min(FLOWS, from + 50_000); i++) specs.push(flow(i, false, T0 + 10_000 + i));
    srv.store.ingest(makeBatch(specs));
  }
  let tick = 0;
  const ingesting = setInterval(() => {
    const specs: FlowSpec[] = [];
    for (let k = 0; k < CHANGES_PER_BATCH; k++)
      specs.push(flow((tick * CHANGES_PER_BATCH + k) % FLOWS, true, T0 + 20_000 + tick * 250 + k / 1000));
    tick++;
    srv.store.ingest(makeBatch(specs));
  }, 250);

  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const c = srv.connect({ timeoutMs: 300_000 });
      const got = collectFlows(c);
      await connected(c);
      await subscribe(c, { filter: 'tcp', topics: ['flows'] });
      while (!got.updates.some((u) => u.snapshot === 'last')) await new Promise((r) => setTimeout(r, 20));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  clearInterval(ingesting);
  const stats = srv.hub.stats();
  console.log(
    `${FLOWS} active flows, ${CLIENTS} clients subscribing to 'tcp' at once: all snapshots in ` +
      `${seconds.toFixed(2)} s; store scans ${stats.snapshotScans} (shared ${stats.snapshotScansShared}); ` +
      `event-loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms, max ${(delay.max / 1e6).toFixed(0)} ms`,
  );
  await srv.stop();
}

void main().then(() => process.exit(0));
