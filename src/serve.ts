/**
 * What `flowmatrix` serves when the API is on: the REST API, the dashboard, the Socket.IO live
 * push, the metrics collector and Prometheus, on one HTTP server. main.ts imports this module
 * only then, so a `--no-server` run never loads Express, Socket.IO or prom-client.
 */
import type { Logger } from 'pino';
import type { CaptureSource, CaptureStatus } from './capture/index.js';
import type { CliConfig } from './cli/index.js';
import { FlowmatrixError } from './errors.js';
import type { FlowExchange } from './export/index.js';
import { compileFilter } from './filter/index.js';
import { piscinaSource, pipelineSource, PrometheusMetrics, SystemMetricsCollector } from './metrics/index.js';
import { ApiServer, checkListenPolicy, createApp, RealtimeHub, serveDashboard } from './server/index.js';
import type { FlowStore } from './store/index.js';
import { version } from './version.js';
import type { FlowPipeline } from './workers/index.js';

export interface Served {
  /** Closes live connections, then the HTTP server, then stops sampling metrics. */
  stop(): Promise<void>;
}

export interface ServedParts {
  source: CaptureSource;
  pipeline: FlowPipeline;
  store: FlowStore;
  exchange: FlowExchange;
  captureStatus: () => CaptureStatus;
}

/** Refuses a non-loopback address without a token (unless --insecure), before anything opens. */
export function checkListen(config: CliConfig): void {
  const policy = checkListenPolicy({
    host: config.http.host,
    authToken: config.http.authToken,
    insecure: config.http.insecure,
  });
  if (!policy.ok) throw new FlowmatrixError('BAD_ARGUMENT', policy.message);
  if (policy.warning) process.stderr.write(`flowmatrix: warning: ${policy.warning}\n`);
}

export async function startServing(config: CliConfig, logger: Logger, parts: ServedParts): Promise<Served> {
  const { source, pipeline, store, exchange, captureStatus } = parts;
  const c = new SystemMetricsCollector({
    intervalMs: config.metricsIntervalMs,
    historyMs: config.retentionMs,
    sources: {
      capture: () => source.status(),
      pipeline: pipelineSource(pipeline),
      workers: () => {
        const pool = pipeline.workerPool;
        return pool ? piscinaSource(pool)() : { threads: 0, queueSize: 0, completed: 0, utilization: 0 };
      },
      store: () => store.stats(),
      export: exchange.exporter || exchange.collector ? () => exchange.stats() : undefined,
    },
  });
  const prometheus = new PrometheusMetrics(c);
  const dashboard = serveDashboard();
  if (!dashboard.available) logger.warn({ dir: dashboard.root }, 'dashboard not built (npm run build)');
  const hub = new RealtimeHub(
    { store, compileFilter, metrics: c, observer: prometheus },
    {
      authToken: config.http.authToken,
      corsOrigins: config.http.corsOrigins,
      maxRate: config.http.pushRate,
      logger,
    },
  );
  const handle = createApp(
    {
      store,
      capture: { status: captureStatus },
      metrics: {
        system: () => c.latest() ?? c.sample(),
        history: (windowMs) => c.history(windowMs),
        prometheus: () => prometheus.prometheus(),
        contentType: prometheus.contentType,
      },
      compileFilter,
      version,
      observer: {
        request: (r) =>
          prometheus.observeRequest(r.method, r.operationId ?? 'unmatched', r.status, r.seconds),
      },
    },
    {
      authToken: config.http.authToken,
      corsOrigins: config.http.corsOrigins,
      rateLimit: config.http.rateLimit,
      logger,
      dashboard: dashboard.handler,
    },
  );
  const server = new ApiServer(handle, { host: config.http.host, port: config.http.port });
  hub.attach(server.server);
  // The API server's stop() begins with the app handle's close(): live connections go first.
  const closeApp = handle.close;
  handle.close = () => {
    void hub.stop();
    closeApp();
  };
  c.start();
  prometheus.start();
  hub.start();
  const url = await server.start();
  process.stderr.write(`flowmatrix: API on ${url}/api/v1 (OpenAPI: ${url}/api/v1/openapi.json)\n`);
  process.stderr.write(`flowmatrix: dashboard on ${url}/\n`);
  return {
    async stop() {
      await server.stop();
      c.stop();
    },
  };
}
