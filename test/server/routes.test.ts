import t from 'tap';
import request from 'supertest';
import { createOpenApiDocument } from '../../src/server/index.js';
import type { FlowQuery, TimeseriesQuery, TopTalkersQuery } from '../../src/store/types.js';
import { FAKE_FLOWS, FAKE_NOW, FAKE_PORTS, FAKE_PROTOCOLS, FAKE_TALKERS } from '../helpers/fake-store.js';
import { Client } from './helpers/client.js';
import { FAKE_CAPTURE, FAKE_SAMPLE, harness, PROMETHEUS_TEXT } from './helpers/fakes.js';

const h = harness();
t.teardown(() => h.close());
const client = await Client.create(h);

function flowQuery(): FlowQuery {
  return h.store.lastCall('queryFlows')?.[0] as FlowQuery;
}

t.test('GET /flows: defaults, exact page, store query', async (t) => {
  const res = await client.get(t, '/api/v1/flows');
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  t.same(res.body, { flows: FAKE_FLOWS, nextCursor: null });
  t.notOk(res.headers.link, 'no Link on the last page');
  const q = flowQuery();
  t.same(
    { ...q, filter: q.filter, signature: typeof q.signature },
    {
      filter: null,
      from: undefined,
      to: undefined,
      state: 'all',
      sort: 'lastSeen',
      order: 'desc',
      limit: 100,
      cursor: undefined,
      signature: 'string',
    },
  );
});

t.test('GET /flows: every parameter reaches the store', async (t) => {
  const res = await client.get(
    t,
    '/api/v1/flows?filter=proto%206&from=2023-11-14T22:00:00Z&to=1700000000000&state=ended&sort=bytes&order=asc&limit=5',
  );
  t.equal(res.status, 200);
  t.same(res.body, { flows: [FAKE_FLOWS[0]], nextCursor: null });
  const q = flowQuery();
  t.equal(q.from, Date.parse('2023-11-14T22:00:00Z'));
  t.equal(q.to, 1_700_000_000_000);
  t.same([q.state, q.sort, q.order, q.limit], ['ended', 'bytes', 'asc', 5]);
  t.ok(q.filter?.matchRecord(FAKE_FLOWS[0]), 'compiled filter passed');
  t.notOk(q.filter?.matchRecord(FAKE_FLOWS[1]));
});

t.test('GET /flows: pages with nextCursor and a Link header to the next page', async (t) => {
  const first = await client.get(t, '/api/v1/flows?limit=2&sort=firstSeen');
  t.same(first.body.flows, [FAKE_FLOWS[1], FAKE_FLOWS[2]]);
  t.type(first.body.nextCursor, 'string');
  const link = String(first.headers.link);
  const m = /^<([^>]+)>; rel="next"$/.exec(link);
  t.ok(m, `Link: ${link}`);
  const next = new URL(m ? m[1] : '', 'http://x');
  t.equal(next.pathname, '/api/v1/flows');
  t.same(Object.fromEntries(next.searchParams), {
    limit: '2',
    sort: 'firstSeen',
    cursor: first.body.nextCursor,
  });
  const second = await client.get(t, m ? m[1] : '');
  t.same(second.body, { flows: [FAKE_FLOWS[0]], nextCursor: null });
  t.equal(flowQuery().cursor, first.body.nextCursor);
});

t.test(
  'GET /flows: a cursor belongs to its query (the signature follows filter, range and state)',
  async (t) => {
    const first = await client.get(t, '/api/v1/flows?limit=1&state=ended');
    const sig = flowQuery().signature;
    await client.get(t, '/api/v1/flows?limit=1&state=ended&order=desc');
    t.equal(flowQuery().signature, sig, 'same query, same signature');
    await client.get(t, '/api/v1/flows?limit=1&state=active');
    t.not(flowQuery().signature, sig);
    await client.get(t, '/api/v1/flows?limit=1&state=ended&filter=proto%206');
    t.not(flowQuery().signature, sig);
    const other = await client.get(t, `/api/v1/flows?limit=1&state=all&cursor=${first.body.nextCursor}`);
    t.equal(other.status, 400, 'the fake store refuses a cursor of another query');
    t.equal(other.body.code, 'BAD_CURSOR');
  },
);

t.test('GET /flows/{id}', async (t) => {
  const res = await client.get(t, '/api/v1/flows/3');
  t.equal(res.status, 200);
  t.same(res.body, FAKE_FLOWS[2]);
  const missing = await client.get(t, '/api/v1/flows/99');
  t.equal(missing.status, 404);
  t.same(
    { ...missing.body, requestId: typeof missing.body.requestId },
    {
      type: 'https://flowmatrix.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no flow with id 99',
      instance: '/api/v1/flows/99',
      code: 'NOT_FOUND',
      requestId: 'string',
    },
  );
});

