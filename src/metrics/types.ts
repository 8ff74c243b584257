import type { StoreStats } from '../store/types.js';

/**
 * Shapes shared by the metrics area: what the injected sources return and what one sample holds.
 * Every number is plain JSON (the dashboard receives samples over Socket.IO as they are).
 */

/** One capture source (file or interface), cumulative since it started. */
export interface CaptureSourceCounters {
  /** Interface name or file path (Prometheus label `source`). */
  name: string;
  packets: number;
  bytes: number;
  /** Kernel drops (live only: absent or 0 for files). */
  kernelDrops?: number;
  /** Frames dropped because the shard ring was full. */
  ringDrops?: number;
}

/** Pipeline counters: `FlowPipeline.counters()` split into cumulative counts and levels. */
export interface PipelineCounters {
  /** Cumulative counts by name (packets, wireBytes, flowsCreated, flowsEnded, evictions, fragments…). */
  totals: Record<string, number>;
  /** Levels by name (activeFlows, flowTableHighWater …): may go down. */
  gauges?: Record<string, number>;
  /** Cumulative decode errors by reason. */
  decodeErrors?: Record<string, number>;
  /** Cumulative ended flows by end reason. */
  ended?: Record<string, number>;
  /** Ring occupancy per shard, 0..1. */
  ringOccupancy?: number[];
  /** Cumulative ring-full drops per shard, when the pipeline knows them per shard. */
  ringDrops?: number[];
}

