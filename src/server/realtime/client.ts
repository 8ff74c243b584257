import type { Socket } from 'socket.io';
import type { FlowCursor } from '../../flow/batch.js';
import type { SystemSample } from '../../metrics/types.js';
import type { FlowMatcher } from '../../store/types.js';
import { dropTransport, type Backlog } from './backlog.js';
import type { FlowsUpdate, ServerToClientEvents, Topic } from './events.js';
import type { RealtimeObserver } from './observer.js';
import type { HubOptions } from './options.js';
import { PendingFlows } from './pending-flows.js';
import { ActiveSnapshot, type ActiveScan, type SnapshotPart } from './snapshot.js';
import type { Turn } from './round-queue.js';
import type { RecordCache } from './record-cache.js';
import type { Summaries } from './summaries.js';
import { NO_SUBSCRIPTION, type Subscription } from './subscription.js';
import { PreEncoded } from './wire.js';

/** Events the server accepts; their arguments come from the network and are checked. */
export interface IncomingEvents {
  subscribe: (request: unknown, ack: unknown) => void;
}

/**
 * What the server emits: the public events, with flows:update assembled from pre-encoded
 * records (same JSON on the wire: see wire.ts).
 */
export type OutgoingEvents = Omit<ServerToClientEvents, 'flows:update'> & {
  'flows:update': (update: PreEncoded) => void;
};

export type HubSocket = Socket<IncomingEvents, OutgoingEvents>;

/** FlowsUpdate as JSON, from the records' JSON (field for field the FlowsUpdate interface). */
function flowsUpdateJson(
  u: Omit<FlowsUpdate, 'active' | 'ended'>,
  active: string[],
  ended: string[],
): string {
  return (
    `{"seq":${u.seq},"t":${u.t},"ingestedAt":${u.ingestedAt},"mode":"${u.mode}",` +
    `"snapshot":${u.snapshot === false ? 'false' : `"${u.snapshot}"`},` +
    `"active":[${active.join(',')}],"ended":[${ended.join(',')}],` +
    `"counts":{"active":${u.counts.active},"ended":${u.counts.ended}},"omitted":${u.omitted}}`
  );
}

/** What every connection shares. */
export interface ClientEnv {
  options: HubOptions;
  cache: RecordCache;
  summaries: Summaries;
  observer: RealtimeObserver;
  latestSample(): SystemSample | null;
  /** The store scan for the snapshot of active flows after a subscribe (shared, see ActiveScans). */
  activeScan(filter: FlowMatcher | null, filterText: string, bound: number): ActiveScan;
  /** The JSON of an active flow by id (null once it has ended), for the snapshot's parts. */
  activeJson(id: string): string | null;
  /** Monotonic milliseconds. */
  now(): number;
  /** Measures the connection's unsent data (tests may replace it). */
  backlog(socket: HubSocket): Backlog;
  /** Gives the connection a turn to send soon (see RoundQueue). */
  enqueue(turn: Turn): void;
}

export interface ClientStats {
  id: string;
  mode: 'full' | 'summary';
  filter: string;
  topics: Topic[];
  /** Distinct flows waiting for the next update. */
  pendingFlows: number;
  /** Unsent bytes in engine.io and the WebSocket at the last check. */
  backlogBytes: number;
  backlogPackets: number;
  /** How long the connection has been backed up, ms (0 when it is not). */
  backedUpMs: number;
  updatesSent: number;
}

type SummaryTopic = 'metrics' | 'toptalkers' | 'stats';

/**
 * One connection: its subscription, the flows waiting for it, its throttle (at most
 * `maxRate` rounds of updates per second, the first one at once) and its backpressure state:
 * a round is only sent when everything sent before has left the process; while it has not,
 * new data is coalesced into the waiting set (bounded). Backed up for `downgradeAfterMs`, the
 * connection gets counts instead of records; for `disconnectAfterMs`, it is closed.
 */
