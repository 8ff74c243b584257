import type { Request, Response } from 'express';
import { ErrorCatalogue, FlowmatrixError, type ErrorCode } from '../errors.js';
import { PROBLEM_TYPE_BASE } from './openapi.js';
import { pathOf, requestIdOf } from './request-id.js';

/** Extension members of a problem (documented in the Problem schema). */
export interface ProblemExtensions {
  parameter?: string;
  position?: number;
  length?: number;
  suggestions?: string[];
}

/** An RFC 9457 problem detail as the API sends it. */
export interface Problem extends ProblemExtensions {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A coded error the API answers with a problem: extension members and headers ride along. */
export class ApiError extends FlowmatrixError {
  readonly extensions: ProblemExtensions;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    extensions: ProblemExtensions = {},
    headers: Record<string, string> = {},
  ) {
    super(code, message);
    this.name = 'ApiError';
    this.extensions = extensions;
    this.headers = headers;
  }
}

export function problemType(code: ErrorCode): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}

export function buildProblem(
  req: Request,
  res: Response,
  code: ErrorCode,
  detail: string,
  extensions: ProblemExtensions = {},
): Problem {
  const entry = ErrorCatalogue[code];
  return {
    type: problemType(code),
    title: entry.title,
    status: entry.status,
    detail,
    instance: pathOf(req),
    code,
    requestId: requestIdOf(res),
    ...extensions,
  };
}

export function sendProblem(
  req: Request,
  res: Response,
  problem: Problem,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
