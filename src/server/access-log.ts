import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiObserver } from './deps.js';
import { operationIdOf, pathOf, requestIdOf } from './request-id.js';

/** Counts of finished requests, by outcome. */
export interface ApiCounters {
  requests: number;
  unauthorized: number;
  rateLimited: number;
  clientErrors: number;
  serverErrors: number;
}

export function newApiCounters(): ApiCounters {
  return { requests: 0, unauthorized: 0, rateLimited: 0, clientErrors: 0, serverErrors: 0 };
}

/**
 * One structured log line per request when its response is done (or the client went away):
 * request id, method, path (never the query string nor any header), status and duration.
 */
export function accessLog(logger: Logger, counters: ApiCounters, observer?: ApiObserver): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : 499;
      counters.requests++;
      if (status === 401) counters.unauthorized++;
      if (status === 429) counters.rateLimited++;
      if (status >= 500) counters.serverErrors++;
      else if (status >= 400) counters.clientErrors++;
      const operationId = operationIdOf(res);
      const line = {
        reqId: requestIdOf(res),
        method: req.method,
        path: pathOf(req),
        status,
        durationMs: Math.round(seconds * 1e6) / 1000,
        remoteAddr: req.ip,
      };
      if (status >= 500) logger.error(line, 'request');
      else if (status >= 400) logger.warn(line, 'request');
      else logger.info(line, 'request');
      observer?.request({ method: req.method, operationId, status, seconds });
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}