export class ClientConnection implements Turn {
  subscription: Subscription = NO_SUBSCRIPTION;
  private readonly pending: PendingFlows;
  /** The active flows still to send after a subscribe, before any change; null when done. */
  private snapshot: ActiveSnapshot | null = null;
  private readonly dirty = new Set<SummaryTopic>();
  private readonly minIntervalMs: number;
  private mode: 'full' | 'summary' = 'full';
  private seq = 0;
  private lastRound = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private queued = false;
  private backedUpSince: number | null = null;
  private clearSince: number | null = null;
  private lastBacklog: Backlog = { writable: true, packets: 0, bytes: 0 };
  private subscribeTimes: number[] = [];
  private closed = false;
  updatesSent = 0;

  constructor(
    readonly socket: HubSocket,
    private readonly env: ClientEnv,
  ) {
    this.pending = new PendingFlows(env.options.maxPendingFlows);
    this.minIntervalMs = 1000 / env.options.maxRate;
  }

  get id(): string {
    return this.socket.id;
  }

  wants(topic: Topic): boolean {
    return this.subscription.topics.has(topic);
  }

  /** False when the connection sent more subscribes in the last second than allowed. */
  allowSubscribe(): boolean {
    const now = this.env.now();
    this.subscribeTimes = this.subscribeTimes.filter((t) => now - t < 1000);
    if (this.subscribeTimes.length >= this.env.options.maxSubscribesPerSec) return false;
    this.subscribeTimes.push(now);
    return true;
  }

  /**
   * Replaces the subscription; flows matched under the previous filter are forgotten. With
   * `flows`, the next rounds send the snapshot of the matching active flows, then changes.
   */
  subscribe(s: Subscription): void {
    this.subscription = s;
    this.pending.clear();
    this.snapshot = s.topics.has('flows')
      ? new ActiveSnapshot(
          () => this.env.activeScan(s.filter, s.filterText, this.env.options.maxPendingFlows),
          (id) => this.env.activeJson(id),
        )
      : null;
    this.seq = 0;
    this.dirty.clear();
    for (const t of ['metrics', 'toptalkers', 'stats'] as const) if (s.topics.has(t)) this.dirty.add(t);
    this.schedule();
  }

  /** A matching record of an ingested batch (the hub matched it against this filter). */
  offer(cursor: FlowCursor, i: number, id: number, ended: boolean, ingestedAt: number): void {
    this.pending.add(cursor, i, id, ended, ingestedAt);
  }

  /** A new metrics sample or summary period: send the topic's latest in the next round. */
  touch(topic: SummaryTopic): void {
    if (!this.wants(topic)) return;
    this.dirty.add(topic);
    this.schedule();
  }

  /** Asks for a round: at the next turn if due, else when due. */
  schedule(): void {
    if (this.closed || this.queued || this.timer !== null) return;
    const wait = this.lastRound + this.minIntervalMs - this.env.now();
    if (wait <= 0) this.enqueue();
    else this.arm(wait);
  }

  runTurn(): void {
    this.queued = false;
    this.round();
  }

  private enqueue(): void {
    this.queued = true;
    this.env.enqueue(this);
  }

