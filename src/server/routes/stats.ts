import type { TalkerDirection, TalkerMetric } from '../../store/types.js';
import { compileFilterParam, parseStep, parseWindow } from '../params.js';
import { withQuery, type HandlerTable, type RouteContext } from './types.js';

interface WindowQuery {
  window: string;
}

interface TopTalkersQuery extends WindowQuery {
  by: TalkerMetric;
  direction: TalkerDirection;
  limit: number;
  filter?: string;
}

interface PortsQuery extends WindowQuery {
  limit: number;
}

interface TimeseriesQuery extends WindowQuery {
  step?: string;
  filter?: string;
}

export function statsRoutes({ deps }: RouteContext): HandlerTable {
  const { store } = deps;
  const retention = (): number => store.stats().retentionMs;

  return {
    topTalkers: withQuery<TopTalkersQuery>((_req, res, q) => {
      const windowMs = parseWindow(q.window, retention());
      const filter = compileFilterParam(deps.compileFilter, q.filter);
      const talkers = store.topTalkers({
        windowMs,
        by: q.by,
        direction: q.direction,
        limit: q.limit,
        filter,
      });
      res.json({ windowMs, nowMs: store.nowMs(), by: q.by, direction: q.direction, talkers });
    }),

    protocolStats: withQuery<WindowQuery>((_req, res, q) => {
      const windowMs = parseWindow(q.window, retention());
      res.json({ windowMs, nowMs: store.nowMs(), protocols: store.protocols(windowMs) });
    }),

    portStats: withQuery<PortsQuery>((_req, res, q) => {
      const windowMs = parseWindow(q.window, retention());
      res.json({ windowMs, nowMs: store.nowMs(), ports: store.ports(windowMs, q.limit) });
    }),

    timeseries: withQuery<TimeseriesQuery>((_req, res, q) => {
      const windowMs = parseWindow(q.window, retention());
      const stepMs = parseStep(q.step, windowMs);
      const filter = compileFilterParam(deps.compileFilter, q.filter);
      const points = store.timeseries({ windowMs, stepMs, filter });
      res.json({ windowMs, stepMs, nowMs: store.nowMs(), points });
    }),
  };
}
