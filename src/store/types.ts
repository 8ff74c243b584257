import type { FlowCursor } from '../flow/batch.js';
import type { FlowRecord } from '../flow/record.js';
import type { FilterNode } from '../filter/ast.js';

/**
 * What the API, Socket.IO and the dashboard ask of the flow store. The store's clock is packet
 * time: "now" is the newest packet time seen, so a capture from last year is still a window of
 * queryable data; windows and `from`/`to` are epoch milliseconds of that clock.
 */

/** A compiled filter of the shared filter language (src/filter). */
export interface FlowMatcher {
  matchRecord(r: FlowRecord): boolean;
  /** Matches record `i` of a binary batch without decoding it (compiled filters provide it). */
  matchBatch?(cursor: FlowCursor, i: number): boolean;
  /** The parsed filter, for the store's index planning (compiled filters provide it). */
  readonly ast?: FilterNode;
}

export type FlowState = 'active' | 'ended' | 'all';
export type FlowSortField = 'firstSeen' | 'lastSeen' | 'bytes' | 'packets' | 'duration';
export type SortOrder = 'asc' | 'desc';

export interface FlowQuery {
  filter: FlowMatcher | null;
  /** Flows whose [firstSeen, lastSeen] overlaps [from, to]; defaults: the retention window. */
  from?: number;
  to?: number;
  state: FlowState;
  sort: FlowSortField;
  order: SortOrder;
  /** 1..10_000 */
  limit: number;
  /** Opaque cursor from a previous page of the same query. */
  cursor?: string;
  /**
   * Identifies the query a cursor belongs to (the API passes the filter text, window and
   * state); a cursor from a different query is refused.
   */
  signature?: string;
  /** Also count the matching flows (FlowPage.matched), which the scan finds anyway. */
  count?: boolean;
  /** List the page's flow ids (FlowPage.ids) instead of decoding its records (flows stays empty). */
  idsOnly?: boolean;
}

export interface FlowPage {
  flows: FlowRecord[];
  /** Cursor of the next page, null on the last page. */
  nextCursor: string | null;
  /** With FlowQuery.count: flows matching the query from its cursor on, listed in this page or not. */
  matched?: number;
  /** With FlowQuery.idsOnly: the ids of the page's flows, in page order. */
  ids?: string[];
}

export type TalkerMetric = 'bytes' | 'packets' | 'flows';
export type TalkerDirection = 'src' | 'dst' | 'any';

export interface TopTalkersQuery {
  windowMs: number;
  by: TalkerMetric;
  direction: TalkerDirection;
  limit: number;
  filter: FlowMatcher | null;
}

export interface TopTalker {
  addr: string;
  bytes: number;
  packets: number;
  flows: number;
}

export interface ProtocolStat {
  proto: number;
  name: string;
  bytes: number;
  packets: number;
  flows: number;
}

export interface PortStat {
  proto: number;
  port: number;
  bytes: number;
  packets: number;
  flows: number;
}

export interface TimeseriesQuery {
  windowMs: number;
  stepMs: number;
  filter: FlowMatcher | null;
}

export interface TimeseriesPoint {
  /** Start of the step, epoch ms (packet time). */
  t: number;
  bytes: number;
  packets: number;
  /** Flows that started in the step. */
  flows: number;
}

export interface StoreStats {
  nowMs: number;
  retentionMs: number;
  activeFlows: number;
  endedFlows: number;
  segments: number;
  /** Bytes held by stored records and their indexes. */
  bytes: number;
  maxBytes: number;
  /** Ended flows dropped because the memory bound was reached before their time was up. */
  droppedForMemory: number;
  /** Ended flows that left because the retention window passed. */
  expired: number;
  ingestedBatches: number;
}

/** The read side of the flow store. */
export interface FlowStoreReader {
  nowMs(): number;
  queryFlows(q: FlowQuery): FlowPage;
  getFlow(id: string): FlowRecord | null;
  /** The flow if it is active now (O(1)); null for ended or unknown ids. */
  activeFlow(id: string): FlowRecord | null;
  topTalkers(q: TopTalkersQuery): TopTalker[];
  protocols(windowMs: number): ProtocolStat[];
  ports(windowMs: number, limit: number): PortStat[];
  timeseries(q: TimeseriesQuery): TimeseriesPoint[];
  stats(): StoreStats;
}

/** Thrown for a cursor that is malformed or belongs to another query (API: 400). */
export class BadCursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadCursorError';
  }
}
