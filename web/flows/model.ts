import type { FlowRecord, FlowsUpdate } from '../../src/server/realtime/events.js';

export type SortKey =
  | 'lastSeen'
  | 'firstSeen'
  | 'bytes'
  | 'packets'
  | 'duration'
  | 'proto'
  | 'srcAddr'
  | 'srcPort'
  | 'dstAddr'
  | 'dstPort'
  | 'state';

const totalBytes = (f: FlowRecord): number => f.srcBytes + f.dstBytes;
const totalPackets = (f: FlowRecord): number => f.srcPackets + f.dstPackets;

const KEYS: Record<SortKey, (f: FlowRecord) => number | string> = {
  lastSeen: (f) => f.lastSeen,
  firstSeen: (f) => f.firstSeen,
  bytes: totalBytes,
  packets: totalPackets,
  duration: (f) => f.lastSeen - f.firstSeen,
  proto: (f) => f.proto,
  srcAddr: (f) => f.srcAddr,
  srcPort: (f) => f.srcPort,
  dstAddr: (f) => f.dstAddr,
  dstPort: (f) => f.dstPort,
  state: (f) => f.state,
};

/** Keys whose first click sorts ascending (names and numbers read top-down). */
const ASCENDING_FIRST = new Set<SortKey>(['proto', 'srcAddr', 'srcPort', 'dstAddr', 'dstPort', 'state']);

/** Rows kept at most; past it the ended flows seen longest ago go first, then active ones. */
export const MAX_ROWS = 20_000;

/**
 * The flows the table shows: the initial page from the REST API plus live updates, one row per
 * flow id (the newer record wins; an ended record is final). While paused, updates wait
 * (coalesced by id, bounded) and are applied on resume.
 */
export class FlowModel {
  private readonly rows = new Map<string, FlowRecord>();
  private readonly held = new Map<string, FlowRecord>();
  private sorted: FlowRecord[] = [];
  private dirty = true;
  paused = false;
  sortKey: SortKey = 'lastSeen';
  descending = true;
  /** Records left out of live updates by the server (bounds or slow link), since the last reset. */
  omitted = 0;
  onChange: () => void = () => {};

  get size(): number {
    return this.rows.size;
  }

  get heldCount(): number {
    return this.held.size;
  }

  reset(initial: FlowRecord[]): void {
    this.rows.clear();
    this.held.clear();
    this.omitted = 0;
    for (const f of initial) this.put(this.rows, f);
    this.changed();
  }

  apply(u: FlowsUpdate): void {
    this.omitted += u.omitted;
    const target = this.paused ? this.held : this.rows;
    for (const f of u.ended) this.put(target, f);
    for (const f of u.active) this.put(target, f);
    if (this.paused) {
      while (this.held.size > MAX_ROWS) this.held.delete(this.held.keys().next().value as string);
      this.onChange();
      return;
    }
    this.trim();
    this.changed();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      for (const f of this.held.values()) this.put(this.rows, f);
      this.held.clear();
      this.trim();
      this.changed();
    } else this.onChange();
  }

  setSort(key: SortKey): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = !ASCENDING_FIRST.has(key);
    }
    this.changed();
  }

  get(id: string): FlowRecord | undefined {
    return this.rows.get(id);
  }

  /** Rows in table order (sorted lazily, once per change). */
  view(): FlowRecord[] {
    if (this.dirty) {
      const key = KEYS[this.sortKey];
      const dir = this.descending ? -1 : 1;
      this.sorted = [...this.rows.values()].sort((a, b) => {
        const x = key(a);
        const y = key(b);
        if (x === y) return b.lastSeen - a.lastSeen;
        return (x < y ? -1 : 1) * dir;
      });
      this.dirty = false;
    }
    return this.sorted;
  }

  private put(map: Map<string, FlowRecord>, f: FlowRecord): void {
    const old = map.get(f.id);
    if (old && (old.state === 'ended' || old.lastSeen > f.lastSeen) && f.state !== 'ended') return;
    map.set(f.id, f);
  }

  private trim(): void {
    if (this.rows.size <= MAX_ROWS) return;
    const byAge = [...this.rows.values()].sort((a, b) =>
      a.state === b.state ? a.lastSeen - b.lastSeen : a.state === 'ended' ? -1 : 1,
    );
    for (let i = 0; this.rows.size > MAX_ROWS; i++) this.rows.delete(byAge[i].id);
  }

  private changed(): void {
    this.dirty = true;
    this.onChange();
  }
}
