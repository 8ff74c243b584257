/** What GET /api/v1/capture and the dashboard's health panel show about the packet sources. */
export type CaptureMode = 'file' | 'live' | 'demo' | 'collector';
export type SourceState = 'pending' | 'running' | 'finished' | 'down' | 'stopped' | 'error';

export interface CaptureSourceStatus {
  /** File path or interface name. */
  name: string;
  kind: 'file' | 'interface' | 'generator' | 'listener';
  state: SourceState;
  packets: number;
  bytes: number;
  /** Packets lost before the pipeline: kernel drops (live). */
  kernelDrops: number;
  /** Packets dropped because a shard ring was full (live). */
  ringDrops: number;
  /** 0..1 for files, null for live sources. */
  progress: number | null;
  /** Damage or fault description, null when none. */
  problem: string | null;
}

export interface CaptureStatus {
  mode: CaptureMode;
  state: 'starting' | 'running' | 'finished' | 'stopped';
  startedAt: number;
  sources: CaptureSourceStatus[];
  /** Pipeline counters (packets, flows, decode problems by reason, ring occupancy …). */
  pipeline: {
    workers: number;
    totals: Record<string, number>;
    decode: Record<string, number>;
    ended: Record<string, number>;
    ringOccupancy: number[];
  };
}
