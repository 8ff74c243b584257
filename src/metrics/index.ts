export { SystemMetricsCollector, type SampleListener } from './collector.js';
export {
  DEFAULT_COLLECTOR_CONFIG,
  MAX_HISTORY_SAMPLES,
  historyCapacity,
  resolveCollectorConfig,
  systemClock,
  type CollectorConfig,
  type CpuUsageReading,
  type MetricsClock,
} from './config.js';
export {
  DEFAULT_PROMETHEUS_CONFIG,
  PrometheusMetrics,
  resolvePrometheusConfig,
  type PrometheusConfig,
} from './registry.js';
export type { SampleProvider } from './sample-metrics.js';
export { piscinaSource, pipelineSource, type PiscinaLike, type PipelineLike } from './sources.js';
export type * from './types.js';
