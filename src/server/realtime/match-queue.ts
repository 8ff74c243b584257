import { FLOW_REC_BYTES, FR, type FlowBatch, type FlowCursor } from '../../flow/batch.js';
import { EndCode } from '../../flow/record.js';
import type { CompiledFilter } from '../../filter/index.js';
import type { FilterIndex } from './filter-index.js';

/** Connections subscribed to `flows` with one filter (matched once per record for all). */
export interface Group<C> {
  filter: CompiledFilter | null;
  clients: C[];
  /** Matched a record in the current run: its connections are scheduled at the run's end. */
  hit: boolean;
}

export interface Offeree {
  offer(cursor: FlowCursor, i: number, id: number, ended: boolean, ingestedAt: number): void;
  schedule(): void;
}

interface Work {
  cursor: FlowCursor;
  view: DataView;
  count: number;
  next: number;
  ingestedAt: number;
}

/** Records matched between two looks at the clock. */
const SLICE = 1024;

/**
 * Matches the store's batches against every distinct filter, in order, a few milliseconds per
 * event-loop iteration: a snapshot of every active flow can hold 100k records, and matching it
 * against many filters in one go would hold the event loop (and the sends it feeds) for that long.
 */
export class MatchQueue<C extends Offeree> {
  private queue: Work[] = [];
  private head = 0;
  private scheduled = false;

  constructor(
    private readonly budgetMs: number,
    private readonly groups: () => FilterIndex<Group<C>>,
  ) {}

  /** Records waiting to be matched (for the hub's figures). */
  get backlog(): number {
    let n = 0;
    for (let k = this.head; k < this.queue.length; k++) n += this.queue[k].count - this.queue[k].next;
    return n;
  }

  add(batch: FlowBatch, cursor: FlowCursor): void {
    if (batch.count === 0) return;
    this.queue.push({
      cursor,
      view: new DataView(batch.buffer),
      count: batch.count,
      next: 0,
      ingestedAt: Date.now(),
    });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.run());
    }
  }

  clear(): void {
    this.queue = [];
    this.head = 0;
  }

  private run(): void {
    this.scheduled = false;
    const end = performance.now() + this.budgetMs;
    const index = this.groups();
    while (this.head < this.queue.length && performance.now() < end) {
      const w = this.queue[this.head];
      const stop = Math.min(w.count, w.next + SLICE);
      this.match(index, w, w.next, stop);
      w.next = stop;
      if (w.next >= w.count) this.queue[this.head++] = undefined as unknown as Work;
    }
    // Once per group and run, not per matched record and connection.
    for (const g of index.groups) {
      if (!g.hit) continue;
      g.hit = false;
      for (const c of g.clients) c.schedule();
    }
    if (this.head < this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.run());
    } else {
      this.queue = [];
      this.head = 0;
    }
  }

  private match(index: FilterIndex<Group<C>>, w: Work, from: number, to: number): void {
    const view = w.view;
    for (let i = from; i < to; i++) {
      const o = i * FLOW_REC_BYTES;
      const candidates = index.candidates(view, o);
      if (candidates.length === 0) continue;
      let read = false;
      let id = 0;
      let ended = false;
      for (const g of candidates) {
        if (g.filter !== null && !g.filter.matchBatch(w.cursor, i)) continue;
        if (!read) {
          read = true;
          id = view.getFloat64(o + FR.id, true);
          ended = view.getUint8(o + FR.endCode) !== EndCode.active;
        }
        g.hit = true;
        for (const c of g.clients) c.offer(w.cursor, i, id, ended, w.ingestedAt);
      }
    }
  }
}
