import type { IncomingMessage } from 'node:http';
import type { ExtendedError, Socket } from 'socket.io';
import { bearerToken, tokenCheck } from '../auth.js';
import type { HandshakeErrorData } from './events.js';

function refusal(data: HandshakeErrorData): ExtendedError {
  const e: ExtendedError = new Error(data.message);
  e.data = data;
  return e;
}

/** The token a client presented: `auth: {token}` (socket.io-client), else an Authorization header. */
function presented(socket: Socket): string | null {
  const auth: unknown = socket.handshake.auth;
  if (typeof auth === 'object' && auth !== null) {
    const token = (auth as Record<string, unknown>).token;
    if (typeof token === 'string' && token !== '') return token;
  }
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' ? bearerToken(header) : null;
}

/** Socket.IO middleware: the API's bearer token, compared in constant time. */
export function tokenMiddleware(
  token: string,
  onRefused: () => void,
): (socket: Socket, next: (err?: ExtendedError) => void) => void {
  const matches = tokenCheck(token);
  return (socket, next) => {
    const p = presented(socket);
    if (p !== null && matches(p)) return next();
    onRefused();
    next(
      refusal({
        code: 'UNAUTHORIZED',
        message:
          p === null ? 'this server needs a token: connect with auth: { token }' : 'the token is not valid',
      }),
    );
  };
}

/**
 * engine.io's allowRequest: a browser page of another origin may not open a connection (a
 * WebSocket is not subject to CORS, so without this any site could read the flows of a server
 * without a token through the visitor's browser). Clients that send no Origin (not browsers)
 * are let through; authentication is the token's job.
 */
export function originCheck(
  allowed: string[],
  onRefused: () => void,
): (req: IncomingMessage, fn: (err: string | null | undefined, success: boolean) => void) => void {
  const any = allowed.includes('*');
  return (req, fn) => {
    const origin = req.headers.origin;
    if (origin === undefined || any || allowed.includes(origin)) return fn(null, true);
    let host: string | null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host !== null && host === req.headers.host) return fn(null, true);
    onRefused();
    fn('origin not allowed', false);
  };
}
