import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { SystemMetricsCollector } from '../../src/metrics/index.js';

const child = fileURLToPath(new URL('./helpers/lifecycle-child.ts', import.meta.url));

interface ChildReport {
  mode: string;
  atStop: number;
  after: number;
  running: boolean;
  scrapeLines: number;
  resources: string[];
}

function run(mode: string): Promise<{ code: number | null; report: ChildReport; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import=tsx', child, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const killer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`child exited ${code}: ${err}`));
      resolve({ code, report: JSON.parse(out) as ChildReport, ms: performance.now() - started });
    });
  });
}

t.test('start() then stop(): sampling stops, nothing is left running, the process exits', async (t) => {
  const { code, report } = await run('stop');
  t.equal(code, 0, 'exited by itself (not killed)');
  t.ok(report.atStop >= 3, `sampled while running (${report.atStop})`);
  t.equal(report.after, report.atStop, 'no sample after stop()');
  t.equal(report.running, false);
  t.ok(report.scrapeLines > 50, 'scraped');
  t.same(
    report.resources.filter((r) => r === 'Timeout'),
    [],
    'no timer left',
  );
});

t.test('a running collector does not hold the process open', async (t) => {
  const { code, report } = await run('leave');
  t.equal(code, 0, 'exited by itself');
  t.equal(report.running, true);
  t.ok(report.after > report.atStop, 'still sampling until the end');
});

t.test('start and stop are idempotent; a stopped collector can start again', async (t) => {
  const c = new SystemMetricsCollector({ intervalMs: 10, historyMs: 1000 });
  c.stop();
  c.start();
  c.start();
  t.equal(c.latest()?.seq, 1, 'start() takes one sample right away, once');
  c.stop();
  c.stop();
  t.equal(c.running, false);
  c.start();
  t.equal(c.latest()?.seq, 2);
  t.equal(c.running, true);
  c.stop();
});
