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

/**
 * The active flows matching a subscription's filter when it was made, sent after the subscribe
 * in parts (one per send round, at most `maxFlowsPerUpdate` records each) and bounded to the
 * `bound` most recently seen ones. Holds no records: each part is the next page of the flow
 * store's own query (state=active, lastSeen descending, as GET /api/v1/flows?state=active),
 * read when it is sent. A flow that changes while the snapshot is being sent moves ahead of the
 * page cursor and is not listed again: its change reaches the connection as a live update.
 */
export class ActiveSnapshot {
  private cursor: string | undefined = undefined;
  private listed = 0;

  constructor(
    private readonly query: (q: FlowQuery) => FlowPage,
    private readonly filter: FlowMatcher | null,
    /** Ties the store's page cursors to this snapshot's query. */
    private readonly signature: string,
    /** Most records listed over all parts. */
    private readonly bound: number,
  ) {}

  /** The next part, with at most `limit` records; `limit` 0 lists none and counts the rest. */
  next(limit: number): SnapshotPart {
    const want = Math.min(limit, this.bound - this.listed);
    const page = this.query({
      filter: this.filter,
      state: 'active',
      sort: 'lastSeen',
      order: 'desc',
      limit: Math.max(1, want),
      cursor: this.cursor,
      signature: this.signature,
      count: true,
    });
    const matched = page.matched ?? page.flows.length;
    if (want <= 0) return { active: [], omitted: matched, last: true };
    const active = page.flows.map((f) => JSON.stringify(f));
    this.listed += active.length;
    this.cursor = page.nextCursor ?? undefined;
    const last = page.nextCursor === null || this.listed >= this.bound;
    return { active, omitted: last ? matched - active.length : 0, last };
  }
}
