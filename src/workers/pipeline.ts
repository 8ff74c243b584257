import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { FLOW_REC_BYTES, type FlowBatch } from '../flow/batch.js';
import { EndCode } from '../flow/record.js';
import { createCounterBuffer, SHARD_COUNTER_NAMES, ShardCounter } from './counters.js';
import { DECODE_ERROR_COUNT, DECODE_ERROR_NAMES } from './decode/index.js';
import { createFlowTableBuffer, flowTableBytes, FlowTable } from './flow-table.js';
import type { TrackerTimeouts } from './flow-tracker.js';
import { createFragmentTableBuffer } from './fragments.js';
import { createRingBuffer, RingProducer, ringUsedBytes } from './ring/ring.js';
import { Slot } from './ring/layout.js';
import type { ShardBuffers } from './shard.js';
import type { ShardTask } from './task.js';

export interface PipelineConfig {
  /** Worker threads (and shards). */
  workers: number;
  /** Flow table bound over all shards. */
  maxFlows: number;
  /** Bytes of each shard ring (power of two). */
  ringBytes: number;
  /** Entries of each shard's fragment table. */
  fragmentEntries: number;
  timeouts: TrackerTimeouts;
  /** Wall time a drain task may keep a worker. */
  taskBudgetMs: number;
  /** Wall-clock period of the housekeeping tick that runs idle shards (ageing without packets). */
  tickMs: number;
  /** Wall-clock period of active-flow snapshots to the listener (0: none; the store wants ≤ 1 s). */
  snapshotMs: number;
}

export const DEFAULT_TIMEOUTS: TrackerTimeouts = {
  idleTcpMs: 300_000,
  idleUdpMs: 120_000,
  idleOtherMs: 60_000,
  lingerMs: 5_000,
  activeMs: 1_800_000,
};

export function defaultPipelineConfig(): PipelineConfig {
  return {
    workers: Math.max(1, availableParallelism()),
    maxFlows: 1_000_000,
    ringBytes: 16 * 1024 * 1024,
    fragmentEntries: 4096,
    timeouts: { ...DEFAULT_TIMEOUTS },
    taskBudgetMs: 50,
    tickMs: 1000,
    snapshotMs: 0,
  };
}

export type FlowBatchListener = (batch: FlowBatch) => void;

type ShardPhase = 'idle' | 'running' | 'waiting' | 'drained';

interface Shard {
  index: number;
  buffers: ShardBuffers;
  header: Int32Array;
  counters: Float64Array;
  table: FlowTable;
  phase: ShardPhase;
  /** Flush/snapshot tasks waiting for the current task of this shard, in order. */
  queued: (() => void)[];
}

const MAX_SHARDS = 64;

/** Under tsx (tests, benchmarks from source) this module is .ts and so is its worker. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function workerFile(): URL {
  return new URL(`./worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);
}

/** A pool of `threads` shard workers. */
export function createShardPool(threads: number): Piscina {
  return new Piscina({
    filename: workerFile().href,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    // From source the workers need the TypeScript loader and nothing else the parent was
    // started with (a test runner's hooks cost ~1 s per worker start).
    ...(FROM_SOURCE ? { execArgv: ['--import=tsx'] } : {}),
  });
}

/**
 * The shard rings, the per-shard flow state and the Piscina pool that works on them, plus the
 * main-thread scheduler: a shard is given to at most one task at a time; a task drains its
 * ring for up to taskBudgetMs and returns the flows it ended; the shard is scheduled again as
 * soon as its ring has data (Atomics.waitAsync on the ring's publish counter) or on the tick.
 */
export class FlowPipeline {
  readonly id = randomUUID();
  private shards: Shard[] = [];
  private pool: Piscina | null = null;
  private tick: NodeJS.Timeout | null = null;
  private snapshots: NodeJS.Timeout | null = null;
  /** The snapshot round in flight, if any (stop waits for it before ending the pool). */
  private snapshotting: Promise<void> | null = null;
  private stopping = false;
  private drainedWaiters: (() => void)[] = [];
  private taskErrors = 0;
  private lastError: Error | null = null;

  /**
   * `sharedPool`: run on an existing pool (tests run many short pipelines; a worker start costs
   * ~0.3 s from source). The pipeline then leaves the pool running at stop().
   */
  constructor(
    readonly config: PipelineConfig,
    private readonly onFlows: FlowBatchListener,
    private readonly sharedPool: Piscina | null = null,
  ) {
    if (!Number.isInteger(config.workers) || config.workers < 1 || config.workers > MAX_SHARDS) {
      throw new RangeError(`workers must be an integer from 1 to ${MAX_SHARDS}`);
    }
  }

