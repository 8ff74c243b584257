export {
  CaptureFileReader,
  detectCaptureFormat,
  type CaptureFileStats,
  type DetectedFormat,
  type SkipCounts,
} from './capture-file.js';
export { FileCaptureSource, type FileSourceStats } from './file-source.js';
export { ShardingSink } from './shard-sink.js';
export type { PacketSink } from './packet-sink.js';
export { PacedSink } from './paced-sink.js';
export type { CaptureStatus, CaptureSourceStatus, CaptureMode } from './status.js';
export { createSource, type SourceConfig } from './create-source.js';
export { dropPrivileges, lookupUser } from './privileges.js';
export type { CaptureSource, SourceTotals } from './source.js';
export { LiveCaptureSource } from './live-source.js';
export { DemoSource } from './demo-source.js';
