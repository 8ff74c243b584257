import type { RateTracker } from './rates.js';
import type {
  CaptureSample,
  CaptureSourceCounters,
  HeadlineRates,
  PipelineCounters,
  PipelineSample,
  StoreCounters,
  StoreSample,
  WorkerPoolCounters,
  WorkerSample,
} from './types.js';

/**
 * Turns what the sources returned into the parts of a sample, with per-second rates of their
 * cumulative numbers. Values that are not finite non-negative numbers are dropped (records) or
 * read as 0 (fields), so a confused source cannot put NaN into the history or a scrape.
 */

export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

export function cleanRecord(r: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!r || typeof r !== 'object') return out;
  for (const [k, v] of Object.entries(r))
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  return out;
}

const cleanArray = (a: number[] | undefined): number[] => (Array.isArray(a) ? a.map(num) : []);

export const sum = (r: Record<string, number>): number => Object.values(r).reduce((s, v) => s + v, 0);

export function captureSection(
  raw: CaptureSourceCounters[],
  rates: RateTracker,
  atMs: number,
): CaptureSample {
  const list = Array.isArray(raw) ? raw : [];
  const sources: CaptureSourceCounters[] = list.map((s) => ({
    name: String(s.name),
    packets: num(s.packets),
    bytes: num(s.bytes),
    kernelDrops: num(s.kernelDrops),
    ringDrops: num(s.ringDrops),
  }));
  const totals = { packets: 0, bytes: 0, kernelDrops: 0, ringDrops: 0 };
  for (const s of sources) {
    totals.packets += s.packets;
    totals.bytes += s.bytes;
    totals.kernelDrops += s.kernelDrops ?? 0;
    totals.ringDrops += s.ringDrops ?? 0;
  }
  return {
    sources,
    totals,
    rates: {
      packetsPerSec: rates.update('capture.packets', totals.packets, atMs),
      bytesPerSec: rates.update('capture.bytes', totals.bytes, atMs),
      kernelDropsPerSec: rates.update('capture.kernelDrops', totals.kernelDrops, atMs),
      ringDropsPerSec: rates.update('capture.ringDrops', totals.ringDrops, atMs),
    },
  };
}

export function pipelineSection(raw: PipelineCounters, rates: RateTracker, atMs: number): PipelineSample {
  const totals = cleanRecord(raw.totals);
  const decodeErrors = cleanRecord(raw.decodeErrors);
  const ended = cleanRecord(raw.ended);
  const r: Record<string, number | null> = {};
  for (const [name, v] of Object.entries(totals)) r[name] = rates.update(`pipeline.${name}`, v, atMs);
  r.decodeErrors = rates.update('pipeline.decodeErrors', sum(decodeErrors), atMs);
  return {
    totals,
    gauges: cleanRecord(raw.gauges),
    decodeErrors,
    ended,
    ringOccupancy: cleanArray(raw.ringOccupancy).map((v) => Math.min(1, v)),
    ringDrops: Array.isArray(raw.ringDrops) ? cleanArray(raw.ringDrops) : null,
    rates: r,
  };
}

export function storeSection(raw: StoreCounters, rates: RateTracker, atMs: number): StoreSample {
  const s: StoreSample = {
    activeFlows: num(raw.activeFlows),
    endedFlows: num(raw.endedFlows),
    bytes: num(raw.bytes),
    segments: num(raw.segments),
    droppedForMemory: num(raw.droppedForMemory),
    expired: num(raw.expired),
    rates: { expiredPerSec: null, droppedPerSec: null },
  };
  if (raw.maxBytes !== undefined) s.maxBytes = num(raw.maxBytes);
  if (raw.ingestedBatches !== undefined) s.ingestedBatches = num(raw.ingestedBatches);
  if (raw.retentionMs !== undefined) s.retentionMs = num(raw.retentionMs);
  s.rates.expiredPerSec = rates.update('store.expired', s.expired, atMs);
  s.rates.droppedPerSec = rates.update('store.droppedForMemory', s.droppedForMemory, atMs);
  return s;
}

/**
 * Worker pool part. The interval utilization comes from total run time (mean run time × tasks
 * completed, a cumulative number) over the interval's capacity (elapsed × threads).
 */
export function workerSection(raw: WorkerPoolCounters, rates: RateTracker, atMs: number): WorkerSample {
  const threads = num(raw.threads);
  const completed = num(raw.completed);
  const w: WorkerSample = {
    threads,
    queueSize: num(raw.queueSize),
    completed,
    utilization: Math.min(1, num(raw.utilization)),
    intervalUtilization: null,
    completedPerSec: rates.update('workers.completed', completed, atMs),
  };
  if (raw.maxThreads !== undefined) w.maxThreads = num(raw.maxThreads);
  if (raw.runTimeMs) w.runTimeMs = { ...raw.runTimeMs };
  if (raw.waitTimeMs) w.waitTimeMs = { ...raw.waitTimeMs };
  if (raw.runTimeMs) {
    const runTotalMs = num(raw.runTimeMs.mean) * completed;
    const busyMsPerSec = rates.update('workers.runTotalMs', runTotalMs, atMs, false);
    const capacity = Math.max(1, w.maxThreads ?? threads);
    if (busyMsPerSec !== null) w.intervalUtilization = Math.min(1, busyMsPerSec / 1000 / capacity);
  }
  return w;
}

export function headlineRates(capture: CaptureSample | null, pipeline: PipelineSample | null): HeadlineRates {
  const p = pipeline?.rates ?? {};
  const pick = (a: number | null | undefined, b: number | null | undefined): number | null => a ?? b ?? null;
  const captureReportsRing = capture?.sources.some((s) => (s.ringDrops ?? 0) > 0) ?? false;
  const ring = captureReportsRing ? capture?.rates.ringDropsPerSec : p.ringDropsFull;
  const kernel = capture?.rates.kernelDropsPerSec;
  const drops = kernel == null && ring == null ? null : (kernel ?? 0) + (ring ?? 0);
  return {
    packetsPerSec: pick(capture?.rates.packetsPerSec, p.packets),
    bytesPerSec: pick(capture?.rates.bytesPerSec, p.wireBytes),
    flowsPerSec: pick(p.flowsCreated, null),
    flowsEndedPerSec: pick(p.flowsEnded, null),
    dropsPerSec: drops,
    decodeErrorsPerSec: pick(p.decodeErrors, null),
  };
}
