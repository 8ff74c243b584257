import { io, type Socket } from 'socket.io-client';
import { compileFilter } from '../../../src/filter/index.js';
import type { SystemSample } from '../../../src/metrics/types.js';
import { ApiServer, createApp, RealtimeHub, type HubOptions } from '../../../src/server/index.js';
import type {
  ClientToServerEvents,
  FlowsUpdate,
  ServerToClientEvents,
  SubscribeAck,
  SubscribeRequest,
} from '../../../src/server/realtime/events.js';
import type { DropReason, RealtimeObserver } from '../../../src/server/realtime/observer.js';
import { FlowStore } from '../../../src/store/index.js';
import { FAKE_CAPTURE, FAKE_SAMPLE, PROMETHEUS_TEXT } from '../../server/helpers/fakes.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Counts what the hub reports, as the Prometheus hooks would. */
export class RecordingObserver implements RealtimeObserver {
  connected = 0;
  messages = new Map<string, number>();
  drops = new Map<DropReason, number>();
  socketConnected(): void {
    this.connected++;
  }
  socketDisconnected(): void {
    this.connected--;
  }
  socketMessage(event: string, count = 1): void {
    this.messages.set(event, (this.messages.get(event) ?? 0) + count);
  }
  socketDrop(reason: DropReason, count = 1): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + count);
  }
}

/** A metrics source the test drives: emit() is a new sample. */
export class FakeMetrics {
  private readonly listeners = new Set<(s: SystemSample) => void>();
  last: SystemSample | null = null;
  on(_event: 'sample', fn: (s: SystemSample) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  latest(): SystemSample | null {
    return this.last;
  }
  emit(s: SystemSample): void {
    this.last = s;
    for (const l of this.listeners) l(s);
  }
}

export interface HubServer {
  url: string;
  store: FlowStore;
  hub: RealtimeHub;
  observer: RecordingObserver;
  metrics: FakeMetrics;
  connect(opts?: {
    token?: string;
    transports?: ('websocket' | 'polling')[];
    headers?: Record<string, string>;
    /** Connection timeout (socket.io-client's default: 20 s). */
    timeoutMs?: number;
  }): ClientSocket;
  stop(): Promise<void>;
}

/** The real app, HTTP server, store and hub on a free loopback port. */
export async function startHubServer(
  options: { hub?: Partial<HubOptions>; token?: string; storeMaxBytes?: number } = {},
): Promise<HubServer> {
  const store = new FlowStore({ retentionMs: 60 * 60_000, maxBytes: options.storeMaxBytes ?? 64 << 20 });
  const observer = new RecordingObserver();
  const metrics = new FakeMetrics();
  const hub = new RealtimeHub(
    { store, compileFilter, metrics, observer },
    { authToken: options.token ?? null, ...options.hub },
  );
  const handle = createApp(
    {
      store,
      capture: { status: () => FAKE_CAPTURE },
      metrics: {
        system: () => FAKE_SAMPLE,
        history: () => [],
        prometheus: async () => PROMETHEUS_TEXT,
        contentType: 'text/plain',
      },
      compileFilter,
      version: 'test',
    },
    { rateLimit: null, authToken: options.token ?? null },
  );
  const server = new ApiServer(handle, { host: '127.0.0.1', port: 0 });
  hub.attach(server.server);
  hub.start();
  const url = await server.start();
  const clients: ClientSocket[] = [];
  return {
    url,
    store,
    hub,
    observer,
    metrics,
    connect(opts = {}) {
      const c: ClientSocket = io(url, {
        transports: opts.transports ?? ['websocket'],
        auth: opts.token === undefined ? {} : { token: opts.token },
        extraHeaders: opts.headers,
        reconnectionDelay: 100,
        reconnectionDelayMax: 200,
        forceNew: true,
        ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
      });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await hub.stop();
      await server.stop();
    },
  };
}

export function connected(c: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (c.connected) return resolve();
    c.once('connect', () => resolve());
    c.once('connect_error', (e) => reject(e));
  });
}

export function subscribe(c: ClientSocket, request: SubscribeRequest): Promise<SubscribeAck> {
  return c.timeout(5000).emitWithAck('subscribe', request);
}

/**
 * Collects flows:update events; `latest` keeps the newest record per flow id, `changes` the
 * updates that are not part of a subscribe's snapshot of active flows.
 */
export function collectFlows(c: ClientSocket): {
  updates: FlowsUpdate[];
  changes: FlowsUpdate[];
  received: Array<{ at: number; update: FlowsUpdate }>;
  latest: Map<string, FlowsUpdate['active'][number]>;
} {
  const out = {
    updates: [] as FlowsUpdate[],
    changes: [] as FlowsUpdate[],
    received: [] as Array<{ at: number; update: FlowsUpdate }>,
    latest: new Map<string, FlowsUpdate['active'][number]>(),
  };
  c.on('flows:update', (u) => {
    out.updates.push(u);
    if (u.snapshot === false) out.changes.push(u);
    out.received.push({ at: performance.now(), update: u });
    for (const f of [...u.active, ...u.ended]) out.latest.set(f.id, f);
  });
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until true, or fails after `ms`. */
export async function waitFor(probe: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