t.test('GET /top-talkers', async (t) => {
  const res = await client.get(t, '/api/v1/top-talkers');
  t.same(res.body, {
    windowMs: 300_000,
    nowMs: FAKE_NOW,
    by: 'bytes',
    direction: 'any',
    talkers: FAKE_TALKERS.slice(0, 10),
  });
  const q = h.store.lastCall('topTalkers')?.[0] as TopTalkersQuery;
  t.same(q, { windowMs: 300_000, by: 'bytes', direction: 'any', limit: 10, filter: null });

  const custom = await client.get(
    t,
    '/api/v1/top-talkers?window=60m&by=packets&direction=src&limit=2&filter=port+443',
  );
  t.same(custom.body, {
    windowMs: 3_600_000,
    nowMs: FAKE_NOW,
    by: 'packets',
    direction: 'src',
    talkers: FAKE_TALKERS.slice(0, 2),
  });
  const q2 = h.store.lastCall('topTalkers')?.[0] as TopTalkersQuery;
  t.same([q2.windowMs, q2.by, q2.direction, q2.limit], [3_600_000, 'packets', 'src', 2]);
  t.ok(q2.filter?.matchRecord(FAKE_FLOWS[0]));

  const odd = await client.get(t, '/api/v1/top-talkers?window=90s');
  t.equal(odd.body.windowMs, 90_000, 'any duration up to the retention');
});

t.test('GET /stats/protocols and /stats/ports', async (t) => {
  const protocols = await client.get(t, '/api/v1/stats/protocols?window=15m');
  t.same(protocols.body, { windowMs: 900_000, nowMs: FAKE_NOW, protocols: FAKE_PROTOCOLS });
  t.same(h.store.lastCall('protocols'), [900_000]);

  const ports = await client.get(t, '/api/v1/stats/ports?limit=1');
  t.same(ports.body, { windowMs: 300_000, nowMs: FAKE_NOW, ports: FAKE_PORTS.slice(0, 1) });
  t.same(h.store.lastCall('ports'), [300_000, 1]);
});

t.test('GET /stats/timeseries', async (t) => {
  const res = await client.get(t, '/api/v1/stats/timeseries?window=1m&step=20s');
  const end = Math.floor(FAKE_NOW / 20_000) * 20_000 + 20_000;
  t.same(res.body, {
    windowMs: 60_000,
    stepMs: 20_000,
    nowMs: FAKE_NOW,
    points: [0, 1, 2].map((i) => ({ t: end - (3 - i) * 20_000, bytes: i, packets: 2 * i, flows: 1 })),
  });
  const q = h.store.lastCall('timeseries')?.[0] as TimeseriesQuery;
  t.same(q, { windowMs: 60_000, stepMs: 20_000, filter: null });

  const auto = await client.get(t, '/api/v1/stats/timeseries?filter=proto%2017');
  t.equal(auto.body.stepMs, 5000, 'default step: window / 60');
  t.equal(auto.body.points.length, 60);
  t.ok((h.store.lastCall('timeseries')?.[0] as TimeseriesQuery).filter?.matchRecord(FAKE_FLOWS[1]));

  const max = await client.get(t, '/api/v1/stats/timeseries?window=60m&step=1s');
  t.equal(max.body.points.length, 3600, '3600 points is the most');
});

t.test('GET /metrics/system and /metrics/system/history', async (t) => {
  const sys = await client.get(t, '/api/v1/metrics/system');
  t.same(sys.body, FAKE_SAMPLE);
  const hist = await client.get(t, '/api/v1/metrics/system/history?window=10m');
  t.same(hist.body, {
    windowMs: 600_000,
    samples: [FAKE_SAMPLE, { ...FAKE_SAMPLE, seq: 8, t: FAKE_SAMPLE.t + 1000 }],
  });
  t.equal(h.historyWindows.at(-1), 600_000);
  await client.get(t, '/api/v1/metrics/system/history');
  t.equal(h.historyWindows.at(-1), 300_000, 'default window 5m');
});

t.test('GET /capture, /health, /openapi.json, /metrics', async (t) => {
  const capture = await client.get(t, '/api/v1/capture');
  t.same(capture.body, FAKE_CAPTURE);
  const health = await client.get(t, '/api/v1/health');
  t.same(health.body, { status: 'ok', version: '0.1.0-test', uptimeSeconds: 12.5, nowMs: FAKE_NOW });
  const doc = await client.get(t, '/api/v1/openapi.json');
  t.same(doc.body, JSON.parse(JSON.stringify(createOpenApiDocument('0.1.0-test'))));
  const prom = await client.get(t, '/metrics');
  t.equal(prom.status, 200);
  t.equal(prom.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  t.equal(prom.text, PROMETHEUS_TEXT);
});

t.test('HEAD answers like GET without a body', async (t) => {
  const res = await request(h.app).head('/api/v1/health');
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  t.same(res.body, {});
});

t.test('large answers are compressed', async (t) => {
  const res = await request(h.app).get('/api/v1/openapi.json').set('Accept-Encoding', 'gzip');
  t.equal(res.headers['content-encoding'], 'gzip');
  t.equal(res.body.openapi, '3.1.0', 'and still decode');
});
