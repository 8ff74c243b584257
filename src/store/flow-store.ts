import { LRUCache } from 'lru-cache';
import { decodeFlow, FLOW_REC_BYTES, FlowCursor, FR, type FlowBatch } from '../flow/batch.js';
import { EndCode, type FlowRecord } from '../flow/record.js';
import { formatAddress, parseAddress } from '../flow/address.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { protocolName } from '../flow/protocols.js';
import { selectTop } from './select-top.js';
import { CHUNK_RECORDS, RecordChunks } from './record-chunks.js';
import { RunningTotals } from './running-totals.js';
import { Timeseries } from './timeseries.js';
import { HostIndex, hostKey32 } from './host-index.js';
import type { FilterNode } from '../filter/ast.js';
import type {
  FlowMatcher,
  FlowPage,
  FlowQuery,
  FlowStoreReader,
  PortStat,
  ProtocolStat,
  StoreStats,
  TimeseriesPoint,
  TimeseriesQuery,
  TopTalker,
  TopTalkersQuery,
} from './types.js';

export interface FlowStoreConfig {
  /** How long ended flows stay queryable (packet time). */
  retentionMs: number;
  /** Bound on stored records and their indexes; the oldest minutes go first. */
  maxBytes: number;
  /**
   * false: pass flows to the listeners without keeping them (nothing queries the store, e.g.
   * --no-server runs that only write --out).
   */
  keep: boolean;
}

export const DEFAULT_STORE_CONFIG: FlowStoreConfig = {
  retentionMs: 60 * 60_000,
  maxBytes: 1 << 30,
  keep: true,
};

export type FlowBatchListener = (batch: FlowBatch, cursor: FlowCursor) => void;

const MINUTE = 60_000;
const CACHE_TTL_MS = 500;
/** Locations of stored flows in one number: minute << 22 | index (ended), -(slot + 1) (active). */
const INDEX_BITS = 22;
const INDEX_SPAN = 2 ** INDEX_BITS;

/** Ended flows whose lastSeen falls in one minute (packet time). */
interface Segment {
  minute: number;
  records: RecordChunks;
  /** Built on the first query that can use it; covers the records present then. */
  index: HostIndex | null;
}

function validate(c: FlowStoreConfig): FlowStoreConfig {
  if (!(c.retentionMs >= MINUTE)) throw new RangeError('retention must be at least one minute');
  if (!(c.maxBytes >= 1 << 20)) throw new RangeError('the store needs at least 1 MiB');
  return c;
}

/**
 * The main thread's flows: active flows (refreshed by the workers' snapshots) and ended flows
 * for the retention window, in one-minute segments of binary records that leave whole (O(1)
 * per segment, never a scan of every flow). Running totals per host, protocol and port and a
 * per-second time series are updated as flows arrive and leave, so the retention window's top
 * talkers and breakdowns are always ready. The clock is packet time.
 */
export class FlowStore implements FlowStoreReader {
  readonly config: FlowStoreConfig;
  private readonly listeners: FlowBatchListener[] = [];
  private readonly activeIds = new Map<number, number>();
  private readonly active = new RecordChunks();
  private readonly activeFree: number[] = [];
  private readonly segments = new Map<number, Segment>();
  /** Minutes of the segments, oldest first. */
  private minutes: number[] = [];
  private readonly srcHosts = new RunningTotals<string | number>();
  private readonly dstHosts = new RunningTotals<string | number>();
  private readonly anyHosts = new RunningTotals<string | number>();
  private readonly protocolTotals = new RunningTotals<number>();
  private readonly portTotals = new RunningTotals<number>();
  private readonly series: Timeseries;
  private readonly queryCache = new LRUCache<string, object>({ max: 256, ttl: CACHE_TTL_MS });
  private clock = 0;
  private endedCount = 0;
  private expired = 0;
  private droppedForMemory = 0;
  private ingested = 0;
  /** Ended flows received (monotonic, for output counters). */
  endedFlows = 0;
  activeRecords = 0;
  batches = 0;

  constructor(config: Partial<FlowStoreConfig> = {}) {
    this.config = validate({ ...DEFAULT_STORE_CONFIG, ...config });
    this.series = new Timeseries(Math.ceil(this.config.retentionMs / 1000) + 60);
  }

