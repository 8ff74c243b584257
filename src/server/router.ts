import type { Express, RequestHandler } from 'express';
import { listOperations } from './openapi.js';
import type { OpenApiDocument } from './openapi-types.js';
import { ApiError } from './problem.js';
import { setOperationId } from './request-id.js';
import type { HandlerTable } from './routes/types.js';
import { compileInputValidator } from './validate.js';
import type { Ajv } from './schema.js';

const ALLOW = 'GET, HEAD, OPTIONS';

const methodNotAllowed: RequestHandler = (req, res, next) => {
  res.setHeader('Allow', ALLOW);
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next(new ApiError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; allowed: ${ALLOW}`));
};

/**
 * Mounts every operation of the document on its path, with its handler behind the validator
 * compiled from its parameters. A handler without an operation, or the reverse, is a
 * programming error caught at start-up.
 */
export function mountOperations(app: Express, doc: OpenApiDocument, handlers: HandlerTable, ajv: Ajv): void {
  const operations = listOperations(doc);
  const documented = new Set(operations.map((o) => o.operationId));
  for (const id of Object.keys(handlers)) {
    if (!documented.has(id)) throw new Error(`handler "${id}" has no operation in the OpenAPI document`);
  }
  for (const op of operations) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`operation "${op.operationId}" has no handler`);
    const validate = compileInputValidator(ajv, doc, op.operation);
    app
      .route(op.expressPath)
      .get(async (req, res) => {
        setOperationId(res, op.operationId);
        await handler(req, res, validate(req));
      })
      .all(methodNotAllowed);
  }
}
