import type { RequestHandler } from 'express';
import { ApiError } from './problem.js';

/**
 * 414 for a query string longer than `maxBytes`. (Node's HTTP parser refuses a request line and
 * headers above its --max-http-header-size, 16 KiB by default, before Express sees them: see
 * clientErrorHandler.)
 */
export function queryLimit(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const q = req.originalUrl.indexOf('?');
    const length = q < 0 ? 0 : Buffer.byteLength(req.originalUrl) - q - 1;
    if (length > maxBytes) {
      return next(
        new ApiError('URI_TOO_LONG', `the query string has ${length} bytes; this server takes ${maxBytes}`),
      );
    }
    next();
  };
}

/** 413 for a declared body larger than `maxBytes`, whatever its type (JSON is also bounded by the parser). */
export function bodyLimit(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > maxBytes) {
      return next(
        new ApiError('PAYLOAD_TOO_LARGE', `the body has ${declared} bytes; this server takes ${maxBytes}`),
      );
    }
    next();
  };
}