  onBatch(listener: FlowBatchListener): void {
    this.listeners.push(listener);
  }

  nowMs(): number {
    return this.clock;
  }

  /** Takes a batch from the workers: active snapshots and ended flows. */
  ingest(batch: FlowBatch): void {
    this.batches++;
    this.ingested++;
    const cursor = new FlowCursor(batch);
    const view = new DataView(batch.buffer);
    const words = new Int32Array(batch.buffer);
    const bytes = new Uint8Array(batch.buffer);
    for (let i = 0; i < batch.count; i++) {
      const o = i * FLOW_REC_BYTES;
      const last = view.getFloat64(o + FR.lastSeen, true);
      if (last > this.clock) this.clock = last;
      const isActive = view.getUint8(o + FR.endCode) === EndCode.active;
      if (isActive) this.activeRecords++;
      else this.endedFlows++;
      if (!this.config.keep) continue;
      if (isActive) this.ingestActive(view, words, bytes, i);
      else this.ingestEnded(view, words, bytes, i);
    }
    for (const l of this.listeners) l(batch, cursor);
    this.expire();
  }

  /** Drops minutes older than the retention window (also called on a timer by the owner). */
  expire(): void {
    const oldest = Math.floor((this.clock - this.config.retentionMs) / MINUTE);
    while (this.minutes.length > 0 && this.minutes[0] < oldest) this.dropOldest(false);
    while (this.memoryBytes() > this.config.maxBytes && this.minutes.length > 1) this.dropOldest(true);
  }

  stats(): StoreStats {
    return {
      nowMs: this.clock,
      retentionMs: this.config.retentionMs,
      activeFlows: this.activeIds.size,
      endedFlows: this.endedCount,
      segments: this.minutes.length,
      bytes: this.memoryBytes(),
      maxBytes: this.config.maxBytes,
      droppedForMemory: this.droppedForMemory,
      expired: this.expired,
      ingestedBatches: this.ingested,
    };
  }

  // ---- queries -------------------------------------------------------------------------

  queryFlows(q: FlowQuery): FlowPage {
    const from = q.from ?? this.clock - this.config.retentionMs;
    const to = q.to ?? Number.POSITIVE_INFINITY;
    const sig = q.signature ?? '';
    const after = q.cursor ? decodeCursor(q.cursor, q.sort, q.order, sig) : null;
    const desc = q.order === 'desc';
    const values: number[] = [];
    const ids: number[] = [];
    const locs: number[] = [];
    const consider = (cursor: FlowCursor, i: number, loc: number): void => {
      const c = cursor.at(i);
      const first = c.f64(FR.firstSeen);
      const last = c.f64(FR.lastSeen);
      if (last < from || first > to) return;
      if (q.filter && !this.matches(q.filter, cursor, i)) return;
      const v = sortValue(c, q.sort);
      const id = c.f64(FR.id);
      if (after) {
        // Strictly after the cursor in the page order.
        const cmp = v === after.value ? id - after.id : v - after.value;
        if (desc ? cmp >= 0 : cmp <= 0) return;
      }
      values.push(v);
      ids.push(id);
      locs.push(loc);
    };
    if (q.state !== 'ended') this.forEachActive(consider);
    if (q.state !== 'active') {
      const firstMinute = Math.floor(from / MINUTE);
      const host = q.filter?.ast ? requiredHostKey(q.filter.ast) : null;
      for (const m of this.minutes) {
        if (m < firstMinute) continue;
        const seg = this.segments.get(m) as Segment;
        if (host === null) this.forEachInSegment(seg, consider);
        else this.forEachWithHost(seg, host, consider);
      }
    }
    const order = selectTop(values, ids, q.limit + 1, desc);
    const page = order.slice(0, q.limit);
    const flows = q.idsOnly ? [] : page.map((k) => this.recordAt(locs[k]));
    let nextCursor: string | null = null;
    if (order.length > q.limit) {
      const lastK = page[page.length - 1];
      nextCursor = encodeCursor({ sort: q.sort, order: q.order, value: values[lastK], id: ids[lastK], sig });
    }
    const result: FlowPage = { flows, nextCursor };
    if (q.count) result.matched = values.length;
    if (q.idsOnly) result.ids = page.map((k) => String(ids[k]));
    return result;
  }

