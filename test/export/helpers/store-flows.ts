import type { FlowRecord } from '../../../src/flow/record.js';
import type { FlowStore } from '../../../src/store/index.js';

/** Every flow the store serves (the API's query path), page by page. */
export function allStoredFlows(store: FlowStore): FlowRecord[] {
  const out: FlowRecord[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = store.queryFlows({
      filter: null,
      from: 0,
      state: 'all',
      sort: 'lastSeen',
      order: 'asc',
      limit: 10_000,
      cursor,
    });
    out.push(...page.flows);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}
