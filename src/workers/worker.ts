/**
 * Piscina worker entry. A task names a shard; the worker builds (once) its views over that
 * shard's shared memory and runs the requested step. The result is the ArrayBuffer of flow
 * records, transferred to the main thread.
 */
import { move } from 'piscina';
import { ShardProcessor } from './shard.js';
import type { ShardTask } from './task.js';

const processors = new Map<string, ShardProcessor>();

let currentPipeline = '';

function processorFor(task: ShardTask): ShardProcessor {
  // A pool shared by pipelines one after the other (tests) keeps only the current pipeline's
  // views, so the shared memory of finished pipelines can be freed.
  if (task.pipelineId !== currentPipeline) {
    currentPipeline = task.pipelineId;
    processors.clear();
  }
  const key = `${task.pipelineId}:${task.shard}`;
  let p = processors.get(key);
  if (!p) {
    p = new ShardProcessor(task.buffers, task.timeouts, task.shard);
    processors.set(key, p);
  }
  return p;
}

export default function runShardTask(task: ShardTask): ArrayBuffer {
  const p = processorFor(task);
  const out =
    task.kind === 'drain'
      ? p.drain(task.budgetMs)
      : task.kind === 'flush'
        ? p.flush(task.endCode)
        : p.snapshot();
  return move(out) as ArrayBuffer;
}