  activeFlow(id: string): FlowRecord | null {
    const slot = this.activeIds.get(Number(id));
    return slot === undefined ? null : this.recordAt(-(slot + 1));
  }

  getFlow(id: string): FlowRecord | null {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 0) return null;
    const slot = this.activeIds.get(n);
    if (slot !== undefined) return this.recordAt(-(slot + 1));
    for (const m of this.minutes) {
      const seg = this.segments.get(m) as Segment;
      let index = 0;
      for (const batch of seg.records.batches()) {
        const v = new DataView(batch.buffer);
        for (let i = 0; i < batch.count; i++, index++) {
          if (v.getFloat64(i * FLOW_REC_BYTES + FR.id, true) === n)
            return this.recordAt(m * INDEX_SPAN + index);
        }
      }
    }
    return null;
  }

  topTalkers(q: TopTalkersQuery): TopTalker[] {
    if (q.filter !== null) return this.computeTopTalkers(q);
    return this.cached(`top:${q.windowMs}:${q.by}:${q.direction}:${q.limit}`, () =>
      this.computeTopTalkers(q),
    );
  }

  /**
   * Unfiltered breakdowns are asked for again and again (every dashboard, every refresh); their
   * answers are kept for CACHE_TTL_MS of wall time — never staler than the dashboard's push rate.
   */
  private cached<T>(key: string, compute: () => T): T {
    const hit = this.queryCache.get(key) as T | undefined;
    if (hit !== undefined) return hit;
    const value = compute();
    this.queryCache.set(key, value as object);
    return value;
  }

  private computeTopTalkers(q: TopTalkersQuery): TopTalker[] {
    const totals =
      q.filter === null && q.windowMs >= this.config.retentionMs
        ? q.direction === 'src'
          ? this.srcHosts
          : q.direction === 'dst'
            ? this.dstHosts
            : this.anyHosts
        : this.scanHosts(q);
    return totals.top(q.limit, q.by).map((e) => ({
      addr: hostText(e.key),
      bytes: e.bytes,
      packets: e.packets,
      flows: e.flows,
    }));
  }

  protocols(windowMs: number): ProtocolStat[] {
    return this.cached(`proto:${windowMs}`, () => this.computeProtocols(windowMs));
  }

  private computeProtocols(windowMs: number): ProtocolStat[] {
    let rows: { proto: number; bytes: number; packets: number; flows: number }[];
    if (windowMs >= this.config.retentionMs) {
      rows = [...this.protocolTotals.entries()].map((e) => ({
        proto: e.key,
        bytes: e.bytes,
        packets: e.packets,
        flows: e.flows,
      }));
    } else {
      const t = new RunningTotals<number>();
      this.forEachInWindow(windowMs, (c, i) => {
        c.at(i);
        t.add(c.u8(FR.proto), totalBytes(c), totalPackets(c), 1);
      });
      rows = [...t.entries()].map((e) => ({
        proto: e.key,
        bytes: e.bytes,
        packets: e.packets,
        flows: e.flows,
      }));
    }
    return rows
      .sort((a, b) => b.bytes - a.bytes || a.proto - b.proto)
      .map((r) => ({ ...r, name: protocolName(r.proto) }));
  }

  ports(windowMs: number, limit: number): PortStat[] {
    return this.cached(`ports:${windowMs}:${limit}`, () => this.computePorts(windowMs, limit));
  }

  private computePorts(windowMs: number, limit: number): PortStat[] {
    let totals = this.portTotals;
    if (windowMs < this.config.retentionMs) {
      totals = new RunningTotals<number>();
      const t = totals;
      this.forEachInWindow(windowMs, (c, i) => {
        c.at(i);
        const key = portKey(c);
        if (key >= 0) t.add(key, totalBytes(c), totalPackets(c), 1);
      });
    }
    return totals.top(limit, 'bytes').map((e) => ({
      proto: e.key >>> 16,
      port: e.key & 0xffff,
      bytes: e.bytes,
      packets: e.packets,
      flows: e.flows,
    }));
  }

  timeseries(q: TimeseriesQuery): TimeseriesPoint[] {
    const end = Math.floor(this.clock / q.stepMs) * q.stepMs + q.stepMs;
    const start = end - Math.ceil(q.windowMs / q.stepMs) * q.stepMs;
    if (q.filter === null)
      return this.cached(`series:${start}:${end}:${q.stepMs}`, () =>
        this.series.points(start, end, q.stepMs),
      );
    const t = new Timeseries(Math.ceil(q.windowMs / 1000) + 2);
    const filter = q.filter;
    this.forEachInWindow(q.windowMs, (c, i) => {
      if (!this.matches(filter, c, i)) return;
      c.at(i);
      t.add(c.f64(FR.lastSeen), totalBytes(c), totalPackets(c), 0);
      t.add(c.f64(FR.firstSeen), 0, 0, 1);
    });
    return t.points(start, end, q.stepMs);
  }

  // ---- ingest ------------------------------------------------------------------------

  private ingestActive(view: DataView, words: Int32Array, bytes: Uint8Array, i: number): void {
    const o = i * FLOW_REC_BYTES;
    const id = view.getFloat64(o + FR.id, true);
    let slot = this.activeIds.get(id);
    if (slot === undefined) {
      slot = this.activeFree.length > 0 ? (this.activeFree.pop() as number) : this.active.count;
      if (slot === this.active.count) this.active.append(words, i);
      else this.active.copyIn(slot, words, i);
      this.activeIds.set(id, slot);
      this.account(view, bytes, o, null, 1);
      return;
    }
    this.account(view, bytes, o, slot, 0);
    this.active.copyIn(slot, words, i);
  }

  private ingestEnded(view: DataView, words: Int32Array, bytes: Uint8Array, i: number): void {
    const o = i * FLOW_REC_BYTES;
    const id = view.getFloat64(o + FR.id, true);
    const slot = this.activeIds.get(id);
    this.account(view, bytes, o, slot ?? null, slot === undefined ? 1 : 0);
    if (slot !== undefined) {
      this.activeIds.delete(id);
      this.activeFree.push(slot);
    }
    const minute = Math.floor(view.getFloat64(o + FR.lastSeen, true) / MINUTE);
    if (minute < Math.floor((this.clock - this.config.retentionMs) / MINUTE)) {
      // Already older than the window (a file far out of time order): counted, not kept.
      this.unaccount(view, bytes, o);
      this.expired++;
      return;
    }
    this.segmentFor(minute).records.append(words, i);
    this.endedCount++;
  }

  /**
   * Adds what a record brings beyond the previous record of the same flow (the active slot
   * `prev`, or nothing) to the running totals and the time series.
   */
  private account(view: DataView, bytes: Uint8Array, o: number, prev: number | null, newFlow: number): void {
    let dBytes = view.getFloat64(o + FR.srcBytes, true) + view.getFloat64(o + FR.dstBytes, true);
    let dPackets = view.getFloat64(o + FR.srcPackets, true) + view.getFloat64(o + FR.dstPackets, true);
    if (prev !== null) {
      const { batch, index } = this.active.locate(prev);
      const pv = new DataView(batch.buffer, index * FLOW_REC_BYTES, FLOW_REC_BYTES);
      dBytes -= pv.getFloat64(FR.srcBytes, true) + pv.getFloat64(FR.dstBytes, true);
      dPackets -= pv.getFloat64(FR.srcPackets, true) + pv.getFloat64(FR.dstPackets, true);
    }
    this.addTotals(view, bytes, o, dBytes, dPackets, newFlow, 1);
    this.series.add(view.getFloat64(o + FR.lastSeen, true), dBytes, dPackets, 0);
    if (newFlow) this.series.add(view.getFloat64(o + FR.firstSeen, true), 0, 0, 1);
  }

  /** Removes a stored ended flow's whole contribution from the running totals. */
  private unaccount(view: DataView, bytes: Uint8Array, o: number): void {
    const b = view.getFloat64(o + FR.srcBytes, true) + view.getFloat64(o + FR.dstBytes, true);
    const p = view.getFloat64(o + FR.srcPackets, true) + view.getFloat64(o + FR.dstPackets, true);
    this.addTotals(view, bytes, o, b, p, 1, -1);
  }

  private addTotals(
    view: DataView,
    bytes: Uint8Array,
    o: number,
    b: number,
    p: number,
    f: number,
    sign: 1 | -1,
  ): void {
    const v6 = view.getUint8(o + FR.ipVersion) === 6;
    const src = hostKey(bytes, o + FR.srcAddr, v6);
    const dst = hostKey(bytes, o + FR.dstAddr, v6);
    const proto = view.getUint8(o + FR.proto);
    if (sign > 0) {
      this.srcHosts.add(src, b, p, f);
      this.dstHosts.add(dst, b, p, f);
      this.anyHosts.add(src, b, p, f);
      if (dst !== src) this.anyHosts.add(dst, b, p, f);
      this.protocolTotals.add(proto, b, p, f);
    } else {
      this.srcHosts.subtract(src, b, p, f);
      this.dstHosts.subtract(dst, b, p, f);
      this.anyHosts.subtract(src, b, p, f);
      if (dst !== src) this.anyHosts.subtract(dst, b, p, f);
      this.protocolTotals.subtract(proto, b, p, f);
    }
    if (proto === 6 || proto === 17 || proto === 132) {
      const key = proto * 65536 + view.getUint16(o + FR.dstPort, true);
      if (sign > 0) this.portTotals.add(key, b, p, f);
      else this.portTotals.subtract(key, b, p, f);
    }
  }

  private segmentFor(minute: number): Segment {
    let seg = this.segments.get(minute);
    if (!seg) {
      seg = { minute, records: new RecordChunks(), index: null };
      this.segments.set(minute, seg);
      // Minutes nearly always arrive in order; a late one is inserted in place.
      let at = this.minutes.length;
      while (at > 0 && this.minutes[at - 1] > minute) at--;
      this.minutes.splice(at, 0, minute);
    }
    return seg;
  }

  private dropOldest(forMemory: boolean): void {
    const minute = this.minutes.shift() as number;
    const seg = this.segments.get(minute) as Segment;
    this.segments.delete(minute);
    for (const batch of seg.records.batches()) {
      const view = new DataView(batch.buffer);
      const bytes = new Uint8Array(batch.buffer);
      for (let i = 0; i < batch.count; i++) this.unaccount(view, bytes, i * FLOW_REC_BYTES);
    }
    this.endedCount -= seg.records.count;
    if (forMemory) this.droppedForMemory += seg.records.count;
    else this.expired += seg.records.count;
  }

  private memoryBytes(): number {
    let b = this.active.bytes + this.activeIds.size * 40;
    for (const m of this.minutes) {
      const seg = this.segments.get(m) as Segment;
      b += seg.records.bytes + (seg.index?.bytes ?? 0);
    }
    return (
      b +
      this.srcHosts.memoryBytes +
      this.dstHosts.memoryBytes +
      this.anyHosts.memoryBytes +
      this.portTotals.memoryBytes +
      this.series.memoryBytes
    );
  }

  // ---- scans -------------------------------------------------------------------------

  private matches(filter: FlowMatcher, cursor: FlowCursor, i: number): boolean {
    if (filter.matchBatch) return filter.matchBatch(cursor, i);
    return filter.matchRecord(decodeFlow(cursor.batch, i, cursor));
  }

  private forEachActive(fn: (cursor: FlowCursor, i: number, loc: number) => void): void {
    for (const slot of this.activeIds.values()) {
      const { batch, index } = this.active.locate(slot);
      fn(new FlowCursor(batch), index, -(slot + 1));
    }
  }

  private forEachInSegment(seg: Segment, fn: (cursor: FlowCursor, i: number, loc: number) => void): void {
    let base = seg.minute * INDEX_SPAN;
    for (const batch of seg.records.batches()) {
      const cursor = new FlowCursor(batch);
      for (let i = 0; i < batch.count; i++) fn(cursor, i, base + i);
      base += batch.count;
    }
  }

  /**
   * The records of a segment that have host `key` on either side: through the segment's host
   * index (built now if missing, rebuilt when more than a third of the segment is not covered),
   * then a scan of the records added after it was built.
   */
  private forEachWithHost(
    seg: Segment,
    key: number,
    fn: (cursor: FlowCursor, i: number, loc: number) => void,
  ): void {
    const count = seg.records.count;
    if (seg.index === null || (count - seg.index.covered) * 3 > count) seg.index = new HostIndex(seg.records);
    const base = seg.minute * INDEX_SPAN;
    // Records come in ascending order: one cursor per chunk, not one per record.
    let cursor: FlowCursor | null = null;
    let chunkStart = -1;
    const visit = (at: number): void => {
      if (cursor === null || at - chunkStart >= CHUNK_RECORDS) {
        const { batch, index } = seg.records.locate(at);
        cursor = new FlowCursor(batch);
        chunkStart = at - index;
      }
      fn(cursor, at - chunkStart, base + at);
    };
    for (const at of seg.index.lookup(key)) visit(at);
    for (let at = seg.index.covered; at < count; at++) visit(at);
  }

  /** Ended flows of the last `windowMs` and the active flows seen in it. */
  private forEachInWindow(windowMs: number, fn: (cursor: FlowCursor, i: number) => void): void {
    const from = this.clock - windowMs;
    const firstMinute = Math.floor(from / MINUTE);
    for (const m of this.minutes) {
      if (m < firstMinute) continue;
      this.forEachInSegment(this.segments.get(m) as Segment, (c, i) => {
        if (c.at(i).f64(FR.lastSeen) >= from) fn(c, i);
      });
    }
    this.forEachActive((c, i) => {
      if (c.at(i).f64(FR.lastSeen) >= from) fn(c, i);
    });
  }

  private scanHosts(q: TopTalkersQuery): RunningTotals<string | number> {
    const t = new RunningTotals<string | number>();
    const filter = q.filter;
    this.forEachInWindow(q.windowMs, (c, i) => {
      if (filter && !this.matches(filter, c, i)) return;
      c.at(i);
      const v6 = c.ipVersion === 6;
      const b = totalBytes(c);
      const p = totalPackets(c);
      const bytes = new Uint8Array(c.batch.buffer);
      const o = i * FLOW_REC_BYTES;
      const src = hostKey(bytes, o + FR.srcAddr, v6);
      const dst = hostKey(bytes, o + FR.dstAddr, v6);
      if (q.direction !== 'dst') t.add(src, b, p, 1);
      if (q.direction === 'dst' || (q.direction === 'any' && dst !== src)) t.add(dst, b, p, 1);
    });
    return t;
  }

  private recordAt(loc: number): FlowRecord {
    if (loc < 0) return this.active.decode(-loc - 1);
    const minute = Math.floor(loc / INDEX_SPAN);
    return (this.segments.get(minute) as Segment).records.decode(loc - minute * INDEX_SPAN);
  }
}

