import t from 'tap';
import request from 'supertest';
import { Client, type Assertions } from './helpers/client.js';
import { harness } from './helpers/fakes.js';

const h = harness();
t.teardown(() => h.close());
const client = await Client.create(h);

interface Tap extends Assertions {
  equal(found: unknown, wanted: unknown, message: string): unknown;
  match(found: unknown, wanted: unknown, message: string): unknown;
}

/** A problem answer with the expected status, code and (when given) extension members. */
async function problem(
  t: Tap,
  url: string,
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await client.get(t, url);
  t.equal(res.status, status, `${url}: status`);
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${url}: problem+json`);
  t.match(res.body, { status, code, instance: url.split('?', 1)[0], ...extra }, `${url}: ${res.body.detail}`);
  t.equal(res.body.requestId, res.headers['x-request-id'], 'requestId echoes the header');
  t.equal(
    res.body.type,
    `https://flowmatrix.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    'type URI',
  );
  return res.body as Record<string, unknown>;
}

t.test('malformed filter: 400 BAD_FILTER with position, length and suggestions', async (t) => {
  const p = await problem(t, '/api/v1/flows?filter=%20%20bogus%201', 400, 'BAD_FILTER', {
    parameter: 'filter',
    position: 2,
    length: 5,
    suggestions: ['host', 'port', 'proto'],
    detail: 'unknown keyword "bogus"',
  });
  t.equal(p.title, 'Invalid filter');
  for (const path of ['/api/v1/top-talkers', '/api/v1/stats/timeseries']) {
    await problem(t, `${path}?filter=nope`, 400, 'BAD_FILTER', { position: 0 });
  }
  t.equal(h.store.calls.length, 0, 'the store was never asked');
});

t.test('a blank filter means no filter', async (t) => {
  const res = await client.get(t, '/api/v1/flows?filter=%20');
  t.equal(res.status, 200);
});

t.test('too long a filter is refused by its schema', async (t) => {
  await problem(t, `/api/v1/flows?filter=${'x'.repeat(4097)}`, 400, 'BAD_PARAMETER', { parameter: 'filter' });
});

t.test('bad cursor: 400 BAD_CURSOR', async (t) => {
  await problem(t, '/api/v1/flows?cursor=garbage', 400, 'BAD_CURSOR', {
    detail: 'cursor is not one this server issued',
  });
  await problem(t, '/api/v1/flows?cursor=', 400, 'BAD_PARAMETER', { parameter: 'cursor' });
});

t.test('limit out of range or not a number', async (t) => {
  for (const [path, max] of [
    ['/api/v1/flows', 10_000],
    ['/api/v1/top-talkers', 1000],
    ['/api/v1/stats/ports', 1000],
  ] as const) {
    await problem(t, `${path}?limit=0`, 400, 'BAD_PARAMETER', { parameter: 'limit', detail: /must be >= 1/ });
    await problem(t, `${path}?limit=${max + 1}`, 400, 'BAD_PARAMETER', {
      parameter: 'limit',
      detail: new RegExp(`must be <= ${max}`),
    });
    await problem(t, `${path}?limit=ten`, 400, 'BAD_PARAMETER', { detail: /must be integer/ });
    await problem(t, `${path}?limit=1.5`, 400, 'BAD_PARAMETER', { parameter: 'limit' });
    const ok = await client.get(t, `${path}?limit=${max}`);
    t.equal(ok.status, 200, `${path}: limit=${max} is fine`);
  }
});

t.test('enums', async (t) => {
  await problem(t, '/api/v1/flows?state=gone', 400, 'BAD_PARAMETER', {
    detail: 'query parameter "state" must be one of active, ended, all',
  });
  await problem(t, '/api/v1/flows?sort=size', 400, 'BAD_PARAMETER', { parameter: 'sort' });
  await problem(t, '/api/v1/flows?order=up', 400, 'BAD_PARAMETER', { parameter: 'order' });
  await problem(t, '/api/v1/top-talkers?by=ports', 400, 'BAD_PARAMETER', { parameter: 'by' });
  await problem(t, '/api/v1/top-talkers?direction=in', 400, 'BAD_PARAMETER', { parameter: 'direction' });
});

t.test('times', async (t) => {
  await problem(t, '/api/v1/flows?from=yesterday', 400, 'BAD_PARAMETER', { parameter: 'from' });
  await problem(t, '/api/v1/flows?to=2024-13-45T00:00:00Z', 400, 'BAD_PARAMETER', { parameter: 'to' });
  await problem(t, '/api/v1/flows?from=2000&to=1000', 400, 'BAD_PARAMETER', {
    detail: 'query parameter "from" is after "to"',
  });
});

t.test('unknown and repeated parameters', async (t) => {
  await problem(t, '/api/v1/flows?limt=5', 400, 'UNKNOWN_PARAMETER', {
    parameter: 'limt',
    detail: 'unknown query parameter "limt"',
  });
  await problem(t, '/api/v1/health?verbose=1', 400, 'UNKNOWN_PARAMETER', { parameter: 'verbose' });
  await problem(t, '/api/v1/capture?x', 400, 'UNKNOWN_PARAMETER', { parameter: 'x' });
  await problem(t, '/api/v1/flows?limit=1&limit=2', 400, 'BAD_PARAMETER', {
    detail: 'query parameter "limit" is given more than once',
  });
  await problem(t, '/api/v1/flows?state[x]=1', 400, 'UNKNOWN_PARAMETER', { parameter: 'state[x]' });
});

