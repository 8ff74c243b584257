import { parseWindow } from '../params.js';
import { withQuery, type HandlerTable, type RouteContext } from './types.js';

export function systemRoutes({ deps, document }: RouteContext): HandlerTable {
  return {
    systemMetrics: (_req, res) => {
      res.json(deps.metrics.system());
    },

    systemMetricsHistory: withQuery<{ window: string }>((_req, res, q) => {
      const windowMs = parseWindow(q.window, deps.store.stats().retentionMs);
      res.json({ windowMs, samples: deps.metrics.history(windowMs) });
    }),

    captureStatus: (_req, res) => {
      res.json(deps.capture.status());
    },

    health: (_req, res) => {
      res.json({
        status: 'ok',
        version: deps.version,
        uptimeSeconds: deps.uptimeSeconds ? deps.uptimeSeconds() : process.uptime(),
        nowMs: deps.store.nowMs(),
      });
    },

    openapi: (_req, res) => {
      res.json(document);
    },

    prometheus: async (_req, res) => {
      const text = await deps.metrics.prometheus();
      res.type(deps.metrics.contentType).send(text);
    },
  };
}
