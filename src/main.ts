#!/usr/bin/env node
import { FileCaptureSource, ShardingSink } from './capture/index.js';
import { HelpShown, parseArgs, ProgressLine, formatSummary } from './cli/index.js';
import { FlowmatrixError, isFlowmatrixError } from './errors.js';
import { NdjsonWriter } from './export/index.js';
import { EndCode } from './flow/record.js';
import { FlowStore } from './store/index.js';
import { FlowPipeline, defaultPipelineConfig } from './workers/index.js';

async function main(argv: string[]): Promise<number> {
  const config = await parseArgs(argv);
  const started = performance.now();

  // Without the API nothing queries the store: flows only pass through it to --out.
  const store = new FlowStore({ keep: config.server });
  const pipeline = new FlowPipeline(
    {
      ...defaultPipelineConfig(),
      workers: config.workers,
      maxFlows: config.maxFlows,
      timeouts: config.timeouts,
    },
    (batch) => store.ingest(batch),
  );
  const writer = config.out ? new NdjsonWriter(config.out, config.outFilter) : null;
  if (writer) store.onBatch((_batch, cursor) => writer.writeBatch(cursor));

  pipeline.start();
  const sink = new ShardingSink(pipeline.createProducers(), config.snaplen);
  const source = new FileCaptureSource(config.pcap, sink, { replaySpeed: config.replaySpeed });
  const progress = config.progress
    ? new ProgressLine(() => ({ fraction: source.progress(), packets: sink.packets }))
    : null;

  let endCode: number = EndCode.eof;
  const onSignal = (): void => {
    endCode = EndCode.shutdown;
    source.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await source.open();
    await writer?.start();
    progress?.start();
    await source.run();
    await pipeline.finish(endCode);
  } finally {
    progress?.stop();
    await pipeline.stop();
    await writer?.stop();
  }
  if (pipeline.error) throw new FlowmatrixError('INTERNAL', `a worker failed: ${pipeline.error.message}`);

  if (!config.quiet) {
    process.stderr.write(
      formatSummary({
        source: source.stats(),
        pipeline: pipeline.counters(),
        seconds: (performance.now() - started) / 1000,
        flowsOut: store.endedFlows,
        damage: source.damage(),
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
