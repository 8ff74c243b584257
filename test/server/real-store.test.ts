/**
 * The API over the real FlowStore fed by the real pipeline from a generated capture, with the
 * real filter compiler: filtered counts and top talkers equal the generator's truth exactly, and
 * every answer conforms to the OpenAPI document.
 */
import t from 'tap';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFilter } from '../../src/filter/index.js';
import { writeCapture } from '../../src/gen/index.js';
import { FlowStore } from '../../src/store/index.js';
import { createShardPool, runIntoStore } from '../helpers/pipeline.js';
import { harness } from './helpers/fakes.js';
import { Conformance } from './helpers/conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-api-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('filtered counts and top talkers over the API equal the truth', async (t) => {
  const pcap = join(dir, 'a.pcap');
  const gen = await writeCapture({ seed: 41, flows: 4000, packets: 50_000 }, pcap, { collectTruth: true });
  const truth = gen.truth ?? [];
  const store = new FlowStore();
  const pool = createShardPool(2);
  t.teardown(() => pool.destroy());
  await runIntoStore([pcap], store, {}, pool);
  const h = harness({}, { store, compileFilter });
  const conformance = new Conformance(h.document);

  const count = async (filter: string): Promise<number> => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const q: Record<string, string> = { filter, limit: '1000', state: 'all' };
      if (cursor) q.cursor = cursor;
      const res = await request(h.app).get('/api/v1/flows').query(q);
      t.equal(res.status, 200);
      t.same(conformance.check('/api/v1/flows', res), []);
      n += (res.body as { flows: unknown[] }).flows.length;
      cursor = (res.body as { nextCursor: string | null }).nextCursor;
    } while (cursor);
    return n;
  };

  t.equal(await count('udp'), truth.filter((r) => r.proto === 17).length, 'udp');
  t.equal(
    await count('tcp and dst port 443'),
    truth.filter((r) => r.proto === 6 && r.sport === 443).length,
    'tcp and dst port 443',
  );
  t.equal(
    await count('ip6 and not icmp6'),
    truth.filter((r) => r.client.includes(':') && r.proto !== 58).length,
    'ip6 and not icmp6',
  );
  const big = truth.filter((r) => r.c2sIpBytes + r.s2cIpBytes > 10_000);
  t.equal(await count('bytes > 10k'), big.length, 'bytes > 10k');
  const host = truth[17].client;
  t.equal(
    await count(`host ${host}`),
    truth.filter((r) => r.client === host || r.server === host).length,
    `host ${host}`,
  );
  t.equal(await count('tunnel'), truth.filter((r) => r.tunnel !== '').length, 'tunnel');

  const bytesOf = new Map<string, number>();
  for (const r of truth) {
    if (r.proto !== 17) continue;
    for (const a of new Set([r.client, r.server]))
      bytesOf.set(a, (bytesOf.get(a) ?? 0) + r.c2sIpBytes + r.s2cIpBytes);
  }
  const res = await request(h.app)
    .get('/api/v1/top-talkers')
    .query({ window: '60m', filter: 'udp', limit: '5' });
  t.equal(res.status, 200);
  t.same(conformance.check('/api/v1/top-talkers', res), []);
  const talkers = (res.body as { talkers: { addr: string; bytes: number }[] }).talkers;
  t.equal(talkers[0].bytes, Math.max(...bytesOf.values()), 'the top UDP talker');
  for (const e of talkers) t.equal(e.bytes, bytesOf.get(e.addr), `filtered top talker ${e.addr}`);
});
