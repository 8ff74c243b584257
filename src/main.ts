#!/usr/bin/env node
import { pino } from 'pino';
import { createSource, dropPrivileges, type CaptureStatus } from './capture/index.js';
import { HelpShown, parseArgs, ProgressLine, formatSummary, type CliConfig } from './cli/index.js';
import { FlowmatrixError, isFlowmatrixError } from './errors.js';
import { FlowExchange, NdjsonWriter } from './export/index.js';
import { EndCode } from './flow/record.js';
import { FlowStore } from './store/index.js';
import { FlowPipeline, defaultPipelineConfig } from './workers/index.js';

/**
 * How often the workers hand their changed active flows to the store (and so to the API and
 * the live push). Packet → dashboard latency p99 in bench:realtime (100 clients, 220k packets/s):
 * ~1.4 s with 1 s, 0.9–1.17 s with 500 ms, 0.80–0.93 s with 250 ms for ~5 % more server CPU
 * (bench/README.md).
 */
const ACTIVE_SNAPSHOT_MS = 250;

/** Resolves on the first SIGINT/SIGTERM. */
function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
  const config: CliConfig = await parseArgs(argv);
  const started = performance.now();
  const logger = pino({ level: config.logLevel, base: { app: 'flowmatrix' } }, pino.destination(2));
  const serving = config.server ? await import('./serve.js') : null;
  serving?.checkListen(config);

  // Without the API nothing queries the store: flows only pass through it to --out.
  const store = new FlowStore({
    keep: config.server,
    retentionMs: config.retentionMs,
    maxBytes: config.maxMemoryBytes,
  });
  const pipeline = new FlowPipeline(
    {
      ...defaultPipelineConfig(),
      workers: config.workers,
      maxFlows: config.maxFlows,
      timeouts: config.timeouts,
      snapshotMs: config.server ? ACTIVE_SNAPSHOT_MS : 0,
    },
    (batch) => store.ingest(batch),
  );
  const writer = config.out ? new NdjsonWriter(config.out, config.outFilter) : null;
  if (writer) store.onBatch((_batch, cursor) => writer.writeBatch(cursor));
  // IPFIX/NetFlow: ended flows out to --ipfix-export; flows collected on --ipfix-listen in.
  const exchange = new FlowExchange(config.ipfix, store);

  pipeline.start();
  const { source, sink } =
    config.input === 'collector'
      ? { source: exchange.source(pipeline), sink: null }
      : createSource({ ...config, input: config.input }, pipeline);
  const progress =
    config.progress && !config.server && config.input === 'file' && sink
      ? new ProgressLine(() => ({ fraction: source.progress(), packets: sink.packets }))
      : null;

  let state: CaptureStatus['state'] = 'starting';
  const captureStatus = (): CaptureStatus => ({
    mode: source.mode,
    state,
    startedAt: Date.now() - (performance.now() - started),
    sources: source.status(),
    pipeline: {
      workers: pipeline.shardCount,
      ...pipeline.counters(),
      ringOccupancy: pipeline.ringOccupancy(),
    },
  });

  // Input problems (missing file, wrong format, no privileges for the sockets) fail before
  // anything listens.
  try {
    await source.open();
    await writer?.start();
    await exchange.start();
  } catch (err) {
    source.stop();
    await exchange.stop();
    await pipeline.stop();
    throw err;
  }

  // The API, dashboard, live push and metrics are loaded only when served (a --no-server run
  // starts ~0.2 s sooner without Express, Socket.IO and prom-client).
  const served = serving
    ? await serving.startServing(config, logger, { source, pipeline, store, exchange, captureStatus })
    : null;
  // The capture sockets, files and the listening port are open: root is no longer needed.
  // (Only live capture needs root; other modes run as whoever started them.)
  if (config.dropTo && source.mode === 'live') {
    const account = dropPrivileges(config.dropTo);
    if (account) {
      logger.info({ user: account.name, uid: account.uid, gid: account.gid }, 'dropped privileges');
    }
  }
  if (source.mode === 'live') {
    process.stderr.write(
      `flowmatrix: capturing on ${source.totals().description} (${pipeline.shardCount} workers)\n`,
    );
  }

  let endCode: number = EndCode.eof;
  const timing = { readSeconds: 0 };
  const stop = signalled();
  void stop.then(() => {
    endCode = EndCode.shutdown;
    source.stop();
  });

  try {
    progress?.start();
    state = 'running';
    await source.run();
    await pipeline.finish(endCode);
    timing.readSeconds = (performance.now() - started) / 1000;
    state = endCode === EndCode.shutdown ? 'stopped' : 'finished';
    progress?.stop();
    if (served && endCode !== EndCode.shutdown) {
      process.stderr.write('flowmatrix: input done; still serving the API (Ctrl-C to stop)\n');
      await stop;
      state = 'stopped';
    }
  } finally {
    progress?.stop();
    await served?.stop();
    await pipeline.stop();
    await exchange.stop();
    await writer?.stop();
  }
  if (pipeline.error) throw new FlowmatrixError('INTERNAL', `a worker failed: ${pipeline.error.message}`);

  if (!config.quiet) {
    process.stderr.write(
      formatSummary({
        source: source.totals(),
        pipeline: pipeline.counters(),
        seconds: timing.readSeconds || (performance.now() - started) / 1000,
        flowsOut: store.endedFlows,
        exchange: exchange.stats(),
      }) + '\n',
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof HelpShown) {
      process.exitCode = 0;
      return;
    }
    if (isFlowmatrixError(err)) {
      process.stderr.write(`flowmatrix: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(
      `flowmatrix: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 70;
  },
);
