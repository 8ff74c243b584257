import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlowmatrixError } from '../errors.js';
import type { AppHandle } from './app.js';
import { clientErrorHandler } from './client-error.js';

export interface HttpServerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

/**
 * The HTTP server around the app: `new` starts nothing; start() listens and resolves with the
 * URL; stop() closes it, open keep-alive connections included, so shutdown is prompt.
 */
export class ApiServer {
  readonly server: Server;

  constructor(
    private readonly handle: AppHandle,
    private readonly config: HttpServerConfig,
  ) {
    this.server = createServer(handle.app);
    this.server.on('clientError', clientErrorHandler);
  }

  start(): Promise<string> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        const where = `${this.config.host}:${this.config.port}`;
        reject(
          new FlowmatrixError(
            err.code === 'EADDRINUSE' || err.code === 'EACCES' ? 'BAD_ARGUMENT' : 'INTERNAL',
            err.code === 'EADDRINUSE'
              ? `cannot listen on ${where}: the port is in use (choose another with --port)`
              : `cannot listen on ${where}: ${err.message}`,
          ),
        );
      };
      this.server.once('error', onError);
      this.server.listen(this.config.port, this.config.host, () => {
        this.server.off('error', onError);
        const a = this.server.address() as AddressInfo;
        const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
        resolve(`http://${host}:${a.port}`);
      });
    });
  }

  stop(): Promise<void> {
    this.handle.close();
    return new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
