import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ErrorCatalogue, FlowmatrixError, type ErrorCode } from '../errors.js';
import { BadCursorError } from '../store/types.js';
import { ApiError, buildProblem, sendProblem, type ProblemExtensions } from './problem.js';
import { pathOf, requestIdOf } from './request-id.js';

interface Classified {
  code: ErrorCode;
  detail: string;
  extensions: ProblemExtensions;
  headers: Record<string, string>;
}

/** Errors of Express's body parser (http-errors with a `type`). */
interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as BodyParserError).type === 'string' &&
    typeof (e as BodyParserError).status === 'number'
  );
}

const BODY_ERRORS: Record<string, ErrorCode> = {
  'entity.parse.failed': 'BAD_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
};

function classify(err: unknown): Classified | null {
  if (err instanceof ApiError) {
    return { code: err.code, detail: err.message, extensions: err.extensions, headers: err.headers };
  }
  if (err instanceof FlowmatrixError && ErrorCatalogue[err.code].status < 500) {
    return { code: err.code, detail: err.message, extensions: {}, headers: {} };
  }
  if (err instanceof BadCursorError)
    return { code: 'BAD_CURSOR', detail: err.message, extensions: {}, headers: {} };
  if (isBodyParserError(err) && err.status >= 400 && err.status < 500) {
    const code = BODY_ERRORS[err.type] ?? 'BAD_REQUEST';
    const detail =
      code === 'BAD_JSON' ? 'the request body is not valid JSON' : err.expose ? err.message : 'bad request';
    return { code, detail, extensions: {}, headers: {} };
  }
  return null;
}

/**
 * Turns every error into a problem+json answer. Unexpected errors are logged with their stack
 * and answered 500 INTERNAL with nothing of the error in the body.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const known = classify(err);
    if (!known) logger.error({ err, reqId: requestIdOf(res), path: pathOf(req) }, 'unexpected error');
    if (res.headersSent) {
      // Too late for a problem: let Express end the connection.
      next(err);
      return;
    }
    const c: Classified = known ?? {
      code: 'INTERNAL',
      detail: `an unexpected error occurred; the server log has it under request id ${requestIdOf(res)}`,
      extensions: {},
      headers: {},
    };
    sendProblem(req, res, buildProblem(req, res, c.code, c.detail, c.extensions), c.headers);
  };
}

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new ApiError('NOT_FOUND', `no resource at ${pathOf(req)}`));
}
