import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './cli.js';

const mainTs = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface RunningServer {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** Sends a signal and resolves with the exit code and how long the exit took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Starts flowmatrix (from source) with the API on a free port; resolves once it listens. */
export function startServer(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    ['--import=tsx', mainTs, '--port', '0', '--log-level', 'warn', ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 30_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /API on (http:\/\/[^/\s]+)\/api\/v1/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          child,
          stderr: () => err,
          stop: async (signal = 'SIGTERM') => {
            const t0 = performance.now();
            child.kill(signal);
            const code = await exited;
            return { code, ms: performance.now() - t0 };
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

/** Waits until `probe` resolves true (polling), or fails after `ms`. */
export async function until(probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}
