import { FileCaptureSource, ShardingSink } from '../../src/capture/index.js';
import { decodeFlows } from '../../src/flow/batch.js';
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

/** The file path of main.ts, in-process: files → rings → workers → records. */
export async function runOffline(
  paths: string[],
  config: Partial<PipelineConfig> = {},
  pool: Piscina | null = null,
): Promise<OfflineResult> {
  const flows: FlowRecord[] = [];
  const pipeline = new FlowPipeline(
    { ...defaultPipelineConfig(), workers: 2, maxFlows: 100_000, ringBytes: 1 << 20, ...config },
    (batch) => {
      for (const r of decodeFlows(batch)) if (r.state === 'ended') flows.push(r);
    },
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
    return { flows, counters: pipeline.counters(), damage: source.damage(), packets: source.stats().packets };
  } finally {
    await pipeline.stop();
  }
}

export { createShardPool };

/** The file path into a FlowStore (the API's view), in-process. */
export async function runIntoStore(
  paths: string[],
  store: FlowStore,
  config: Partial<PipelineConfig> = {},
  pool: Piscina | null = null,
): Promise<void> {
  const pipeline = new FlowPipeline(
    { ...defaultPipelineConfig(), workers: 2, maxFlows: 200_000, ringBytes: 1 << 20, ...config },
    (batch) => store.ingest(batch),
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
  } finally {
    await pipeline.stop();
  }
}
