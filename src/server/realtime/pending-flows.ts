import type { FlowCursor } from '../../flow/batch.js';
import type { RecordCache } from './record-cache.js';

export interface TakenFlows {
  /** JSON of each record. */
  active: string[];
  ended: string[];
  counts: { active: number; ended: number };
  omitted: number;
  /** Wall clock when the oldest waiting record reached the store; NaN when none waited. */
  ingestedAt: number;
}

/**
 * The flows one connection has matched since its last update, coalesced by flow id (the newest
 * record of a flow wins; an ended record is never replaced by an active one). Holds references
 * to the binary batches, not decoded records: records are encoded only when sent. Bounded:
 * past `max` distinct flows, new flows are only counted.
 */
export class PendingFlows {
  private readonly slots = new Map<number, number>();
  private cursors: (FlowCursor | null)[] = [];
  /** false (summary mode): flows are counted, their batches not held. */
  private retain = true;
  private rows: number[] = [];
  private ended: boolean[] = [];
  private activeCount = 0;
  private endedCount = 0;
  private overflowActive = 0;
  private overflowEnded = 0;
  private oldestIngest = Number.NaN;

  constructor(private readonly max: number) {}

  /** Distinct flows held (for the backlog figures). */
  get size(): number {
    return this.slots.size;
  }

  /** Matched records not kept since the last take (over the bound). */
  get overflow(): number {
    return this.overflowActive + this.overflowEnded;
  }

  get empty(): boolean {
    return this.slots.size === 0 && this.overflow === 0;
  }

  /** Summary mode keeps no batches: the ones held so far are released at once. */
  setRetain(retain: boolean): void {
    this.retain = retain;
    if (!retain) this.cursors.fill(null);
  }

  add(cursor: FlowCursor, i: number, id: number, isEnded: boolean, ingestedAt: number): void {
    const held = this.retain ? cursor : null;
    if (!(this.oldestIngest <= ingestedAt)) this.oldestIngest = ingestedAt;
    const slot = this.slots.get(id);
    if (slot !== undefined) {
      if (this.ended[slot] && !isEnded) return;
      this.cursors[slot] = held;
      this.rows[slot] = i;
      if (isEnded && !this.ended[slot]) {
        this.ended[slot] = true;
        this.activeCount--;
        this.endedCount++;
      }
      return;
    }
    if (this.slots.size >= this.max) {
      if (isEnded) this.overflowEnded++;
      else this.overflowActive++;
      return;
    }
    const at = this.cursors.length;
    this.slots.set(id, at);
    this.cursors.push(held);
    this.rows.push(i);
    this.ended.push(isEnded);
    if (isEnded) this.endedCount++;
    else this.activeCount++;
  }

  /**
   * Encodes up to `limit` flows (ended ones first: they are final) and forgets everything;
   * `limit` 0 encodes nothing (summary mode).
   */
  take(limit: number, cache: RecordCache): TakenFlows {
    const active: string[] = [];
    const ended: string[] = [];
    const n = this.cursors.length;
    for (let s = 0; s < n && ended.length < limit; s++) {
      const c = this.cursors[s];
      if (this.ended[s] && c !== null) ended.push(cache.json(c, this.rows[s]));
    }
    for (let s = 0; s < n && ended.length + active.length < limit; s++) {
      const c = this.cursors[s];
      if (!this.ended[s] && c !== null) active.push(cache.json(c, this.rows[s]));
    }
    const counts = {
      active: this.activeCount + this.overflowActive,
      ended: this.endedCount + this.overflowEnded,
    };
    const out: TakenFlows = {
      active,
      ended,
      counts,
      omitted: counts.active + counts.ended - active.length - ended.length,
      ingestedAt: this.oldestIngest,
    };
    this.clear();
    return out;
  }

  clear(): void {
    this.slots.clear();
    this.cursors = [];
    this.rows = [];
    this.ended = [];
    this.activeCount = this.endedCount = 0;
    this.overflowActive = this.overflowEnded = 0;
    this.oldestIngest = Number.NaN;
  }
}
