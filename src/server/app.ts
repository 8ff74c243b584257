import compression from 'compression';
import cors from 'cors';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import { accessLog, newApiCounters, type ApiCounters } from './access-log.js';
import { bearerAuth } from './auth.js';
import { DEFAULT_APP_OPTIONS, type AppOptions, type ServerDeps } from './deps.js';
import { errorHandler, notFound } from './error-handler.js';
import { bodyLimit, queryLimit } from './limits.js';
import { createOpenApiDocument, listOperations } from './openapi.js';
import type { OpenApiDocument } from './openapi-types.js';
import { createRateLimiter } from './rate-limit.js';
import { requestId, REQUEST_ID_HEADER } from './request-id.js';
import { mountOperations } from './router.js';
import { flowRoutes } from './routes/flows.js';
import { statsRoutes } from './routes/stats.js';
import { systemRoutes } from './routes/system.js';
import { createParameterAjv } from './validate.js';

export interface AppHandle {
  /** The Express app; nothing listens until the owner passes it to an HTTP server. */
  app: Express;
  document: OpenApiDocument;
  counters: ApiCounters;
  /** Releases timers (the rate limiter's); the app answers nothing useful afterwards. */
  close(): void;
}

/**
 * The REST API: /api/v1 (see the OpenAPI document) and the Prometheus /metrics. Order matters:
 * request id and access log first so every answer has both; security headers, CORS (so a
 * browser can read errors too) and the rate limit before authentication (so failed attempts are
 * limited); the dashboard's static files (when given: they need no token); routes; then 404 and
 * the problem+json error handler.
 */
export function createApp(deps: ServerDeps, options: Partial<AppOptions> = {}): AppHandle {
  const o: AppOptions = { ...DEFAULT_APP_OPTIONS, logger: pino({ enabled: false }), ...options };
  const logger = o.logger.child(
    { component: 'api' },
    { redact: ['req.headers.authorization', 'authorization'] },
  );
  const document = createOpenApiDocument(deps.version);
  const counters = newApiCounters();
  const limiter = o.rateLimit ? createRateLimiter(o.rateLimit, logger) : null;

  const app = express();
  app.set('trust proxy', o.trustProxy);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');

  app.use(requestId());
  app.use(accessLog(logger, counters, deps.observer));
  app.use(helmet());
  if (o.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: o.corsOrigins.includes('*') ? '*' : o.corsOrigins,
        methods: ['GET', 'HEAD', 'OPTIONS'],
        allowedHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER],
        exposedHeaders: [REQUEST_ID_HEADER, 'Link', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
        maxAge: 600,
      }),
    );
  }
  if (limiter) app.use(limiter.middleware);
  app.use(queryLimit(o.maxQueryBytes));
  if (o.dashboard) app.use(o.dashboard);
  if (o.authToken) {
    const open = new Set(
      listOperations(document)
        .filter((op) => op.public)
        .map((op) => op.fullTemplate),
    );
    const isPublic = (req: Request): boolean =>
      (req.method === 'GET' || req.method === 'HEAD') && open.has(req.path);
    app.use(bearerAuth(o.authToken, isPublic));
  }
  app.use(compression());
  app.use(bodyLimit(o.maxBodyBytes));
  app.use(express.json({ limit: o.maxBodyBytes }));

  const context = { deps, document };
  const handlers = { ...flowRoutes(context), ...statsRoutes(context), ...systemRoutes(context) };
  mountOperations(app, document, handlers, createParameterAjv(document));

  app.use(notFound());
  app.use(errorHandler(logger));

  return { app, document, counters, close: () => limiter?.close() };
}
