import { createHash } from 'node:crypto';
import type { FlowSortField, FlowState, SortOrder } from '../../store/types.js';
import { compileFilterParam, parseTime } from '../params.js';
import { ApiError } from '../problem.js';
import { pathOf } from '../request-id.js';
import { withQuery, type HandlerTable, type RouteContext } from './types.js';

interface ListFlowsQuery {
  filter?: string;
  from?: string;
  to?: string;
  state: FlowState;
  sort: FlowSortField;
  order: SortOrder;
  limit: number;
  cursor?: string;
}

/** What a cursor is tied to besides sort and order (which it carries itself); short, whatever the filter. */
function querySignature(q: ListFlowsQuery, from: number | undefined, to: number | undefined): string {
  const key = JSON.stringify([q.filter?.trim() ?? '', from ?? null, to ?? null, q.state]);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

export function flowRoutes({ deps }: RouteContext): HandlerTable {
  return {
    listFlows: withQuery<ListFlowsQuery>((req, res, q) => {
      const filter = compileFilterParam(deps.compileFilter, q.filter);
      const from = q.from === undefined ? undefined : parseTime(q.from, 'from');
      const to = q.to === undefined ? undefined : parseTime(q.to, 'to');
      if (from !== undefined && to !== undefined && from > to) {
        throw new ApiError('BAD_PARAMETER', 'query parameter "from" is after "to"', { parameter: 'from' });
      }
      const page = deps.store.queryFlows({
        filter,
        from,
        to,
        state: q.state,
        sort: q.sort,
        order: q.order,
        limit: q.limit,
        cursor: q.cursor,
        signature: querySignature(q, from, to),
      });
      if (page.nextCursor !== null) {
        const next = new URL(req.originalUrl, 'http://localhost').searchParams;
        next.set('cursor', page.nextCursor);
        res.setHeader('Link', `<${pathOf(req)}?${next.toString()}>; rel="next"`);
      }
      res.json(page);
    }),

    getFlow: withQuery<Record<string, never>>((_req, res, _q, path) => {
      const flow = deps.store.getFlow(path.id);
      if (flow === null) throw new ApiError('NOT_FOUND', `no flow with id ${path.id}`);
      res.json(flow);
    }),
  };
}
