export {
  FlowPipeline,
  createShardPool,
  defaultPipelineConfig,
  DEFAULT_TIMEOUTS,
  type PipelineConfig,
} from './pipeline.js';
export type { TrackerTimeouts } from './flow-tracker.js';
