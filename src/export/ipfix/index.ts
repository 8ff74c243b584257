export { IpfixExporter, DEFAULT_EXPORTER_CONFIG } from './exporter.js';
export type {
  ExporterConfig,
  ExporterStats,
  TargetStats,
  ExportDropReason,
  TransportFactory,
} from './exporter.js';
export { parseExportTarget, parseListenAddress, formatTarget } from './target-spec.js';
export type { ExportTargetSpec, ExportTransport } from './target-spec.js';
export { exportTemplates, TemplateId, type ExportFormat } from './templates.js';
export { IE, REVERSE_PEN, FlowEndReason, flowEndReasonOf } from './ie.js';
export type { Transport, TransportStats, TransportState } from './transport.js';
