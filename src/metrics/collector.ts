import { availableParallelism } from 'node:os';
import { cpuPercent, perCoreBusy, processCpu } from './cpu.js';
import {
  historyCapacity,
  resolveCollectorConfig,
  type CollectorConfig,
  type CpuUsageReading,
} from './config.js';
import { EventLoopProbe } from './event-loop.js';
import { exportSection } from './export-section.js';
import { SampleRing } from './history.js';
import type { ProcStat } from './procfs.js';
import { RateTracker } from './rates.js';
import { captureSection, headlineRates, pipelineSection, storeSection, workerSection } from './sections.js';
import { callSource } from './sources.js';
import { ProcReader } from './system.js';
import type { MetricsSourceName, SystemSample } from './types.js';

export type SampleListener = (sample: SystemSample) => void;

/**
 * Samples system and process CPU and memory (/proc), the event loop, the worker pool and the
 * injected capture, pipeline, store and export sources every `intervalMs` into a fixed-size history
 * covering `historyMs`. Constructing it starts nothing; `start()` takes a first sample and arms
 * an unref'd timer, `stop()` disarms it and the event-loop monitor.
 */
export class SystemMetricsCollector {
  readonly config: CollectorConfig;
  private readonly ring: SampleRing<SystemSample>;
  private readonly proc: ProcReader;
  private readonly loop: EventLoopProbe;
  private readonly rates = new RateTracker();
  private readonly listeners = new Set<SampleListener>();
  private readonly errors: Record<string, number> = {};
  private timer: NodeJS.Timeout | null = null;
  private samples = 0;
  private prevStat: ProcStat | null = null;
  private prevCpu: { reading: CpuUsageReading; atMs: number } | null = null;
  private prevMono: number | null = null;

  constructor(config: Partial<CollectorConfig> = {}) {
    this.config = resolveCollectorConfig(config);
    this.ring = new SampleRing(historyCapacity(this.config));
    this.proc = new ProcReader(this.config.procRoot);
    this.loop = new EventLoopProbe(this.config.eventLoopResolutionMs);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Samples the history can hold: historyMs / intervalMs. */
  get capacity(): number {
    return this.ring.capacity;
  }

  start(): void {
    if (this.timer) return;
    this.loop.enable();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.loop.disable();
  }

  /** The newest sample, null before the first. */
  latest(): SystemSample | null {
    return this.ring.latest();
  }

  /** Samples of the last `windowMs` (up to historyMs), oldest first. */
  history(windowMs: number = this.config.historyMs): SystemSample[] {
    return this.ring.window(Math.min(windowMs, this.config.historyMs));
  }

  /** Samples newer than sequence number `seq` still held, oldest first. */
  since(seq: number): SystemSample[] {
    return this.ring.newest((s) => s.seq > seq);
  }

  /** Calls `listener` with every new sample; returns the function that unsubscribes it. */
  on(event: 'sample', listener: SampleListener): () => void {
    if (event !== 'sample') throw new TypeError(`unknown event ${String(event)}`);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  off(event: 'sample', listener: SampleListener): void {
    if (event === 'sample') this.listeners.delete(listener);
  }

  /** Cumulative errors by source name (also in every sample). */
  sourceErrors(): Record<string, number> {
    return { ...this.errors };
  }

  /** Takes one sample now (the timer calls this; tests and `start()` too). */
  sample(): SystemSample {
    const { clock, sources } = this.config;
    const mono = clock.monotonic();
    const t = clock.now();
    const elapsedMs = this.prevMono === null ? null : mono - this.prevMono;

    const proc = this.proc.read();
    if (proc.errors > 0) this.countError('proc', proc.errors);
    const cores = proc.stat?.cores.size || availableParallelism();
    const cpuNow = this.readCpuUsage();

    const s: SystemSample = {
      seq: this.samples + 1,
      t,
      elapsedMs,
      cpu: {
        cores,
        system: this.prevStat && proc.stat ? cpuPercent(this.prevStat.total, proc.stat.total) : null,
        perCore: this.prevStat && proc.stat ? perCoreBusy(this.prevStat, proc.stat) : null,
        process:
          this.prevCpu && cpuNow
            ? processCpu(this.prevCpu.reading, cpuNow, mono - this.prevCpu.atMs, cores)
            : null,
        processTimes: proc.self
          ? {
              utimeSeconds: proc.self.utimeTicks / this.config.clockTicksPerSecond,
              stimeSeconds: proc.self.stimeTicks / this.config.clockTicksPerSecond,
              threads: proc.self.threads,
            }
          : null,
      },
      memory: {
        system: proc.meminfo
          ? {
              totalBytes: proc.meminfo.totalBytes,
              availableBytes: proc.meminfo.availableBytes,
              usedBytes: Math.max(0, proc.meminfo.totalBytes - proc.meminfo.availableBytes),
              usedRatio:
                proc.meminfo.totalBytes > 0
                  ? Math.round((1 - proc.meminfo.availableBytes / proc.meminfo.totalBytes) * 10000) / 10000
                  : 0,
            }
          : null,
        process: this.readProcessMemory(),
      },
      eventLoop: this.loop.read(),
      workers: this.section('workers', sources.workers, (v) => workerSection(v, this.rates, mono)),
      capture: this.section('capture', sources.capture, (v) => captureSection(v, this.rates, mono)),
      pipeline: this.section('pipeline', sources.pipeline, (v) => pipelineSection(v, this.rates, mono)),
      store: this.section('store', sources.store, (v) => storeSection(v, this.rates, mono)),
      export: this.section('export', sources.export, (v) => exportSection(v, this.rates, mono)),
      rates: headlineRates(null, null),
      collector: { samples: 0, sourceErrors: {}, durationMs: 0 },
    };
    s.rates = headlineRates(s.capture, s.pipeline);

    if (proc.stat) this.prevStat = proc.stat;
    if (cpuNow) this.prevCpu = { reading: cpuNow, atMs: mono };
    this.prevMono = mono;
    this.samples++;
    s.collector = {
      samples: this.samples,
      sourceErrors: { ...this.errors },
      durationMs: Math.round((clock.monotonic() - mono) * 1000) / 1000,
    };
    this.ring.push(s);
    this.emit(s);
    return s;
  }

  /** A timer tick never throws into the event loop: a failed sample is counted as `sample`. */
  private tick(): void {
    try {
      this.sample();
    } catch {
      this.countError('sample');
    }
  }

  private section<R, S>(name: MetricsSourceName, fn: (() => R) | undefined, build: (raw: R) => S): S | null {
    const raw = callSource(fn, () => this.countError(name));
    if (raw === null) return null;
    try {
      return build(raw);
    } catch {
      this.countError(name);
      return null;
    }
  }

  private readCpuUsage(): CpuUsageReading | null {
    try {
      return this.config.cpuUsage();
    } catch {
      this.countError('process');
      return null;
    }
  }

  private readProcessMemory(): SystemSample['memory']['process'] {
    try {
      const m = this.config.memoryUsage();
      return {
        rssBytes: m.rss,
        heapUsedBytes: m.heapUsed,
        heapTotalBytes: m.heapTotal,
        externalBytes: m.external,
        arrayBuffersBytes: m.arrayBuffers,
      };
    } catch {
      this.countError('process');
      return { rssBytes: 0, heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: 0, arrayBuffersBytes: 0 };
    }
  }

  private emit(s: SystemSample): void {
    for (const l of this.listeners) {
      try {
        l(s);
      } catch {
        this.countError('listener');
      }
    }
  }

  private countError(name: string, n = 1): void {
    this.errors[name] = (this.errors[name] ?? 0) + n;
  }
}
