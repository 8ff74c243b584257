import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { FlowBatch, FlowCursor } from '../../flow/batch.js';
import type { CompiledFilter } from '../../filter/index.js';
import type { SystemSample } from '../../metrics/types.js';
import type { FlowStoreReader } from '../../store/types.js';
import { dropTransport, measureBacklog } from './backlog.js';
import {
  ClientConnection,
  type ClientEnv,
  type ClientStats,
  type HubSocket,
  type IncomingEvents,
  type OutgoingEvents,
} from './client.js';
import { REALTIME_PATH, type SubscribeAck } from './events.js';
import { originCheck, tokenMiddleware } from './handshake.js';
import { NULL_OBSERVER, type RealtimeObserver } from './observer.js';
import { resolveHubOptions, type HubOptions } from './options.js';
import { FilterIndex } from './filter-index.js';
import { MatchQueue, type Group } from './match-queue.js';
import { RecordCache } from './record-cache.js';
import { ActiveScans } from './snapshot.js';
import { RoundQueue } from './round-queue.js';
import { Summaries } from './summaries.js';
import { parseSubscription } from './subscription.js';
import { realtimeParser } from './wire.js';

export interface HubDeps {
  /**
   * The flow store: the hub listens to its batches, reads its summaries and pages its active
   * flows (queryFlows) for the snapshot a subscriber gets first.
   */
  store: FlowStoreReader & {
    onBatch(listener: (batch: FlowBatch, cursor: FlowCursor) => void): void;
  };
  compileFilter(text: string): CompiledFilter;
  /** System metrics (src/metrics' SystemMetricsCollector); absent: no `metrics` topic data. */
  metrics?: {
    on(event: 'sample', listener: (s: SystemSample) => void): () => void;
    latest(): SystemSample | null;
  };
  observer?: RealtimeObserver;
}

/**
 * Milliseconds of matching, and of send rounds, per event-loop iteration: matching feeds
 * every connection, so it gets more (a backlog of unmatched records is latency for all).
 */
const MATCH_BUDGET_MS = 20;
const ROUND_BUDGET_MS = 8;

export interface HubStats {
  connections: number;
  /** Distinct flows waiting over all connections. */
  pendingFlows: number;
  /** Unsent bytes over all connections at their last check. */
  backlogBytes: number;
  /** Distinct filters among connections subscribed to flows. */
  filterGroups: number;
  /** Records of ingested batches not matched yet. */
  unmatched: number;
  /** Records encoded for sending (a record sent to several connections is encoded once). */
  encodes: number;
  /** Store scans for subscribe snapshots, and snapshots served by a scan made for another connection. */
  snapshotScans: number;
  snapshotScansShared: number;
  clients: ClientStats[];
}

/**
 * Socket.IO on the API's HTTP server (path /socket.io): authenticated connections subscribe
 * with a filter and topics, and get flows matching their filter, metrics samples and summaries,
 * each connection throttled and backpressured on its own (see ClientConnection). Matching runs
 * on the store's binary batches as they arrive, once per distinct filter; records are encoded
 * as JSON only when sent, once whatever the number of connections. `new` starts nothing: attach() puts it on a server, start() begins pushing,
 * stop() closes every connection.
 */
export class RealtimeHub {
  readonly options: HubOptions;
  private io: Server<IncomingEvents, OutgoingEvents> | null = null;
  private readonly clients = new Map<string, ClientConnection>();
  private groups = new FilterIndex<Group<ClientConnection>>([]);
  private groupsStale = true;
  private readonly cache = new RecordCache();
  private readonly scans: ActiveScans;
  private readonly matching = new MatchQueue<ClientConnection>(MATCH_BUDGET_MS, () => this.groupList());
  private readonly summaries: Summaries;
  private readonly observer: RealtimeObserver;
  private readonly env: ClientEnv;
  private listening = false;
  private running = false;
  private summaryTimer: NodeJS.Timeout | null = null;
  private unsubscribeMetrics: (() => void) | null = null;

  constructor(
    private readonly deps: HubDeps,
    options: Partial<HubOptions> = {},
  ) {
    this.options = resolveHubOptions(options);
    this.observer = deps.observer ?? NULL_OBSERVER;
    this.summaries = new Summaries(deps.store, this.options.statsPoints);
    this.scans = new ActiveScans({
      query: (q) => deps.store.queryFlows(q),
      activeFlow: (id) => deps.store.activeFlow(id),
    });
    const rounds = new RoundQueue(ROUND_BUDGET_MS);
    this.env = {
      options: this.options,
      cache: this.cache,
      summaries: this.summaries,
      observer: this.observer,
      latestSample: () => deps.metrics?.latest() ?? null,
      activeScan: (filter, text, bound) => this.scans.get(filter, text, bound),
      activeJson: (id) => this.scans.activeJson(id),
      now: () => performance.now(),
      backlog: (socket) => measureBacklog(socket.conn),
      enqueue: (turn) => rounds.add(turn),
    };
  }

