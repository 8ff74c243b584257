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
