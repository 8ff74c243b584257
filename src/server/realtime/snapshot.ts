import type { FlowRecord } from '../../flow/record.js';
import type { FlowMatcher, FlowPage, FlowQuery } from '../../store/types.js';

/** One part of a snapshot, ready to send. */
export interface SnapshotPart {
  /** JSON of each record listed (newest lastSeen first). */
  active: string[];
  /** Matching active flows not listed: past the snapshot's bound, or all of the rest (counts only). */
  omitted: number;
  /** No part follows. */
  last: boolean;
}

/** What a snapshot reads of the flow store. */
export interface SnapshotStore {
  query(q: FlowQuery): FlowPage;
  activeFlow(id: string): FlowRecord | null;
}

/**
 * The active flows matching a subscription's filter when it was made, sent after the subscribe
 * in parts (one per send round, at most `maxFlowsPerUpdate` records each) and bounded to the
 * `bound` most recently seen ones.
 *
 * The store is scanned once, when the first part is due (state=active, lastSeen descending, as
 * GET /api/v1/flows?state=active): a scan of every active flow costs ~75 ms at 300k of them, and
 * a scan per part would cost that again for each of up to ten parts, for every client that
 * (re)connects. Only the ids in order are kept (8 bytes a flow, at most `bound`); each part reads
 * its flows by id as they are when it is sent. A flow that ended in between is left out (its
 * end reaches the connection as a live update, like any change after the subscribe); one that
 * changed is listed as it is now and may also come as a change: clients keep one row per id.
 */
export class ActiveSnapshot {
  private ids: string[] | null = null;
  private next_ = 0;
  private beyondBound = 0;

  constructor(
    private readonly store: SnapshotStore,
    private readonly filter: FlowMatcher | null,
    /** Most records listed over all parts. */
    private readonly bound: number,
  ) {}

  /** The next part, with at most `limit` records; `limit` 0 lists none and counts the rest. */
  next(limit: number): SnapshotPart {
    const ids = this.ids ?? this.scan();
    if (limit <= 0) {
      const rest = ids.length - this.next_ + this.beyondBound;
      this.next_ = ids.length;
      return { active: [], omitted: rest, last: true };
    }
    const active: string[] = [];
    while (this.next_ < ids.length && active.length < limit) {
      const flow = this.store.activeFlow(ids[this.next_++]);
      if (flow !== null) active.push(JSON.stringify(flow));
    }
    const last = this.next_ >= ids.length;
    return { active, omitted: last ? this.beyondBound : 0, last };
  }

  private scan(): string[] {
    const page = this.store.query({
      filter: this.filter,
      state: 'active',
      sort: 'lastSeen',
      order: 'desc',
      limit: Math.max(1, this.bound),
      count: true,
    });
    const ids = this.bound > 0 ? page.flows.map((f) => f.id) : [];
    this.beyondBound = (page.matched ?? page.flows.length) - ids.length;
    this.ids = ids;
    return ids;
  }
}
