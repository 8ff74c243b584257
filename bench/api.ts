/**
 * API benchmark: a FlowStore holding 1M flows over 60 minutes of packet time while ingestion
 * goes on (5,000 flows/s), served by the real app on loopback; a separate process loads it
 * with concurrent requests per endpoint and reports p50/p99 latency; RSS per stored flow.
 *
 *   npm run bench:api -- [--flows 1000000] [--seconds 10] [--concurrency 32]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { FLOW_REC_BYTES, FR, type FlowBatch } from '../src/flow/batch.js';
import { compileFilter } from '../src/filter/index.js';
import { ApiServer, createApp } from '../src/server/index.js';
import { FlowStore } from '../src/store/index.js';

interface Args {
  flows: number;
  seconds: number;
  concurrency: number;
}

function parse(argv: string[]): Args {
  const a: Args = { flows: 1_000_000, seconds: 10, concurrency: 32 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '') as keyof Args;
    if (!(k in a) || !Number.isFinite(Number(argv[i + 1]))) {
      console.error(`bench/api: bad argument ${argv[i]}`);
      process.exit(2);
    }
    a[k] = Number(argv[i + 1]);
  }
  return a;
}

/** Flows between 65k clients and 16k servers (as the generator's address plan), ended. */
function batchOf(n: number, firstId: number, t0: number, spanMs: number, maxDurationMs = 5000): FlowBatch {
  const buf = new ArrayBuffer(n * FLOW_REC_BYTES);
  const v = new DataView(buf);
  for (let i = 0; i < n; i++) {
    const id = firstId + i;
    const o = i * FLOW_REC_BYTES;
    const h = Math.imul(id, 2654435761) >>> 0;
    const first = t0 + (i / n) * spanMs;
    v.setFloat64(o + FR.id, id, true);
    v.setFloat64(o + FR.firstSeen, first, true);
    v.setFloat64(o + FR.lastSeen, first + (h % maxDurationMs), true);
    v.setFloat64(o + FR.srcPackets, 1 + (h % 40), true);
    v.setFloat64(o + FR.dstPackets, 1 + ((h >>> 8) % 60), true);
    v.setFloat64(o + FR.srcBytes, 60 + (h % 20000), true);
    v.setFloat64(o + FR.dstBytes, 60 + ((h >>> 4) % 200000), true);
    v.setUint32(o + FR.srcAddr, (0xc6120000 | (h & 0xffff)) >>> 0, false);
    v.setUint32(o + FR.dstAddr, (0xc6130000 | ((h >>> 16) & 0x3fff)) >>> 0, false);
    v.setUint16(o + FR.srcPort, 1024 + (h % 60000), true);
    v.setUint16(o + FR.dstPort, [443, 80, 53, 22, 8080, 123][h % 6], true);
    v.setUint8(o + FR.proto, h % 6 === 2 || h % 6 === 5 ? 17 : 6);
    v.setUint8(o + FR.ipVersion, 4);
    v.setUint8(o + FR.endCode, 2);
  }
  return { buffer: buf, count: n };
}

const ENDPOINTS: [string, string][] = [
  ['flows, selective filter', '/api/v1/flows?filter=host%20198.18.0.7%20and%20port%20443&limit=100'],
  ['top-talkers 60m', '/api/v1/top-talkers?window=60m&limit=10'],
  ['top-talkers 5m', '/api/v1/top-talkers?window=5m&limit=10'],
  ['stats/timeseries 60m/1m', '/api/v1/stats/timeseries?window=60m&step=1m'],
  ['stats/protocols 60m', '/api/v1/stats/protocols?window=60m'],
];

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  if (process.argv.includes('--load')) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const store = new FlowStore({ maxBytes: 4 * 2 ** 30 });
  const t0 = 1_767_225_600_000;
  const span = 60 * 60_000;
  const chunk = 10_000;
  const l0 = performance.now();
  for (let id = 0; id < a.flows; id += chunk) {
    store.ingest(
      batchOf(Math.min(chunk, a.flows - id), id, t0 + (id / a.flows) * span, (chunk / a.flows) * span),
    );
  }
  const loadSeconds = (performance.now() - l0) / 1000;
  gc?.();
  const rss1 = process.memoryUsage().rss;
  const perFlow = (rss1 - rss0) / a.flows;
  console.log(
    `store: ${a.flows.toLocaleString()} flows ingested in ${loadSeconds.toFixed(1)} s ` +
      `(${(a.flows / loadSeconds / 1e3).toFixed(0)}k flows/s); RSS +${((rss1 - rss0) / 2 ** 20).toFixed(0)} MiB = ` +
      `${perFlow.toFixed(0)} bytes per stored flow (store's own estimate ${(store.stats().bytes / a.flows).toFixed(0)})`,
  );

  const handle = createApp(
    {
      store,
      capture: {
        status: () => ({
          mode: 'file',
          state: 'running',
          startedAt: 0,
          sources: [],
          pipeline: { workers: 0, totals: {}, decode: {}, ended: {}, ringOccupancy: [] },
        }),
      },
      metrics: {
        system: () => ({ t: 0, cpu: {}, memory: {}, eventLoop: {}, workers: null, capture: null }),
        history: () => [],
        prometheus: async () => '',
        contentType: 'text/plain',
      },
      compileFilter,
      version: 'bench',
    },
    { logger: pino({ enabled: false }), rateLimit: null },
  );
  const server = new ApiServer(handle, { host: '127.0.0.1', port: 0 });
  const url = await server.start();

  // Ingestion continues during the load: 5,000 flows per second, newest minutes.
  let nextId = a.flows;
  const ingest = setInterval(() => {
    store.ingest(batchOf(500, nextId, store.nowMs(), 100, 100));
    nextId += 500;
  }, 100);

  console.log(`\n| endpoint | requests | p50 ms | p99 ms | max ms | req/s |`);
  console.log('|---|---|---|---|---|---|');
  for (const [name, path] of ENDPOINTS) {
    const child = fork(
      fileURLToPath(new URL('./api-load.ts', import.meta.url)),
      [url + path, String(a.concurrency), String(a.seconds)],
      {
        execArgv: ['--import=tsx'],
      },
    );
    const result = await new Promise<{ n: number; p50: number; p99: number; max: number; errors: number }>(
      (resolve) =>
        child.on('message', (m) =>
          resolve(m as { n: number; p50: number; p99: number; max: number; errors: number }),
        ),
    );
    console.log(
      `| ${name} | ${result.n} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${result.max.toFixed(1)} | ` +
        `${(result.n / a.seconds).toFixed(0)}${result.errors ? ` (${result.errors} errors)` : ''} |`,
    );
  }
  clearInterval(ingest);
  await server.stop();
  console.log(
    `\ningested during the load: ${(nextId - a.flows).toLocaleString()} flows; store now ${store.stats().endedFlows.toLocaleString()} flows`,
  );
}

void main();
