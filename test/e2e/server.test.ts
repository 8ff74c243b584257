import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture } from '../../src/gen/index.js';
import { runCli } from '../helpers/cli.js';
import { startServer, until } from '../helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-server-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface CaptureBody {
  state: string;
}

t.test('--pcap without --no-server serves the file and keeps serving after it ends', async (t) => {
  const pcap = join(dir, 'a.pcap');
  const gen = await writeCapture({ seed: 31, flows: 3000, packets: 40_000 }, pcap, { collectTruth: true });
  const truth = gen.truth ?? [];
  const srv = await startServer(['--pcap', pcap]);
  t.teardown(() => srv.child.kill('SIGKILL'));
  await until(
    async () =>
      ((await (await fetch(`${srv.url}/api/v1/capture`)).json()) as CaptureBody).state === 'finished',
  );
  const health = await fetch(`${srv.url}/api/v1/health`);
  t.equal(health.status, 200);

  let count = 0;
  let next: string | null = `${srv.url}/api/v1/flows?state=ended&limit=1000`;
  while (next) {
    const r: Response = await fetch(next);
    t.equal(r.status, 200);
    const body = (await r.json()) as { flows: unknown[]; nextCursor: string | null };
    count += body.flows.length;
    const link = r.headers.get('link');
    next = link ? (/<([^>]+)>; rel="next"/.exec(link)?.[1] ?? null) : null;
    if (next && !next.startsWith('http')) next = `${srv.url}${next}`;
  }
  t.equal(count, truth.length, 'every flow of the file, page by page');

  const bytesOf = new Map<string, number>();
  for (const f of truth) {
    bytesOf.set(f.client, (bytesOf.get(f.client) ?? 0) + f.c2sIpBytes + f.s2cIpBytes);
  }
  const top = (await (
    await fetch(`${srv.url}/api/v1/top-talkers?window=60m&direction=src&limit=5`)
  ).json()) as {
    talkers: { addr: string; bytes: number }[];
  };
  for (const e of top.talkers) t.equal(e.bytes, bytesOf.get(e.addr), `top talker ${e.addr}`);
  t.equal(top.talkers[0].bytes, Math.max(...bytesOf.values()));

  const prom = await fetch(`${srv.url}/metrics`);
  t.equal(prom.status, 200);
  t.match(await prom.text(), /flowmatrix_pipeline_packets_total/);

  // Still serving later; a signal ends it promptly with exit 0.
  await new Promise((r) => setTimeout(r, 500));
  t.equal((await fetch(`${srv.url}/api/v1/health`)).status, 200);
  const { code, ms } = await srv.stop('SIGTERM');
  t.equal(code, 0);
  t.ok(ms < 2000, `exit in ${ms.toFixed(0)} ms`);
});

t.test('a token protects the API; a non-loopback host without one refuses to start', async (t) => {
  const pcap = join(dir, 'b.pcap');
  await writeCapture({ seed: 32, flows: 100, packets: 1000 }, pcap);
  const srv = await startServer(['--pcap', pcap], { FLOWMATRIX_TOKEN: 'correct-horse-battery' });
  t.teardown(() => srv.child.kill('SIGKILL'));
  t.equal((await fetch(`${srv.url}/api/v1/flows`)).status, 401);
  t.equal(
    (await fetch(`${srv.url}/api/v1/flows`, { headers: { authorization: 'Bearer wrong-token-here' } }))
      .status,
    401,
  );
  t.equal(
    (await fetch(`${srv.url}/api/v1/flows`, { headers: { authorization: 'Bearer correct-horse-battery' } }))
      .status,
    200,
  );
  t.equal((await fetch(`${srv.url}/api/v1/health`)).status, 200, 'health stays open');
  t.equal((await fetch(`${srv.url}/metrics`)).status, 401);
  await srv.stop();

  const r = await runCli(['--pcap', pcap, '--host', '0.0.0.0', '--port', '0']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^flowmatrix: .*(token|insecure)/);
  t.equal(r.stderr.trim().split('\n').length, 1);
});