  /** Stops the timers and forgets what waits; the connection itself is left to the caller. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.snapshot = null;
  }

  stats(): ClientStats {
    return {
      id: this.id,
      mode: this.mode,
      filter: this.subscription.filterText,
      topics: [...this.subscription.topics],
      pendingFlows: this.pending.size,
      backlogBytes: this.lastBacklog.bytes,
      backlogPackets: this.lastBacklog.packets,
      backedUpMs: this.backedUpSince === null ? 0 : this.env.now() - this.backedUpSince,
      updatesSent: this.updatesSent,
    };
  }

  private arm(ms: number): void {
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.round();
      },
      Math.max(1, ms),
    );
    this.timer.unref();
  }

  private hasWork(): boolean {
    return this.dirty.size > 0 || (this.wants('flows') && (this.snapshot !== null || !this.pending.empty));
  }

  private round(): void {
    if (this.closed || !this.hasWork()) return;
    const o = this.env.options;
    const now = this.env.now();
    const wait = this.lastRound + this.minIntervalMs - now;
    if (wait > 0) return this.arm(wait);

    const b = this.env.backlog(this.socket);
    this.lastBacklog = b;
    if (!b.writable || b.packets > 0 || b.bytes > o.highWaterBytes) {
      this.backedUpSince ??= now;
      this.clearSince = null;
      const stuckMs = now - this.backedUpSince;
      this.env.observer.socketDrop('backed-up');
      if (stuckMs >= o.disconnectAfterMs) {
        this.env.observer.socketDrop('disconnected');
        this.env.options.logger?.warn(
          { client: this.id, stuckMs, backlog: b },
          'closing a stalled connection',
        );
        this.close();
        dropTransport(this.socket.conn);
        return;
      }
      if (this.mode === 'full' && stuckMs >= o.downgradeAfterMs) this.downgrade(stuckMs, b);
      // Check again within a period even if no new data comes, so a stall is always detected.
      return this.arm(Math.min(this.minIntervalMs, 250));
    }
    this.backedUpSince = null;
    if (this.mode === 'summary') {
      this.clearSince ??= now;
      if (now - this.clearSince >= o.recoverAfterMs) {
        this.mode = 'full';
        this.pending.setRetain(true);
        this.env.options.logger?.info({ client: this.id }, 'connection caught up: full updates again');
      }
    }
    this.lastRound = now;
    this.send();
  }

  private downgrade(stuckMs: number, b: Backlog): void {
    this.mode = 'summary';
    this.pending.setRetain(false);
    this.env.observer.socketDrop('downgraded');
    this.env.options.logger?.warn(
      { client: this.id, stuckMs, backlog: b },
      'slow connection: summaries only',
    );
  }

  private send(): void {
    const { observer, summaries } = this.env;
    const s = this.subscription;
    const limit = this.mode === 'full' ? this.env.options.maxFlowsPerUpdate : 0;
    if (this.wants('flows') && this.snapshot !== null) {
      // One part per round, through the same throttle and backpressure checks as changes, which
      // wait (coalesced, bounded) until the snapshot is complete.
      this.sendSnapshotPart(this.snapshot, limit);
    } else if (this.wants('flows') && !this.pending.empty) {
      const taken = this.pending.take(limit, this.env.cache);
      const t = Date.now();
      this.emitFlows(
        {
          seq: ++this.seq,
          t,
          ingestedAt: Number.isNaN(taken.ingestedAt) ? t : taken.ingestedAt,
          mode: this.mode,
          snapshot: false,
          counts: taken.counts,
          omitted: taken.omitted,
        },
        taken.active,
        taken.ended,
      );
    }
    if (this.dirty.has('metrics')) {
      const sample = this.env.latestSample();
      if (sample) {
        this.socket.emit('metrics:update', sample);
        observer.socketMessage('metrics:update');
      }
    }
    if (this.dirty.has('toptalkers')) {
      this.socket.emit('toptalkers:update', summaries.talkers(s.talkers));
      observer.socketMessage('toptalkers:update');
    }
    if (this.dirty.has('stats')) {
      this.socket.emit('stats:update', summaries.stats(s.statsWindowMs));
      observer.socketMessage('stats:update');
    }
    this.dirty.clear();
    // More snapshot parts, or changes that came while one was sent: the next round.
    if (this.hasWork()) this.schedule();
  }

  private sendSnapshotPart(snapshot: ActiveSnapshot, limit: number): void {
    let part: SnapshotPart;
    try {
      part = snapshot.next(limit);
    } catch (err) {
      // A store that cannot page its own query: end the snapshot rather than the connection.
      this.env.options.logger?.warn({ client: this.id, err }, 'snapshot of active flows failed');
      part = { active: [], omitted: 0, last: true };
    }
    if (part.last) this.snapshot = null;
    const t = Date.now();
    this.emitFlows(
      {
        seq: ++this.seq,
        t,
        ingestedAt: t,
        mode: this.mode,
        snapshot: part.last ? 'last' : 'part',
        counts: { active: part.active.length + part.omitted, ended: 0 },
        omitted: part.omitted,
      },
      part.active,
      [],
    );
  }

  private emitFlows(head: Omit<FlowsUpdate, 'active' | 'ended'>, active: string[], ended: string[]): void {
    const observer = this.env.observer;
    this.socket.emit('flows:update', new PreEncoded(flowsUpdateJson(head, active, ended)));
    observer.socketMessage('flows:update');
    if (head.omitted > 0) observer.socketDrop('flows-omitted', head.omitted);
    this.updatesSent++;
  }
}
