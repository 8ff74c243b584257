import { FileCaptureSource, ShardingSink } from '../../src/capture/index.js';
import { decodeFlows, type FlowBatch } from '../../src/flow/batch.js';
import { EndCode, type FlowRecord } from '../../src/flow/record.js';
import type { FlowStore } from '../../src/store/index.js';
import type { Piscina } from 'piscina';
import {
  createShardPool,
  defaultPipelineConfig,
  FlowPipeline,
  type PipelineConfig,
} from '../../src/workers/index.js';

export interface OfflineResult {
  flows: FlowRecord[];
  counters: ReturnType<FlowPipeline['counters']>;
  damage: string[];
  packets: number;
}

/**
 * The file path of main.ts, in-process: files → rings → workers → `onBatch` (ended flows and
 * nothing else unless config.snapshotMs asks for snapshots). Returns the source for its
 * counters; throws a worker's error.
 */
export async function runFile(
  paths: string[],
  onBatch: (batch: FlowBatch) => void,
  config: Partial<PipelineConfig> = {},
  pool: Piscina | null = null,
): Promise<{ source: FileCaptureSource; counters: ReturnType<FlowPipeline['counters']> }> {
  const pipeline = new FlowPipeline(
    { ...defaultPipelineConfig(), workers: 2, maxFlows: 100_000, ringBytes: 1 << 20, ...config },
    onBatch,
    pool,
  );
  pipeline.start();
  try {
    const sink = new ShardingSink(pipeline.createProducers(), 256);
    const source = new FileCaptureSource(paths, sink);
    await source.open();
    await source.run();
    await pipeline.finish(EndCode.eof);
    if (pipeline.error) throw pipeline.error;
    return { source, counters: pipeline.counters() };
  } finally {
    await pipeline.stop();
  }
}

/** The file path of main.ts, in-process: files → rings → workers → records. */
export async function runOffline(
  paths: string[],
  config: Partial<PipelineConfig> = {},
  pool: Piscina | null = null,
): Promise<OfflineResult> {
  const flows: FlowRecord[] = [];
  const { source, counters } = await runFile(
    paths,
    (batch) => {
      for (const r of decodeFlows(batch)) if (r.state === 'ended') flows.push(r);
    },
    config,
    pool,
  );
  return { flows, counters, damage: source.damage(), packets: source.stats().packets };
}

export { createShardPool };

/** The file path into a FlowStore (the API's view), in-process. */
export async function runIntoStore(
  paths: string[],
  store: FlowStore,
  config: Partial<PipelineConfig> = {},
  pool: Piscina | null = null,
): Promise<void> {
  await runFile(paths, (batch) => store.ingest(batch), { maxFlows: 200_000, ...config }, pool);
}