t.test('bad window and step', async (t) => {
  await problem(t, '/api/v1/top-talkers?window=5%20minutes', 400, 'BAD_PARAMETER', { parameter: 'window' });
  await problem(t, '/api/v1/top-talkers?window=-5m', 400, 'BAD_PARAMETER', { parameter: 'window' });
  await problem(t, '/api/v1/stats/protocols?window=2h', 400, 'BAD_PARAMETER', {
    detail: 'query parameter "window" (2h) is longer than the retention (1h)',
  });
  await problem(t, '/api/v1/stats/ports?window=500ms', 400, 'BAD_PARAMETER', { detail: /at least 1s/ });
  await problem(t, '/api/v1/metrics/system/history?window=1d', 400, 'BAD_PARAMETER', { parameter: 'window' });
  await problem(t, '/api/v1/stats/timeseries?window=5m&step=500ms', 400, 'BAD_PARAMETER', {
    parameter: 'step',
    detail: /at least 1s/,
  });
  await problem(t, '/api/v1/stats/timeseries?window=5m&step=10m', 400, 'BAD_PARAMETER', {
    detail: /longer than the window/,
  });
  await problem(t, '/api/v1/stats/timeseries?window=60m&step=999ms', 400, 'BAD_PARAMETER', {
    parameter: 'step',
  });
  await problem(t, '/api/v1/stats/timeseries?window=5m&step=x', 400, 'BAD_PARAMETER', { parameter: 'step' });
});

t.test('path parameters', async (t) => {
  await problem(t, '/api/v1/flows/a%20b', 400, 'BAD_PARAMETER', { parameter: 'id' });
  await problem(t, `/api/v1/flows/${'9'.repeat(65)}`, 400, 'BAD_PARAMETER', { parameter: 'id' });
});

t.test('huge query string: 414 URI_TOO_LONG', async (t) => {
  await problem(t, `/api/v1/flows?filter=${'a'.repeat(9000)}`, 414, 'URI_TOO_LONG', {
    detail: 'the query string has 9007 bytes; this server takes 8192',
  });
  const small = harness({ maxQueryBytes: 100 });
  t.teardown(() => small.close());
  const res = await request(small.app).get(`/api/v1/health?${'x'.repeat(101)}`);
  t.equal(res.status, 414, 'the limit is configurable');
  const fits = await request(small.app).get(`/api/v1/flows?filter=${'host%20198.18.0.1'}`);
  t.equal(fits.status, 200);
});

t.test('JSON bodies: malformed, too large', async (t) => {
  const bad = await request(h.app)
    .get('/api/v1/health')
    .set('Content-Type', 'application/json')
    .send('{"a":');
  t.equal(bad.status, 400);
  t.match(bad.body, { code: 'BAD_JSON', detail: 'the request body is not valid JSON' });
  t.same(client.conformance.check('/api/v1/health', bad), []);

  const small = harness({ maxBodyBytes: 32 });
  t.teardown(() => small.close());
  const big = await request(small.app)
    .get('/api/v1/health')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ pad: 'x'.repeat(100) }));
  t.equal(big.status, 413);
  t.match(big.headers['content-type'], /^application\/problem\+json/);
  t.equal(big.body.code, 'PAYLOAD_TOO_LARGE');
  const text = await request(small.app)
    .get('/api/v1/health')
    .set('Content-Type', 'text/plain')
    .send('y'.repeat(100));
  t.equal(text.status, 413, 'any declared body over the limit');
});

t.test('unknown routes and methods', async (t) => {
  await problem(t, '/api/v1/nothing', 404, 'NOT_FOUND', { detail: 'no resource at /api/v1/nothing' });
  await problem(t, '/', 404, 'NOT_FOUND');
  const post = await request(h.app).post('/api/v1/flows').send({});
  t.equal(post.status, 405);
  t.equal(post.headers.allow, 'GET, HEAD, OPTIONS');
  t.match(post.headers['content-type'], /^application\/problem\+json/);
  t.match(post.body, { code: 'METHOD_NOT_ALLOWED', status: 405, instance: '/api/v1/flows' });
  t.same(client.conformance.check('/api/v1/flows', post), []);
  for (const method of ['put', 'delete', 'patch'] as const) {
    const res = await request(h.app)[method]('/api/v1/flows/1');
    t.equal(res.status, 405, method);
  }
  const options = await request(h.app).options('/api/v1/top-talkers');
  t.equal(options.status, 204);
  t.equal(options.headers.allow, 'GET, HEAD, OPTIONS');
});

t.test('unexpected faults: 500 INTERNAL, no stack, logged, still serving', async (t) => {
  const broken = harness(
    {},
    {
      compileFilter: () => {
        throw new Error('compiler exploded at /secret/path.ts:12');
      },
    },
  );
  t.teardown(() => broken.close());
  broken.store.getFlow = () => {
    throw new TypeError('cannot read properties of undefined');
  };
  const res = await request(broken.app).get('/api/v1/flows/1');
  t.equal(res.status, 500);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.body, { code: 'INTERNAL', status: 500, title: 'Internal error' });
  t.notMatch(res.text, /TypeError|cannot read|at .*\.ts/, 'nothing of the error in the body');
  t.same(client.conformance.check('/api/v1/flows/1', res), []);
  const filtered = await request(broken.app).get('/api/v1/flows?filter=host%201.2.3.4');
  t.equal(filtered.status, 500, 'a filter compiler error without a position is a fault, not a bad filter');
  t.notMatch(filtered.text, /secret/);
  const logged = broken.logs.find((l) => l.msg === 'unexpected error');
  t.ok(logged, 'the fault is logged');
  t.match(logged, { level: 50, reqId: res.headers['x-request-id'], err: { type: 'TypeError' } });
  const after = await request(broken.app).get('/api/v1/health');
  t.equal(after.status, 200, 'still serving');
});