  get shardCount(): number {
    return this.config.workers;
  }

  /** Bytes of shared memory the flow tables take (preallocated, committed by the OS on use). */
  get flowTableBytes(): number {
    return this.shardCount * flowTableBytes(Math.ceil(this.config.maxFlows / this.shardCount));
  }

  start(): void {
    if (this.pool) return;
    const n = this.shardCount;
    const perShard = Math.max(16, Math.ceil(this.config.maxFlows / n));
    for (let i = 0; i < n; i++) {
      const buffers: ShardBuffers = {
        ring: createRingBuffer(this.config.ringBytes),
        table: createFlowTableBuffer(perShard),
        fragments: createFragmentTableBuffer(this.config.fragmentEntries),
        counters: createCounterBuffer(),
      };
      this.shards.push({
        index: i,
        buffers,
        header: new Int32Array(buffers.ring, 0, 16),
        counters: new Float64Array(buffers.counters),
        table: new FlowTable(buffers.table),
        phase: 'idle',
        queued: [],
      });
    }
    this.pool = this.sharedPool ?? createShardPool(n);
    for (const s of this.shards) this.watch(s);
    this.tick = setInterval(() => this.onTick(), this.config.tickMs);
    this.tick.unref();
    if (this.config.snapshotMs > 0) {
      this.snapshots = setInterval(() => this.pushSnapshots(), this.config.snapshotMs);
      this.snapshots.unref();
    }
  }

  /** The worker pool (for its utilization metrics). */
  get workerPool(): Piscina | null {
    return this.pool;
  }

  /** Active flows changed since the last snapshot go to the listener (skipped while one runs). */
  private pushSnapshots(): void {
    if (this.snapshotting || this.stopping) return;
    this.snapshotting = this.snapshot()
      .catch((err: unknown) => this.onTaskError(err))
      .finally(() => {
        this.snapshotting = null;
      });
  }

  /** One producer per shard, for a source that writes from the main thread (file reader). */
  createProducers(): RingProducer[] {
    return this.shards.map((s) => new RingProducer(s.buffers.ring));
  }

  ringBuffers(): SharedArrayBuffer[] {
    return this.shards.map((s) => s.buffers.ring);
  }

  /**
   * Waits until every ring is closed and consumed, then ends every open flow with `endCode`
   * (eof after files, shutdown on a signal) and delivers them.
   */
  async finish(endCode: number = EndCode.eof): Promise<void> {
    await this.whenDrained();
    await Promise.all(this.shards.map((s) => this.runTask(s, 'flush', endCode)));
  }

  /**
   * Asks every shard for its active flows changed since the last snapshot and delivers them
   * (records with state 'active'). Each shard's answer is delivered as soon as its task
   * returns, before that shard's next task can run: a snapshot held back for the other shards
   * could reach the listener after the same flow's ended record and revive it there.
   */
  async snapshot(): Promise<void> {
    await Promise.all(this.shards.map((s) => this.runTask(s, 'snapshot', 0)));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
    if (this.snapshots) clearInterval(this.snapshots);
    this.snapshots = null;
    if (this.snapshotting) await this.snapshotting;
    const pool = this.pool;
    this.pool = null;
    if (pool && pool !== this.sharedPool) await pool.destroy();
  }

  /** Summed shard counters by name, decode reasons under `decode`. */
  counters(): {
    shards: number;
    totals: Record<string, number>;
    decode: Record<string, number>;
    ended: Record<string, number>;
  } {
    const totals: Record<string, number> = {};
    for (const [name, idx] of Object.entries(SHARD_COUNTER_NAMES)) {
      totals[name] = this.shards.reduce((sum, s) => sum + s.counters[idx], 0);
    }
    totals.activeFlows = this.shards.reduce((sum, s) => sum + s.table.count, 0);
    totals.flowTableHighWater = this.shards.reduce((sum, s) => sum + s.table.highWater, 0);
    totals.ringDropsFull = this.shards.reduce(
      (sum, s) => sum + (Atomics.load(s.header, Slot.dropsFull) >>> 0),
      0,
    );
    totals.taskErrors = this.taskErrors;
    const decode: Record<string, number> = {};
    for (let r = 1; r < DECODE_ERROR_COUNT; r++) {
      const v = this.shards.reduce((sum, s) => sum + s.counters[ShardCounter.decodeBase + r], 0);
      if (v > 0) decode[DECODE_ERROR_NAMES[r]] = v;
    }
    const ended: Record<string, number> = {};
    const names = ['', 'idle', 'fin', 'rst', 'active-timeout', 'evicted', 'eof', 'shutdown'];
    for (let code = 1; code < names.length; code++) {
      const v = this.shards.reduce((sum, s) => sum + s.counters[ShardCounter.endedBase + code], 0);
      if (v > 0) ended[names[code]] = v;
    }
    return { shards: this.shardCount, totals, decode, ended };
  }