/** Summary of one of Piscina's task-time histograms, milliseconds. */
export interface LatencySummaryMs {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** What the worker pool says about itself (Piscina's `threads`, `queueSize`, … as numbers). */
export interface WorkerPoolCounters {
  threads: number;
  maxThreads?: number;
  queueSize: number;
  /** Cumulative tasks completed. */
  completed: number;
  /** Piscina's utilization (0..1, over the pool's life). */
  utilization: number;
  runTimeMs?: LatencySummaryMs;
  waitTimeMs?: LatencySummaryMs;
}

/** The store's numbers the metrics show (a subset of the FlowStore's stats()). */
export type StoreCounters = Pick<
  StoreStats,
  'activeFlows' | 'endedFlows' | 'bytes' | 'segments' | 'droppedForMemory' | 'expired'
> &
  Partial<Pick<StoreStats, 'maxBytes' | 'ingestedBatches' | 'retentionMs'>>;

/** One export target (`--ipfix-export`), cumulative since the exporter started. */
export interface ExportTargetCounters {
  /** The target spec as text (`udp://host:port`, `tcp://[v6]:port`; Prometheus label `target`). */
  target: string;
  transport: string;
  /** Transport state (`ready`, `connected`, `connecting`, `backoff`, …). */
  state: string;
  /** Data records and messages accepted into the target's queue. */
  records: number;
  messages: number;
  templateSends: number;
  /** Messages and bytes handed to the kernel. */
  sentMessages: number;
  sentBytes: number;
  sendErrors: number;
  connects: number;
  disconnects: number;
  /** Bytes waiting in the socket's queue (a level), and its bound. */
  queuedBytes: number;
  queueLimitBytes: number;
  /** Data records dropped before the socket, by reason (`queue-full`, `not-connected`). */
  drops: Record<string, number>;
  droppedMessages: number;
  lastError?: string | null;
}

/** The IPFIX/NetFlow exporter (`IpfixExporter.stats()`). */
export interface ExporterCounters {
  format: string;
  /** Ended flows taken for export, data records encoded, messages and bytes built. */
  flows: number;
  records: number;
  messages: number;
  bytes: number;
  targets: ExportTargetCounters[];
}

/** The collector's listening sockets (`CollectorListener.stats()`). */
export interface ListenerCounters {
  datagrams: number;
  datagramBytes: number;
  /** TCP connections open now (a level) and accepted so far. */
  tcpConnections: number;
  tcpConnectionsTotal: number;
  tcpBytes: number;
  tcpMessages: number;
}

/** The NetFlow/IPFIX/sFlow collector (`FlowCollector.stats()` with its listener's). */
export interface CollectionCounters {
  /** Datagrams and TCP messages decoded, by protocol. */
  messages: Record<string, number>;
  flows: number;
  sampledFlows: number;
  sequenceGaps: number;
  /** Templates held now (a level); received, withdrawn, expired (cumulative). */
  templates: number;
  templatesReceived: number;
  templatesWithdrawn: number;
  templatesExpired: number;
  /** Exporter sessions held now (a level), and evicted so far. */
  sessions: number;
  sessionsEvicted: number;
  /** Inputs dropped, by reason (datagrams, sets or records: see the collector's reasons). */
  drops: Record<string, number>;
  /** With --ipfix-pair: conversations joined, records stored alone or passed through, waiting now. */
  pairing?: { paired: number; alone: number; passed: number; waiting: number } | null;
  listener: ListenerCounters;
}

/** IPFIX/NetFlow export and collection (`FlowExchange.stats()`): null parts are off. */
export interface ExportCounters {
  exporter: ExporterCounters | null;
  collector: CollectionCounters | null;
}

/**
 * Where the numbers that are not read from /proc come from. Every source is optional (file mode
 * has no kernel drops, `--no-server` has no store API …) and may throw: a throwing source leaves
 * its part of the sample null and counts one error under its name.
 */
export interface MetricsSources {
  capture?: () => CaptureSourceCounters[];
  pipeline?: () => PipelineCounters;
  workers?: () => WorkerPoolCounters;
  store?: () => StoreCounters;
  /** Only when --ipfix-export or --ipfix-listen is on. */
  export?: () => ExportCounters;
}

export type MetricsSourceName = keyof MetricsSources;

/** Time spent per CPU mode (ticks from /proc/stat, or percentages of an interval). */
export interface CpuModes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** Percent of all cores per mode over the interval; `busy` = 100 − idle − iowait. */
export interface CpuPercent extends CpuModes {
  busy: number;
}

export interface ProcessCpu {
  /** Percent of one core (can pass 100 with worker threads). */
  percentOfCore: number;
  /** Percent of the whole machine (percentOfCore / cores). */
  percentOfAll: number;
  /** User and system parts, percent of one core. */
  userPercentOfCore: number;
  systemPercentOfCore: number;
}

/** Cumulative process times from /proc/self/stat (clock-tick resolution). */
export interface ProcessTimes {
  utimeSeconds: number;
  stimeSeconds: number;
  threads: number;
}

export interface SystemMemory {
  totalBytes: number;
  availableBytes: number;
  usedBytes: number;
  /** usedBytes / totalBytes */
  usedRatio: number;
}

export interface ProcessMemory {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

export interface EventLoopStats {
  /** Event-loop delay over the interval (the histogram is reset each sample), milliseconds. */
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** Share of the interval the loop was busy, 0..1 (null on the first sample). */
  utilization: number | null;
}

export interface WorkerSample extends WorkerPoolCounters {
  /** Busy share of the pool over this interval (from run time × completed), 0..1. */
  intervalUtilization: number | null;
  completedPerSec: number | null;
}

export interface CaptureSample {
  sources: CaptureSourceCounters[];
  totals: { packets: number; bytes: number; kernelDrops: number; ringDrops: number };
  rates: {
    packetsPerSec: number | null;
    bytesPerSec: number | null;
    kernelDropsPerSec: number | null;
    ringDropsPerSec: number | null;
  };
}

export interface PipelineSample {
  totals: Record<string, number>;
  gauges: Record<string, number>;
  decodeErrors: Record<string, number>;
  ended: Record<string, number>;
  ringOccupancy: number[];
  ringDrops: number[] | null;
  /** Per-second rate of every cumulative total, by the same name (null until known). */
  rates: Record<string, number | null>;
}

export interface StoreSample extends StoreCounters {
  /** Per-second rates of the cumulative store counts (expired, droppedForMemory). */
  rates: { expiredPerSec: number | null; droppedPerSec: number | null };
}

export interface ExporterSample extends ExporterCounters {
  /** Records dropped by reason, summed over the targets. */
  drops: Record<string, number>;
  rates: {
    flowsPerSec: number | null;
    recordsPerSec: number | null;
    bytesPerSec: number | null;
    dropsPerSec: number | null;
  };
}

export interface CollectionSample extends CollectionCounters {
  rates: { messagesPerSec: number | null; flowsPerSec: number | null; dropsPerSec: number | null };
}

/** Export and collection; a part that is off is null. */
export interface ExportSample {
  exporter: ExporterSample | null;
  collector: CollectionSample | null;
}

/** Headline rates for the dashboard; capture numbers first, pipeline numbers when capture has none. */
export interface HeadlineRates {
  packetsPerSec: number | null;
  bytesPerSec: number | null;
  flowsPerSec: number | null;
  flowsEndedPerSec: number | null;
  dropsPerSec: number | null;
  decodeErrorsPerSec: number | null;
}

export interface CollectorStats {
  /** Samples taken since the collector was made. */
  samples: number;
  /** Cumulative errors by source name (`capture`, `pipeline`, `workers`, `store`, `export`, `proc`). */
  sourceErrors: Record<string, number>;
  /** Wall time the last sample took, milliseconds. */
  durationMs: number;
}

/**
 * One sample. Values that need a previous reading (CPU percentages, rates, loop utilization)
 * are null on the first sample; a part whose source is absent or threw is null.
 */
export interface SystemSample {
  /** Sequence number, 1 for the first sample. */
  seq: number;
  /** Epoch ms (wall clock). */
  t: number;
  /** Time since the previous sample, ms; null on the first. */
  elapsedMs: number | null;
  cpu: {
    cores: number;
    system: CpuPercent | null;
    /** Busy percent per core, by core index. */
    perCore: number[] | null;
    process: ProcessCpu | null;
    processTimes: ProcessTimes | null;
  };
  memory: {
    system: SystemMemory | null;
    process: ProcessMemory;
  };
  eventLoop: EventLoopStats;
  workers: WorkerSample | null;
  capture: CaptureSample | null;
  pipeline: PipelineSample | null;
  store: StoreSample | null;
  /** IPFIX/NetFlow export and collection; null when both are off. */
  export: ExportSample | null;
  rates: HeadlineRates;
  collector: CollectorStats;
}
