import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../helpers/cli.js';

const mainTs = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));

export interface CliServer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<number | null>;
}

/**
 * flowmatrix from source on `port` (0: a free one); resolves once it listens. Like
 * test/helpers/server-process.ts, but the port can be given, for restarts on the same one.
 */
export function startCli(args: string[], port = 0): Promise<CliServer> {
  const child = spawn(
    process.execPath,
    ['--import=tsx', mainTs, '--port', String(port), '--log-level', 'warn', ...args],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /API on (http:\/\/[^/\s]+:(\d+))\/api\/v1/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          port: Number(m[2]),
          child,
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${err}`));
    });
  });
}
