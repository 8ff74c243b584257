import type { Request, Response } from 'express';
import type { ServerDeps } from '../deps.js';
import type { OpenApiDocument } from '../openapi-types.js';
import type { OperationInput } from '../validate.js';

export interface RouteContext {
  deps: ServerDeps;
  document: OpenApiDocument;
}

export type OperationHandler = (req: Request, res: Response, input: OperationInput) => void | Promise<void>;

/** Handlers by the operationId they serve. */
export type HandlerTable = Record<string, OperationHandler>;

/**
 * A handler that reads its query as `Q`. The cast is sound because the router validates (and
 * defaults) the query against the operation's parameter schemas before the handler runs; the
 * route tests keep `Q` and the schemas in step.
 */
export function withQuery<Q>(
  fn: (req: Request, res: Response, query: Q, path: Record<string, string>) => void | Promise<void>,
): OperationHandler {
  return (req, res, input) => fn(req, res, input.query as Q, input.path);
}
