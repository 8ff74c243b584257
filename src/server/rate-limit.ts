import { MemoryStore, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { Logger } from 'pino';
import { formatDuration } from '../cli/durations.js';
import type { RateLimitOptions } from './deps.js';
import { ApiError } from './problem.js';

/**
 * Per-client-address rate limit. The limiter sets Retry-After and the RateLimit headers (IETF
 * draft 7); the answer itself is a RATE_LIMITED problem.
 */
export function createRateLimiter(
  o: RateLimitOptions,
  logger: Logger,
): { middleware: RateLimitRequestHandler; close(): void } {
  const store = new MemoryStore();
  const middleware = rateLimit({
    windowMs: o.windowMs,
    limit: o.max,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store,
    logger: {
      error: (err: unknown, msg?: string) => logger.error({ err }, msg ?? 'rate limiter error'),
      warn: (err: unknown, msg?: string) => logger.warn({ err }, msg ?? 'rate limiter warning'),
    },
    handler: (_req, res, next) => {
      const retry = res.getHeader('Retry-After');
      next(
        new ApiError(
          'RATE_LIMITED',
          `more than ${o.max} requests in ${formatDuration(o.windowMs)}; retry in ${String(retry)} s`,
        ),
      );
    },
  });
  return { middleware, close: () => store.shutdown() };
}