function totalBytes(c: FlowCursor): number {
  return c.f64(FR.srcBytes) + c.f64(FR.dstBytes);
}

function totalPackets(c: FlowCursor): number {
  return c.f64(FR.srcPackets) + c.f64(FR.dstPackets);
}

function portKey(c: FlowCursor): number {
  const proto = c.u8(FR.proto);
  return proto === 6 || proto === 17 || proto === 132 ? proto * 65536 + c.u16(FR.dstPort) : -1;
}

function sortValue(c: FlowCursor, sort: FlowQuery['sort']): number {
  switch (sort) {
    case 'firstSeen':
      return c.f64(FR.firstSeen);
    case 'lastSeen':
      return c.f64(FR.lastSeen);
    case 'bytes':
      return totalBytes(c);
    case 'packets':
      return totalPackets(c);
    case 'duration':
      return c.f64(FR.lastSeen) - c.f64(FR.firstSeen);
  }
}

/** IPv4 hosts are numbers (cheap Map keys); IPv6 hosts their text. */
function hostKey(bytes: Uint8Array, at: number, v6: boolean): string | number {
  if (!v6) return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  return formatAddress(bytes.subarray(at, at + 16));
}

function hostText(key: string | number): string {
  if (typeof key === 'string') return key;
  return `${key >>> 24}.${(key >>> 16) & 255}.${(key >>> 8) & 255}.${key & 255}`;
}

/**
 * A host every match must have on one side, from the top of the filter (a `host` term, or one
 * inside a top-level `and`): the key to look up in the segments' host indexes; null when the
 * filter requires no single host.
 */
function requiredHostKey(ast: FilterNode): number | null {
  const fromHost = (n: FilterNode): number | null => {
    if (n.kind !== 'host') return null;
    const b = parseAddress(n.address);
    return b === null ? null : hostKey32(b, 0, b.length === 16);
  };
  if (ast.kind === 'host') return fromHost(ast);
  if (ast.kind === 'and') {
    for (const c of ast.children) {
      const k = fromHost(c);
      if (k !== null) return k;
    }
  }
  return null;
}
