import type { LatencySummaryMs, PipelineCounters, WorkerPoolCounters } from './types.js';

/** The parts of a Piscina pool the metrics read (structural, so tests can pass a plain object). */
export interface PiscinaLike {
  readonly threads: readonly unknown[];
  readonly maxThreads?: number;
  readonly queueSize: number;
  readonly completed: number;
  readonly utilization: number;
  readonly histogram?: {
    readonly runTime: PiscinaSummary;
    readonly waitTime: PiscinaSummary;
  } | null;
}

/** Piscina's histogram summary (milliseconds): the fields used here. */
export interface PiscinaSummary {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

function summary(s: PiscinaSummary | undefined): LatencySummaryMs | undefined {
  if (!s) return undefined;
  const clean = (v: number): number => (Number.isFinite(v) ? v : 0);
  return { mean: clean(s.mean), p50: clean(s.p50), p99: clean(s.p99), max: clean(s.max) };
}

/** A `workers` source reading a Piscina pool. */
export function piscinaSource(pool: PiscinaLike): () => WorkerPoolCounters {
  return () => {
    const h = pool.histogram ?? null;
    return {
      threads: pool.threads.length,
      maxThreads: pool.maxThreads,
      queueSize: pool.queueSize,
      completed: pool.completed,
      utilization: pool.utilization,
      runTimeMs: summary(h?.runTime),
      waitTimeMs: summary(h?.waitTime),
    };
  };
}

/** What FlowPipeline offers: summed counters (levels mixed into totals) and ring occupancy. */
export interface PipelineLike {
  counters(): {
    totals: Record<string, number>;
    decode: Record<string, number>;
    ended: Record<string, number>;
  };
  ringOccupancy(): number[];
}

/** Names in FlowPipeline's totals that are levels, not cumulative counts. */
export const PIPELINE_LEVEL_NAMES: ReadonlySet<string> = new Set(['activeFlows', 'flowTableHighWater']);

/** A `pipeline` source reading a FlowPipeline: levels moved out of totals into gauges. */
export function pipelineSource(pipeline: PipelineLike): () => PipelineCounters {
  return () => {
    const c = pipeline.counters();
    const totals: Record<string, number> = {};
    const gauges: Record<string, number> = {};
    for (const [name, v] of Object.entries(c.totals)) {
      if (PIPELINE_LEVEL_NAMES.has(name)) gauges[name] = v;
      else totals[name] = v;
    }
    return {
      totals,
      gauges,
      decodeErrors: c.decode,
      ended: c.ended,
      ringOccupancy: pipeline.ringOccupancy(),
    };
  };
}

/** Calls a source; a throw or a non-object answer counts as an error and yields null. */
export function callSource<T>(fn: (() => T) | undefined, onError: () => void): T | null {
  if (!fn) return null;
  try {
    const v = fn();
    if (v === null || typeof v !== 'object') {
      onError();
      return null;
    }
    return v;
  } catch {
    onError();
    return null;
  }
}
