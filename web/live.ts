import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  HandshakeErrorData,
  ServerToClientEvents,
  SubscribeAck,
  SubscribeRequest,
} from '../src/server/realtime/events.js';
import { getToken } from './token.js';

export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'unauthorized' | 'offline';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveHandlers {
  state(s: LinkState, detail: string): void;
  /** Answer to every subscribe (also the automatic one after a reconnection). */
  ack(a: SubscribeAck): void;
  /** The connection came back after a loss: data may have been missed. */
  resumed(): void;
}

function isHandshakeError(v: unknown): v is HandshakeErrorData {
  return typeof v === 'object' && v !== null && typeof (v as HandshakeErrorData).code === 'string';
}

/**
 * The Socket.IO connection. Subscriptions belong to a connection, so the current one is sent
 * again on every (re)connection; socket.io-client reconnects by itself with backoff.
 */
export class Live {
  readonly socket: LiveSocket;
  private request: SubscribeRequest = { topics: [] };
  private everConnected = false;

  constructor(private readonly h: LiveHandlers) {
    this.socket = io({
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      auth: (cb) => cb({ token: getToken() ?? undefined }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      autoConnect: false,
    });
    const s = this.socket;
    s.on('connect', () => {
      h.state('live', '');
      if (this.everConnected) h.resumed();
      this.everConnected = true;
      this.send();
    });
    s.on('disconnect', (reason) => {
      h.state(s.active ? 'reconnecting' : 'offline', reason);
    });
    s.on('connect_error', (err) => {
      const data: unknown = (err as Error & { data?: unknown }).data;
      if (isHandshakeError(data) && data.code === 'UNAUTHORIZED') h.state('unauthorized', data.message);
      else h.state(this.everConnected ? 'reconnecting' : 'connecting', err.message);
    });
    s.io.on('reconnect_attempt', (n) => h.state('reconnecting', `attempt ${n}`));
  }

  start(): void {
    this.h.state('connecting', '');
    this.socket.connect();
  }

  /** Reconnects now (after a new token was entered). */
  restart(): void {
    this.socket.disconnect();
    this.start();
  }

  subscribe(request: SubscribeRequest): void {
    this.request = request;
    if (this.socket.connected) this.send();
  }

  private send(): void {
    const request = this.request;
    this.socket.timeout(10_000).emit('subscribe', request, (err, ack) => {
      // No answer: the connection is going, and connecting sends it again. An answer to a
      // request replaced since then is stale.
      if (err || request !== this.request) return;
      this.h.ack(ack);
    });
  }
}
