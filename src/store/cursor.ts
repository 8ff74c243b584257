import { BadCursorError, type FlowSortField, type SortOrder } from './types.js';

/** Position after the last flow of a page: its sort value and id (the tie-breaker). */
export interface CursorState {
  sort: FlowSortField;
  order: SortOrder;
  value: number;
  id: number;
  /** Signature of the query the cursor belongs to. */
  sig: string;
}

export function encodeCursor(c: CursorState): string {
  return Buffer.from(JSON.stringify([1, c.sort, c.order, c.value, c.id, c.sig])).toString('base64url');
}

export function decodeCursor(text: string, sort: FlowSortField, order: SortOrder, sig: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new BadCursorError('cursor is not one this server issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 6 ||
    parsed[0] !== 1 ||
    typeof parsed[3] !== 'number' ||
    typeof parsed[4] !== 'number' ||
    typeof parsed[5] !== 'string'
  ) {
    throw new BadCursorError('cursor is not one this server issued');
  }
  if (parsed[1] !== sort || parsed[2] !== order || parsed[5] !== sig) {
    throw new BadCursorError('cursor belongs to another query (filter, window, state or sort changed)');
  }
  return { sort, order, value: parsed[3], id: parsed[4], sig };
}
