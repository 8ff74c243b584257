export { NdjsonWriter } from './ndjson-writer.js';
export {
  IpfixExporter,
  DEFAULT_EXPORTER_CONFIG,
  parseExportTarget,
  parseListenAddress,
  formatTarget,
  type ExporterConfig,
  type ExporterStats,
  type ExportFormat,
  type ExportTargetSpec,
  type TargetStats,
} from './ipfix/index.js';
export {
  FlowCollector,
  CollectorListener,
  CollectorSource,
  DEFAULT_COLLECTOR_CONFIG,
  type CollectorConfig,
  type CollectorStats,
  type ListenerStats,
} from './collector/index.js';
export { FlowExchange, type ExchangeOptions, type ExchangeStats } from './exchange.js';
