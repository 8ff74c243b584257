import { performance } from 'node:perf_hooks';
import { FlowmatrixError } from '../errors.js';
import type { MetricsSources } from './types.js';

/** Wall clock for timestamps and a monotonic clock for intervals, both milliseconds. */
export interface MetricsClock {
  now(): number;
  monotonic(): number;
}

export const systemClock: MetricsClock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

export interface CpuUsageReading {
  user: number;
  system: number;
}

export interface CollectorConfig {
  /** Sampling period (`--metrics-interval`), ms. */
  intervalMs: number;
  /** How far back the history reaches (the retention window), ms. */
  historyMs: number;
  /** Where /proc is (a fixture directory in tests). */
  procRoot: string;
  /** USER_HZ: the unit of /proc/self/stat utime/stime. */
  clockTicksPerSecond: number;
  /** Resolution of the event-loop delay monitor, ms. */
  eventLoopResolutionMs: number;
  clock: MetricsClock;
  /** Process CPU time in microseconds (process.cpuUsage). */
  cpuUsage: () => CpuUsageReading;
  memoryUsage: () => NodeJS.MemoryUsage;
  sources: MetricsSources;
}

export const DEFAULT_COLLECTOR_CONFIG: Readonly<Omit<CollectorConfig, 'sources'>> = Object.freeze({
  intervalMs: 1000,
  historyMs: 60 * 60 * 1000,
  procRoot: '/proc',
  clockTicksPerSecond: 100,
  eventLoopResolutionMs: 10,
  clock: systemClock,
  cpuUsage: () => process.cpuUsage(),
  memoryUsage: () => process.memoryUsage(),
});

/** Most samples the history may hold (a day at 1 s): the bound on its memory. */
export const MAX_HISTORY_SAMPLES = 86_400;

function bad(message: string): FlowmatrixError {
  return new FlowmatrixError('BAD_ARGUMENT', `metrics: ${message}`);
}

function integerIn(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw bad(`${name} must be an integer in [${min}, ${max}]`);
}

/** The keys of `partial` that hold a value (an explicit undefined means "the default"). */
export function definedOnly<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Defaults filled in, then every value checked; throws BAD_ARGUMENT naming the first bad one. */
export function resolveCollectorConfig(partial: Partial<CollectorConfig> = {}): CollectorConfig {
  const c: CollectorConfig = { ...DEFAULT_COLLECTOR_CONFIG, sources: {}, ...definedOnly(partial) };
  integerIn('intervalMs', c.intervalMs, 10, 3_600_000);
  integerIn('historyMs', c.historyMs, c.intervalMs, Number.MAX_SAFE_INTEGER);
  if (historyCapacity(c) > MAX_HISTORY_SAMPLES) {
    throw bad(`historyMs / intervalMs must be at most ${MAX_HISTORY_SAMPLES} samples`);
  }
  if (typeof c.procRoot !== 'string' || c.procRoot === '') throw bad('procRoot must be a path');
  integerIn('clockTicksPerSecond', c.clockTicksPerSecond, 1, 1_000_000);
  integerIn('eventLoopResolutionMs', c.eventLoopResolutionMs, 1, 1000);
  if (typeof c.sources !== 'object' || c.sources === null) throw bad('sources must be an object');
  for (const [name, fn] of Object.entries(c.sources)) {
    if (fn !== undefined && typeof fn !== 'function') throw bad(`source ${name} must be a function`);
  }
  return c;
}

/** Samples kept: the history covers historyMs at one sample per intervalMs. */
export function historyCapacity(c: Pick<CollectorConfig, 'historyMs' | 'intervalMs'>): number {
  return Math.ceil(c.historyMs / c.intervalMs);
}
