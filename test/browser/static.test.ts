import t from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { buildWeb } from '../../scripts/build-web.js';
import { DASHBOARD_CSP, serveDashboard } from '../../src/server/index.js';
import { harness } from '../server/helpers/fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-static-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** A built-looking dashboard: index.html, a hashed script with its compressed twins. */
function fakeBuild(root: string): void {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><script type="module" src="/assets/app-ABC123.js"></script>',
  );
  const js = 'console.log("dashboard");'.repeat(100);
  writeFileSync(join(root, 'assets', 'app-ABC123.js'), js);
  writeFileSync(join(root, 'assets', 'app-ABC123.js.br'), brotliCompressSync(js));
  writeFileSync(join(root, 'assets', 'app-ABC123.js.gz'), gzipSync(js));
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

t.test('static serving: cache headers, compression, SPA fallback, CSP, the API untouched', async (t) => {
  const root = join(dir, 'fake');
  fakeBuild(root);
  const dashboard = serveDashboard(root);
  t.ok(dashboard.available);
  const h = harness({ dashboard: dashboard.handler, authToken: 'a-token-of-length' });
  t.teardown(() => h.close());
  const app = h.app;

  const index = await request(app).get('/').set('Accept-Encoding', 'identity');
  t.equal(index.status, 200, 'no token needed for the page');
  t.match(index.headers['content-type'], /^text\/html/);
  t.equal(index.headers['cache-control'], 'no-cache');
  t.equal(index.headers['content-security-policy'], DASHBOARD_CSP);
  t.notMatch(DASHBOARD_CSP, /unsafe-inline|unsafe-eval/);
  t.match(DASHBOARD_CSP, /connect-src 'self'/);
  t.ok(index.headers.etag);
  const again = await request(app).get('/').set('If-None-Match', index.headers.etag);
  t.equal(again.status, 304, 'revalidation with the ETag');

  const br = await request(app).get('/assets/app-ABC123.js').set('Accept-Encoding', 'gzip, deflate, br');
  t.equal(br.headers['content-encoding'], 'br');
  t.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable', 'hashed assets: a year');
  t.equal(br.headers.vary, 'Accept-Encoding');
  t.equal(
    Number(br.headers['content-length']),
    readFileSync(join(root, 'assets', 'app-ABC123.js.br')).length,
    'the pre-compressed file',
  );
  const gz = await request(app).get('/assets/app-ABC123.js').set('Accept-Encoding', 'gzip');
  t.equal(gz.headers['content-encoding'], 'gzip');
  const noBr = await request(app).get('/assets/app-ABC123.js').set('Accept-Encoding', 'br;q=0, gzip');
  t.equal(noBr.headers['content-encoding'], 'gzip', 'q=0 refuses an encoding');
  const plain = await request(app).get('/assets/app-ABC123.js').set('Accept-Encoding', 'identity');
  t.equal(plain.headers['content-encoding'], undefined);
  t.equal(plain.text.length, 'console.log("dashboard");'.length * 100);
  const head = await request(app).head('/favicon.svg');
  t.equal(head.status, 200);
  t.equal(head.headers['cache-control'], 'public, max-age=300');

  const route = await request(app).get('/flows/some/view?filter=tcp');
  t.equal(route.status, 200, 'SPA fallback for paths without an extension');
  t.equal(route.text, index.text);
  t.equal((await request(app).get('/assets/app-MISSING.js')).status, 404, 'a missing file is a 404');

  const api = await request(app).get('/api/v1/nope');
  t.equal(api.status, 401, 'API paths are still the API (and still need the token)');
  t.equal((await request(app).get('/api/v1/health')).status, 200);
  t.equal((await request(app).get('/metrics')).status, 401, '/metrics is not the dashboard');
  t.equal((await request(app).post('/')).status, 401, 'only GET and HEAD are static');
});

t.test('without a built dashboard the page says how to build it', async (t) => {
  const dashboard = serveDashboard(join(dir, 'absent'));
  t.notOk(dashboard.available);
  const h = harness({ dashboard: dashboard.handler });
  t.teardown(() => h.close());
  const r = await request(h.app).get('/');
  t.equal(r.status, 503);
  t.match(r.text, /npm run build/);
  t.equal((await request(h.app).get('/api/v1/health')).status, 200);
});

t.test('the build: hashed assets, pre-compressed, index.html without inline script or style', async (t) => {
  const out = join(dir, 'built');
  await buildWeb({ out, minify: true, log: false });
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const assets = readdirSync(join(out, 'assets'));
  const js = /<script type="module" src="\/assets\/(app-[A-Z0-9]+\.js)"><\/script>/.exec(html)?.[1];
  const css = /<link rel="stylesheet" href="\/assets\/(app-[A-Z0-9]+\.css)"/.exec(html)?.[1];
  t.ok(js && assets.includes(js), `index.html loads ${js}`);
  t.ok(css && assets.includes(css), `and ${css}`);
  t.ok(assets.includes(`${js}.br`) && assets.includes(`${js}.gz`), 'with .br and .gz twins');
  t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  t.notMatch(html, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or handler');
  t.notMatch(html, /https?:\/\//, 'nothing from another origin');
  const bundle = readFileSync(join(out, 'assets', js ?? ''), 'utf8');
  t.notMatch(bundle, /\beval\(|new Function\(/, 'no eval in the bundle');
  t.ok(bundle.length < 400_000, `bundle ${(bundle.length / 1024).toFixed(0)} KiB`);
});
