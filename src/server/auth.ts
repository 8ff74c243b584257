import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ApiError } from './problem.js';

/** The token may contain inner spaces (a configured token is any string); outer blanks are not part of it. */
const BEARER = /^Bearer[ \t]+(\S(?:.*\S)?)[ \t]*$/i;

/** The token of an `Authorization: Bearer …` header, or null (REST and the Socket.IO handshake alike). */
export function bearerToken(header: string): string | null {
  const m = BEARER.exec(header);
  return m ? m[1] : null;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time check of a presented token (also for the Socket.IO handshake). */
export function tokenCheck(token: string): (presented: string) => boolean {
  const expected = digest(token);
  return (presented) => timingSafeEqual(digest(presented), expected);
}

/**
 * Bearer-token authentication (RFC 6750). The presented token is compared with the configured
 * one in constant time: both are hashed to equal-length digests first, so neither the content nor
 * the length of the token leaks through timing.
 */
export function bearerAuth(token: string, isPublic: (req: Request) => boolean): RequestHandler {
  const matches = tokenCheck(token);
  return (req, _res, next) => {
    if (isPublic(req)) return next();
    const header = req.get('authorization');
    if (header === undefined || header.trim() === '') {
      return next(
        new ApiError(
          'UNAUTHORIZED',
          'this server needs a bearer token (Authorization: Bearer <token>)',
          {},
          {
            'WWW-Authenticate': 'Bearer realm="flowmatrix"',
          },
        ),
      );
    }
    const presented = bearerToken(header);
    if (presented !== null && matches(presented)) return next();
    return next(
      new ApiError(
        'UNAUTHORIZED',
        'the bearer token is not valid',
        {},
        {
          'WWW-Authenticate': 'Bearer realm="flowmatrix", error="invalid_token"',
        },
      ),
    );
  };
}
