import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

/** Ids a client may choose: short and harmless in headers and logs. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Honours a well-formed X-Request-Id, else generates one; echoes it in the response. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get(REQUEST_ID_HEADER);
    const id = given !== undefined && CLIENT_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

export function requestIdOf(res: Response): string {
  const id: unknown = res.locals.requestId;
  return typeof id === 'string' ? id : '';
}

/** The operation a request was routed to (set by the router), for logs and metrics. */
export function operationIdOf(res: Response): string | null {
  const id: unknown = res.locals.operationId;
  return typeof id === 'string' ? id : null;
}

export function setOperationId(res: Response, id: string): void {
  res.locals.operationId = id;
}

/** The request path without its query string. */
export function pathOf(req: Request): string {
  return req.originalUrl.split('?', 1)[0];
}
