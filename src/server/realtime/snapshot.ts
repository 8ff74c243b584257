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

/** Most records whose JSON is kept between two batches for the snapshots of other connections. */
const MAX_SHARED_RECORDS = 50_000;

/** The ids of the active flows matching a filter, newest lastSeen first, as one scan found them. */
export interface ActiveScan {
  readonly ids: readonly string[];
  /** Matching active flows past the bound (counted, not listed). */
  readonly beyondBound: number;
}

/** Most distinct (filter, bound) scans kept between two batches (each up to 20,000 ids). */
const MAX_SHARED_SCANS = 64;

/**
 * The store scans of the snapshots, shared by the connections that subscribe with the same
 * filter between two batches: a scan of every active flow costs ~75 ms at 300k of them, and
 * after a network blip every dashboard reconnects within a second or two, most with the same
 * filter. Active flows change only when the store ingests a batch, so a scan stays exact until
 * the next one (`invalidate`, called for every batch).
 */
export class ActiveScans {
  private readonly byKey = new Map<string, ActiveScan>();
  /** JSON of active flows read for a snapshot part since the last batch (null: not active). */
  private readonly records = new Map<string, string | null>();
  /** Store scans made, and scans answered from one made for another connection. */
  scans = 0;
  shared = 0;

  constructor(private readonly store: SnapshotStore) {}

  /**
   * The JSON of an active flow as it is now, or null once it has ended: encoded once between two
   * batches whatever the number of connections whose snapshot lists it (after a reconnect storm
   * every dashboard with the same filter sends the same 20,000 records).
   */
  activeJson(id: string): string | null {
    const known = this.records.get(id);
    if (known !== undefined) return known;
    const flow = this.store.activeFlow(id);
    const json = flow === null ? null : JSON.stringify(flow);
    if (this.records.size < MAX_SHARED_RECORDS) this.records.set(id, json);
    return json;
  }

  get(filter: FlowMatcher | null, filterText: string, bound: number): ActiveScan {
    const key = `${bound} ${filterText}`;
    const known = this.byKey.get(key);
    if (known) {
      this.shared++;
      return known;
    }
    this.scans++;
    const page = this.store.query({
      filter,
      state: 'active',
      sort: 'lastSeen',
      order: 'desc',
      limit: Math.max(1, bound),
      count: true,
      // The parts read each flow by id when they are sent: decoding them here would be wasted.
      idsOnly: true,
    });
    const ids = bound > 0 ? (page.ids ?? page.flows.map((f) => f.id)) : [];
    const scan = { ids, beyondBound: (page.matched ?? page.flows.length) - ids.length };
    if (this.byKey.size < MAX_SHARED_SCANS) this.byKey.set(key, scan);
    return scan;
  }

  /** The store's active flows changed: later scans and records go to the store again. */
  invalidate(): void {
    this.byKey.clear();
    this.records.clear();
  }
}

/**
 * The active flows matching a subscription's filter when it was made, sent after the subscribe
 * in parts (one per send round, at most `maxFlowsPerUpdate` records each) and bounded to the
 * `bound` most recently seen ones.
 *
 * The store is scanned once, when the first part is due (state=active, lastSeen descending, as
 * GET /api/v1/flows?state=active; see ActiveScans), not once per part. Only the ids in order are
 * kept (8 bytes a flow, at most `bound`); each part reads its flows by id as they are when it is
 * sent. A flow that ended in between is left out (its end reaches the connection as a live
 * update, like any change after the subscribe); one that changed is listed as it is now and may
 * also come as a change: clients keep one row per id.
 */
export class ActiveSnapshot {
  private scanned: ActiveScan | null = null;
  private next_ = 0;

  constructor(
    private readonly scan: () => ActiveScan,
    /** The JSON of an active flow now, null once it has ended (see ActiveScans.activeJson). */
    private readonly activeJson: (id: string) => string | null,
  ) {}

  /** The next part, with at most `limit` records; `limit` 0 lists none and counts the rest. */
  next(limit: number): SnapshotPart {
    const { ids, beyondBound } = (this.scanned ??= this.scan());
    if (limit <= 0) {
      const rest = ids.length - this.next_ + beyondBound;
      this.next_ = ids.length;
      return { active: [], omitted: rest, last: true };
    }
    const active: string[] = [];
    while (this.next_ < ids.length && active.length < limit) {
      const json = this.activeJson(ids[this.next_++]);
      if (json !== null) active.push(json);
    }
    const last = this.next_ >= ids.length;
    return { active, omitted: last ? beyondBound : 0, last };
  }
}
