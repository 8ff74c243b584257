import type { Duplex } from 'node:stream';
import { ErrorCatalogue, type ErrorCode } from '../errors.js';
import { problemType } from './problem.js';

/**
 * For `server.on('clientError', clientErrorHandler)`: requests Node's HTTP parser refuses before
 * Express sees them (headers too large, malformed request line) get a problem+json answer
 * instead of a bare connection reset.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
  const { status, title } = ErrorCatalogue[code];
  const body = JSON.stringify({
    type: problemType(code),
    title,
    status,
    detail:
      code === 'HEADERS_TOO_LARGE' ? 'the request line and headers are too large' : 'malformed HTTP request',
    instance: '',
    code,
    requestId: '',
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