  ringOccupancy(): number[] {
    return this.shards.map((s) => ringUsedBytes(s.buffers.ring) / this.config.ringBytes);
  }

  get error(): Error | null {
    return this.lastError;
  }

  private task(s: Shard, kind: ShardTask['kind'], endCode: number): ShardTask {
    return {
      kind,
      pipelineId: this.id,
      shard: s.index,
      buffers: s.buffers,
      timeouts: this.config.timeouts,
      budgetMs: this.config.taskBudgetMs,
      endCode,
    };
  }

  private dispatch(s: Shard): void {
    if (!this.pool || s.phase === 'running' || s.phase === 'drained') return;
    s.phase = 'running';
    this.pool
      .run(this.task(s, 'drain', 0))
      .then((buf: ArrayBuffer) => this.deliver(buf))
      .catch((err: unknown) => this.onTaskError(err))
      .finally(() => {
        s.phase = 'idle';
        if (!this.runQueued(s)) this.watch(s);
      });
  }

  /** Runs a flush/snapshot on a shard once its current drain task (if any) has returned. */
  private runTask(s: Shard, kind: 'flush' | 'snapshot', endCode: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const go = (): void => {
        if (!this.pool) {
          reject(new Error('pipeline stopped'));
          return;
        }
        const before = s.phase;
        s.phase = 'running';
        this.pool
          .run(this.task(s, kind, endCode))
          .then((buf: ArrayBuffer) => {
            this.deliver(buf);
            resolve();
          })
          .catch((err: unknown) => {
            this.onTaskError(err);
            reject(err instanceof Error ? err : new Error(String(err)));
          })
          .finally(() => {
            s.phase = kind === 'flush' ? 'drained' : before === 'drained' ? 'drained' : 'idle';
            if (!this.runQueued(s) && s.phase === 'idle') this.watch(s);
          });
      };
      if (s.phase === 'running') s.queued.push(go);
      else go();
    });
  }

  /** Starts the next task waiting for this shard, if any (one task per shard at a time). */
  private runQueued(s: Shard): boolean {
    const next = s.queued.shift();
    if (!next) return false;
    next();
    return true;
  }

  private deliver(buf: ArrayBuffer): void {
    const count = buf.byteLength / FLOW_REC_BYTES;
    if (count > 0) this.onFlows({ buffer: buf, count });
  }

  private onTaskError(err: unknown): void {
    this.taskErrors++;
    this.lastError = err instanceof Error ? err : new Error(String(err));
  }

  /**
   * Schedules the shard when its ring has something to do; otherwise waits asynchronously on
   * the ring's publish counter. The counter is read before the emptiness check so a publish in
   * between is never missed (waitAsync returns at once when the value has already changed).
   */
  private watch(s: Shard): void {
    if (this.stopping || !this.pool || s.phase !== 'idle') return;
    const seq = Atomics.load(s.header, Slot.publishSeq);
    const closed = Atomics.load(s.header, Slot.closed) !== 0;
    const used = ringUsedBytes(s.buffers.ring);
    if (used > 0) {
      this.dispatch(s);
      return;
    }
    if (closed) {
      s.phase = 'drained';
      this.notifyDrained();
      return;
    }
    s.phase = 'waiting';
    const r = Atomics.waitAsync(s.header, Slot.publishSeq, seq, this.config.tickMs);
    const resume = (): void => {
      if (s.phase !== 'waiting') return;
      s.phase = 'idle';
      this.watch(s);
    };
    if (r.async) void r.value.then(resume);
    else resume();
  }

  private onTick(): void {
    // Idle shards still age their flows (packet time moves on with the producer clock).
    for (const s of this.shards) {
      if (s.phase === 'waiting' || s.phase === 'idle') {
        s.phase = 'idle';
        this.dispatch(s);
      }
    }
  }

  private whenDrained(): Promise<void> {
    if (this.shards.every((s) => s.phase === 'drained')) return Promise.resolve();
    return new Promise((resolve) => {
      this.drainedWaiters.push(resolve);
      for (const s of this.shards) if (s.phase === 'idle' || s.phase === 'waiting') this.recheck(s);
    });
  }

  private recheck(s: Shard): void {
    if (s.phase === 'waiting') s.phase = 'idle';
    this.watch(s);
  }

  private notifyDrained(): void {
    if (!this.shards.every((s) => s.phase === 'drained')) return;
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const w of waiters) w();
  }
}