  /** Serves Socket.IO on `server` (same port as the API). */
  attach(server: HttpServer): void {
    if (this.io) throw new Error('the realtime hub is already attached');
    const o = this.options;
    const io = new Server<IncomingEvents, OutgoingEvents>(server, {
      path: REALTIME_PATH,
      serveClient: false,
      parser: realtimeParser,
      maxHttpBufferSize: o.maxMessageBytes,
      pingInterval: 10_000,
      pingTimeout: 10_000,
      allowRequest: originCheck(o.corsOrigins, () => this.observer.socketDrop('origin')),
      ...(o.corsOrigins.length > 0
        ? { cors: { origin: o.corsOrigins.includes('*') ? '*' : o.corsOrigins } }
        : {}),
    });
    if (o.authToken !== null) {
      io.use(tokenMiddleware(o.authToken, () => this.observer.socketDrop('unauthorized')));
    }
    io.on('connection', (socket) => this.connected(socket));
    this.io = io;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (!this.listening) {
      // The store has no way to remove a listener: registered once, idle while stopped.
      this.listening = true;
      this.deps.store.onBatch((batch, cursor) => {
        this.scans.invalidate();
        if (this.running) this.ingest(batch, cursor);
      });
    }
    this.unsubscribeMetrics =
      this.deps.metrics?.on('sample', () => {
        for (const c of this.clients.values()) c.touch('metrics');
      }) ?? null;
    this.summaryTimer = setInterval(() => this.summaryPeriod(), this.options.summaryIntervalMs);
    this.summaryTimer.unref();
  }

  /** Closes every connection and stops pushing; the HTTP server is left to its owner. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    this.summaryTimer = null;
    this.unsubscribeMetrics?.();
    this.unsubscribeMetrics = null;
    this.matching.clear();
    // Transports are dropped rather than disconnected, so clients reconnect to the next run of
    // the server by themselves (a server disconnect would tell them not to).
    for (const c of this.clients.values()) {
      c.close();
      dropTransport(c.socket.conn);
    }
    // io.close() would also close the HTTP server, which belongs to its owner.
    this.io?.engine.close();
  }

  stats(): HubStats {
    const clients = [...this.clients.values()].map((c) => c.stats());
    return {
      connections: clients.length,
      pendingFlows: clients.reduce((n, c) => n + c.pendingFlows, 0),
      backlogBytes: clients.reduce((n, c) => n + c.backlogBytes, 0),
      filterGroups: this.groupList().size,
      unmatched: this.matching.backlog,
      encodes: this.cache.encodes,
      snapshotScans: this.scans.scans,
      snapshotScansShared: this.scans.shared,
      clients,
    };
  }

  private connected(socket: HubSocket): void {
    const client = new ClientConnection(socket, this.env);
    this.clients.set(socket.id, client);
    this.observer.socketConnected();
    socket.on('subscribe', (request, ack) => {
      const answer = this.subscribe(client, request);
      if (typeof ack === 'function') ack(answer);
    });
    socket.conn.on('drain', () => client.schedule());
    socket.on('disconnect', () => {
      client.close();
      this.clients.delete(socket.id);
      this.groupsStale = true;
      this.observer.socketDisconnected();
    });
  }

  private subscribe(client: ClientConnection, request: unknown): SubscribeAck {
    if (!client.allowSubscribe()) {
      const message = `at most ${this.options.maxSubscribesPerSec} subscribes per second`;
      return { ok: false, error: { code: 'RATE_LIMITED', message, position: 0, length: 0, suggestions: [] } };
    }
    const parsed = parseSubscription(request, this.deps.compileFilter);
    if (!parsed.ok) return parsed;
    const s = parsed.subscription;
    client.subscribe(s);
    this.groupsStale = true;
    return {
      ok: true,
      filter: s.filterText,
      topics: [...s.topics],
      maxRate: this.options.maxRate,
      maxFlowsPerUpdate: this.options.maxFlowsPerUpdate,
    };
  }

  private groupList(): FilterIndex<Group<ClientConnection>> {
    if (!this.groupsStale) return this.groups;
    const byText = new Map<string, Group<ClientConnection>>();
    for (const c of this.clients.values()) {
      if (!c.wants('flows')) continue;
      const s = c.subscription;
      let g = byText.get(s.filterText);
      if (!g) byText.set(s.filterText, (g = { filter: s.filter, clients: [], hit: false }));
      g.clients.push(c);
    }
    this.groups = new FilterIndex([...byText.values()]);
    this.groupsStale = false;
    return this.groups;
  }

  private ingest(batch: FlowBatch, cursor: FlowCursor): void {
    if (this.groupList().size > 0) this.matching.add(batch, cursor);
  }

  private summaryPeriod(): void {
    // Shared snapshot scans and records are exact until the next batch; without traffic there
    // is none, and they would stay in memory: let them go once a period as well.
    this.scans.invalidate();
    this.summaries.refresh();
    for (const c of this.clients.values()) {
      c.touch('toptalkers');
      c.touch('stats');
    }
  }
}
