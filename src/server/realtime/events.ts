/**
 * The Socket.IO interface of flowmatrix: the events a client (the dashboard, or any
 * socket.io-client user) sends and receives on path `/socket.io` of the API's HTTP server.
 * Types only (plus a few constants), no Node.js imports: a browser bundle may import this file.
 *
 * ```ts
 * import { io, type Socket } from 'socket.io-client';
 * import type { ClientToServerEvents, ServerToClientEvents } from 'flowmatrix/…/events.js';
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io('http://127.0.0.1:8080', {
 *   auth: { token },                         // only when the server has a token
 * });
 * socket.on('connect', () =>                 // also on every reconnection: subscriptions are per connection
 *   socket.emit('subscribe', { filter: 'tcp port 443', topics: ['flows'] }, (ack) => console.log(ack)),
 * );
 * socket.on('flows:update', (u) => console.log(u.active.length, u.ended.length));
 * ```
 */
import type { FlowRecord } from '../../flow/record.js';
import type { SystemSample } from '../../metrics/types.js';
import type { PortStat, ProtocolStat, TalkerMetric, TimeseriesPoint, TopTalker } from '../../store/types.js';

export type { FlowRecord } from '../../flow/record.js';
export type { SystemSample } from '../../metrics/types.js';
export type { PortStat, ProtocolStat, TalkerMetric, TimeseriesPoint, TopTalker } from '../../store/types.js';

/** Socket.IO path (the client's `path` option; its default). */
export const REALTIME_PATH = '/socket.io';

/** What a client can subscribe to. */
export const TOPICS = ['flows', 'metrics', 'toptalkers', 'stats'] as const;
export type Topic = (typeof TOPICS)[number];

/** Windows (ms) that `toptalkers` and `stats` summaries are computed over: 1 min, 5 min, 60 min. */
export const SUMMARY_WINDOWS_MS = [60_000, 300_000, 3_600_000] as const;
export const DEFAULT_SUMMARY_WINDOW_MS = 300_000;
export const TALKER_METRICS: readonly TalkerMetric[] = ['bytes', 'packets', 'flows'];

/** `subscribe`: replaces the connection's subscription (filter and topics) as a whole. */
export interface SubscribeRequest {
  /** Filter language text (the REST API's `filter`); empty or absent: every flow. Applies to `flows`. */
  filter?: string;
  /** Topics to receive; [] stops every update. */
  topics: Topic[];
  /** Options of `toptalkers` (defaults: 5 min window, by bytes, 10 entries, at most 50). */
  toptalkers?: { windowMs?: number; by?: TalkerMetric; limit?: number };
  /** Options of `stats` (default: 5 min window for the protocol and port breakdowns). */
  stats?: { windowMs?: number };
}

/** Why a subscription was refused; for a bad filter, where (as the REST API's BAD_FILTER problem). */
export interface SubscribeError {
  code: 'BAD_FILTER' | 'BAD_REQUEST' | 'RATE_LIMITED';
  message: string;
  /** 0-based character offset of the problem in `filter` (0 for other errors). */
  position: number;
  /** Characters the problem covers (0 at the end of the text). */
  length: number;
  /** What could be typed at `position` instead, best first. */
  suggestions: string[];
}

export type SubscribeAck =
  | {
      ok: true;
      /** The filter's canonical text ('' for every flow). */
      filter: string;
      topics: Topic[];
      /** Most updates per second this connection receives (per topic). */
      maxRate: number;
      /** Most flow records in one `flows:update` (the rest are counted in `omitted`). */
      maxFlowsPerUpdate: number;
    }
  | { ok: false; error: SubscribeError };

/**
 * `flows:update`: flows matching the subscription's filter that changed since the previous
 * update. A flow that changed several times in between comes once, in its latest state (an
 * ended record replaces the active one). Active flows are refreshed by the capture workers
 * twice a second.
 *
 * After every accepted subscribe to `flows`, the first updates are a snapshot (`snapshot` not
 * false): the active flows matching the filter at that moment, the most recently seen first, at
 * most `maxFlowsPerUpdate` per update and 20,000 (the server's per-connection bound) in all;
 * matching active flows past the bound are counted in the last part's `omitted`. A snapshot is
 * sent even when nothing matches (one empty part), so its `'last'` part says the view is complete.
 * Changes follow it.
 */
export interface FlowsUpdate {
  /** Per-connection sequence number, 1 for the first update after a subscribe. */
  seq: number;
  /** Server wall clock when the update was sent, epoch ms. */
  t: number;
  /**
   * Server wall clock when the oldest record of this update reached the server's flow store,
   * epoch ms (update latency = receipt − ingestedAt, plus the capture-to-store delay).
   */
  ingestedAt: number;
  /**
   * `full`: records are listed. `summary`: this connection could not keep up (its unsent
   * backlog stayed high), so only `counts` come until it has caught up again.
   */
  mode: 'full' | 'summary';
  /**
   * false: changes. `'part'` or `'last'`: a part of the snapshot of active flows sent after a
   * subscribe (`'last'`: its final part; more parts come while `'part'`). A snapshot lists only
   * active flows; `counts.active` is the flows the part covers, listed or counted in `omitted`.
   */
  snapshot: false | 'part' | 'last';
  /** Flows still going (`state: 'active'`). */
  active: FlowRecord[];
  /** Flows that ended (`state: 'ended'`, with `endReason`). */
  ended: FlowRecord[];
  /** Matching distinct flows since the previous update, listed or not. */
  counts: { active: number; ended: number };
  /** Matching flows not listed (summary mode, or more than `maxFlowsPerUpdate`). */
  omitted: number;
}

/** `metrics:update`: the system metrics sample (GET /api/v1/metrics/system), once per sampling interval. */
export type MetricsUpdate = SystemSample;

/** `toptalkers:update`: every flow of the window (not filtered), about once a second. */
export interface TopTalkersUpdate {
  t: number;
  /** Store clock (packet time), epoch ms. */
  nowMs: number;
  windowMs: number;
  by: TalkerMetric;
  /** Hosts on either side of a flow, best first. */
  talkers: TopTalker[];
}

/** `stats:update`: throughput and breakdowns of every flow (not filtered), about once a second. */
export interface StatsUpdate {
  t: number;
  /** Store clock (packet time), epoch ms. */
  nowMs: number;
  stepMs: number;
  /**
   * The newest per-second points of traffic (packet time), oldest first. The last ones may
   * still grow: a client keeps one point per `t` and replaces it with the newer value.
   */
  points: TimeseriesPoint[];
  /** Window of the breakdowns, ms. */
  windowMs: number;
  protocols: ProtocolStat[];
  /** Top destination ports (TCP, UDP, SCTP) by bytes. */
  ports: PortStat[];
}

export interface ServerToClientEvents {
  'flows:update': (update: FlowsUpdate) => void;
  'metrics:update': (update: MetricsUpdate) => void;
  'toptalkers:update': (update: TopTalkersUpdate) => void;
  'stats:update': (update: StatsUpdate) => void;
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (answer: SubscribeAck) => void) => void;
}

/** `connect_error` data when the handshake is refused. */
export interface HandshakeErrorData {
  code: 'UNAUTHORIZED';
  message: string;
}

/** The handshake's `auth` object (socket.io-client's `auth` option). */
export interface HandshakeAuth {
  /** The API's bearer token, when the server has one. */
  token?: string;
}
