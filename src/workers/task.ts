import type { TrackerTimeouts } from './flow-tracker.js';
import type { ShardBuffers } from './shard.js';

/** What the main thread asks a worker to do with one shard. */
export interface ShardTask {
  kind: 'drain' | 'flush' | 'snapshot';
  /** Distinguishes pipelines that share one process (tests run several). */
  pipelineId: string;
  shard: number;
  buffers: ShardBuffers;
  timeouts: TrackerTimeouts;
  /** drain: wall-time budget before the worker is given back. */
  budgetMs: number;
  /** flush: EndCode for every flow still open. */
  endCode: number;
}
