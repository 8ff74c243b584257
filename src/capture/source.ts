import type { CaptureMode, CaptureSourceStatus } from './status.js';

/** Totals of a source for the end-of-run summary. */
export interface SourceTotals {
  /** "1 file", "3 files", "eth0", "the demo generator" */
  description: string;
  packets: number;
  wireBytes: number;
  /** Records the reader skipped, by reason (files). */
  skips: Record<string, number>;
  /** Packets lost before the pipeline (live: kernel and ring drops). */
  drops: Record<string, number>;
  /** Damage or faults worth a warning line. */
  warnings: string[];
}

/**
 * Where packets come from: capture files, live interfaces, or the demo generator. `new` starts
 * nothing; open() checks the input (and fails with a coded error); run() delivers packets into
 * the shard rings until the input ends (files) or stop() is called, then closes the rings.
 */
export interface CaptureSource {
  readonly mode: CaptureMode;
  open(): Promise<void>;
  run(): Promise<void>;
  stop(): void;
  status(): CaptureSourceStatus[];
  /** 0..1 for files, 0 when unknown. */
  progress(): number;
  totals(): SourceTotals;
}
