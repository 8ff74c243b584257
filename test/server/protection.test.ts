import t from 'tap';
import request from 'supertest';
import { bearerToken } from '../../src/server/auth.js';
import { Client } from './helpers/client.js';
import { harness, waitForLog } from './helpers/fakes.js';

const TOKEN = 's3cr3t-token-4f9a8b7c6d5e';
const AUTH = { Authorization: `Bearer ${TOKEN}` };

t.test('one reading of the Authorization header for REST and the Socket.IO handshake', async (t) => {
  t.equal(bearerToken(`Bearer ${TOKEN}`), TOKEN);
  t.equal(bearerToken(`bearer\t${TOKEN}  `), TOKEN, 'scheme case-insensitive, outer blanks dropped');
  t.equal(bearerToken('Bearer two words'), 'two words', 'a configured token may contain spaces');
  for (const bad of [TOKEN, `Basic ${TOKEN}`, 'Bearer', 'Bearer   ', `Bearer${TOKEN}`])
    t.equal(bearerToken(bad), null, JSON.stringify(bad));
});

t.test('with a token: every route but health needs it', async (t) => {
  const h = harness({ authToken: TOKEN });
  t.teardown(() => h.close());
  const client = await Client.create(h, AUTH);
  const routes = [
    '/api/v1/flows',
    '/api/v1/flows/1',
    '/api/v1/top-talkers',
    '/api/v1/stats/protocols',
    '/api/v1/stats/ports',
    '/api/v1/stats/timeseries',
    '/api/v1/metrics/system',
    '/api/v1/metrics/system/history',
    '/api/v1/capture',
    '/api/v1/openapi.json',
    '/metrics',
  ];
  for (const url of routes) {
    const ok = await client.get(t, url);
    t.equal(ok.status, 200, `${url} with the token`);

    const missing = await client.get(t, url, { Authorization: '' });
    t.equal(missing.status, 401, `${url} without a token`);
    t.equal(missing.headers['www-authenticate'], 'Bearer realm="flowmatrix"');
    t.match(missing.body, { code: 'UNAUTHORIZED', status: 401, title: 'Authentication required' });

    const wrong = await client.get(t, url, { Authorization: 'Bearer s3cr3t-token-4f9a8b7c6d5f' });
    t.equal(wrong.status, 401, `${url} with a wrong token`);
    t.equal(wrong.headers['www-authenticate'], 'Bearer realm="flowmatrix", error="invalid_token"');
    t.equal(wrong.body.detail, 'the bearer token is not valid');
  }
  for (const header of [TOKEN, `Basic ${TOKEN}`, `Bearer`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`]) {
    const res = await request(h.app).get('/api/v1/flows').set('Authorization', header);
    t.equal(res.status, 401, `Authorization: ${header}`);
  }
  const lower = await request(h.app).get('/api/v1/flows').set('Authorization', `bearer ${TOKEN}`);
  t.equal(lower.status, 200, 'the scheme is case-insensitive');

  const health = await client.get(t, '/api/v1/health', { Authorization: '' });
  t.equal(health.status, 200, 'health needs no token');
  const healthHead = await request(h.app).head('/api/v1/health');
  t.equal(healthHead.status, 200);
  const unknown = await request(h.app).get('/api/v1/secret-things');
  t.equal(unknown.status, 401, 'unknown paths do not reveal themselves without a token');
  const unknownWithToken = await request(h.app).get('/api/v1/secret-things').set(AUTH);
  t.equal(unknownWithToken.status, 404);
  t.equal(h.counters.unauthorized >= routes.length * 2, true, 'refusals are counted');
});

t.test('without a token: open', async (t) => {
  const h = harness({ authToken: null });
  t.teardown(() => h.close());
  const res = await request(h.app).get('/api/v1/flows');
  t.equal(res.status, 200);
  const stray = await request(h.app).get('/metrics').set('Authorization', 'Bearer whatever');
  t.equal(stray.status, 200, 'a token sent to an open server is ignored');
});

t.test('logs: one structured line per request, never the token', async (t) => {
  const h = harness({ authToken: TOKEN });
  t.teardown(() => h.close());
  await request(h.app).get('/api/v1/flows?limit=1').set(AUTH).set('X-Request-Id', 'trace-123');
  await request(h.app).get('/api/v1/flows').set('Authorization', 'Bearer wrong-guess-123');
  await request(h.app).get('/api/v1/flows/1').set(AUTH).set('Cookie', 'session=abc');
  const line = await waitForLog(h, (l) => l.reqId === 'trace-123');
  t.match(line, {
    level: 30,
    msg: 'request',
    component: 'api',
    method: 'GET',
    path: '/api/v1/flows',
    status: 200,
    durationMs: Number,
  });
  const refused = await waitForLog(h, (l) => l.status === 401);
  t.match(refused, { level: 40, path: '/api/v1/flows', status: 401 });
  await waitForLog(h, (l) => l.path === '/api/v1/flows/1');
  const raw = h.rawLogs();
  t.notMatch(raw, TOKEN, 'no token in the logs');
  t.notMatch(raw, 'wrong-guess-123', 'no wrong token in the logs either');
  t.notMatch(raw, /authorization|bearer|cookie|session=abc/i, 'no headers in the logs');
  t.notMatch(raw, 'limit=1', 'no query strings in the logs');
});

t.test('request ids: honoured when well formed, generated otherwise, always echoed', async (t) => {
  const h = harness();
  t.teardown(() => h.close());
  const given = await request(h.app).get('/api/v1/health').set('X-Request-Id', 'abc-123_x.y:z');
  t.equal(given.headers['x-request-id'], 'abc-123_x.y:z');
  const generated = await request(h.app).get('/api/v1/health');
  t.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  const hostile = await request(h.app).get('/api/v1/nowhere').set('X-Request-Id', 'a b<script>');
  t.match(hostile.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'replaced');
  t.equal(hostile.body.requestId, hostile.headers['x-request-id'], 'the problem carries the same id');
  const long = await request(h.app).get('/api/v1/health').set('X-Request-Id', 'x'.repeat(200));
  t.not(long.headers['x-request-id'], 'x'.repeat(200));
});

t.test('rate limit: 429 problem with Retry-After, counted', async (t) => {
  const h = harness({ rateLimit: { windowMs: 60_000, max: 3 }, authToken: TOKEN });
  t.teardown(() => h.close());
  const client = await Client.create(h, AUTH);
  for (let i = 0; i < 2; i++) {
    const res = await client.get(t, '/api/v1/capture');
    t.equal(res.status, 200, `request ${i + 2} of 3`);
    t.ok(res.headers.ratelimit, 'RateLimit header');
  }
  const limited = await client.get(t, '/api/v1/capture');
  t.equal(limited.status, 429);
  t.match(limited.headers['content-type'], /^application\/problem\+json/);
  t.match(limited.headers['retry-after'], /^\d+$/);
  t.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60);
  t.match(limited.body, { code: 'RATE_LIMITED', status: 429, detail: /more than 3 requests in 1m/ });
  const unauth = await client.get(t, '/api/v1/flows', { Authorization: 'Bearer guess' });
  t.equal(unauth.status, 429, 'token guessing is limited too (the limit comes before auth)');
  await waitForLog(h, (l) => l.status === 429);
  t.equal(h.counters.rateLimited, 2, 'counted');
});

t.test('CORS: off by default, allowed origins when configured', async (t) => {
  const off = harness();
  t.teardown(() => off.close());
  const plain = await request(off.app).get('/api/v1/health').set('Origin', 'https://soc.example');
  t.notOk(plain.headers['access-control-allow-origin'], 'no CORS headers');
  const preflightOff = await request(off.app)
    .options('/api/v1/flows')
    .set('Origin', 'https://soc.example')
    .set('Access-Control-Request-Method', 'GET');
  t.notOk(preflightOff.headers['access-control-allow-origin']);

  const on = harness({ corsOrigins: ['https://soc.example'], authToken: TOKEN });
  t.teardown(() => on.close());
  const allowed = await request(on.app).get('/api/v1/flows').set('Origin', 'https://soc.example').set(AUTH);
  t.equal(allowed.headers['access-control-allow-origin'], 'https://soc.example');
  t.match(allowed.headers['access-control-expose-headers'], /X-Request-Id/);
  const preflight = await request(on.app)
    .options('/api/v1/flows')
    .set('Origin', 'https://soc.example')
    .set('Access-Control-Request-Method', 'GET')
    .set('Access-Control-Request-Headers', 'authorization');
  t.equal(preflight.status, 204, 'preflight answered without a token');
  t.equal(preflight.headers['access-control-allow-origin'], 'https://soc.example');
  t.match(preflight.headers['access-control-allow-headers'], /Authorization/);
  const refusedOrigin = await request(on.app).get('/api/v1/health').set('Origin', 'https://evil.example');
  t.notOk(refusedOrigin.headers['access-control-allow-origin'], 'other origins get no CORS headers');
  const problem = await request(on.app).get('/api/v1/flows').set('Origin', 'https://soc.example');
  t.equal(problem.status, 401);
  t.equal(
    problem.headers['access-control-allow-origin'],
    'https://soc.example',
    'errors are readable cross-origin',
  );

  const any = harness({ corsOrigins: ['*'] });
  t.teardown(() => any.close());
  const star = await request(any.app).get('/api/v1/health').set('Origin', 'https://anywhere.example');
  t.equal(star.headers['access-control-allow-origin'], '*');
});

t.test('helmet headers on answers and problems', async (t) => {
  const h = harness();
  t.teardown(() => h.close());
  for (const url of ['/api/v1/health', '/api/v1/nowhere', '/api/v1/flows?limit=0']) {
    const res = await request(h.app).get(url);
    t.equal(res.headers['x-content-type-options'], 'nosniff', url);
    t.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    t.match(res.headers['content-security-policy'], /default-src 'self'/);
    t.match(res.headers['strict-transport-security'], /max-age=/);
    t.equal(res.headers['referrer-policy'], 'no-referrer');
    t.notOk(res.headers['x-powered-by']);
  }
});

t.test('observer hears every request', async (t) => {
  const seen: { method: string; operationId: string | null; status: number; seconds: number }[] = [];
  const h = harness({}, { observer: { request: (info) => seen.push(info) } });
  t.teardown(() => h.close());
  await request(h.app).get('/api/v1/flows');
  await request(h.app).get('/api/v1/nowhere');
  for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  t.match(seen, [
    { method: 'GET', operationId: 'listFlows', status: 200, seconds: Number },
    { method: 'GET', operationId: null, status: 404 },
  ]);
});
