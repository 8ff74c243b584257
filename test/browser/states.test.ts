import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeUdpPcap } from '../export/helpers/udp-pcap.js';
import { unavailable } from '../helpers/require.js';
import { chromiumMissing, ensureDashboardBuilt, launch, until } from './helpers/browser.js';
import { startCli } from './helpers/cli-server.js';

/**
 * The dashboard's quiet and failing states, in headless Chromium against the real CLI server:
 * a capture without packets says it waits for traffic; API calls the server refuses (here its
 * rate limit) show in the alert banner instead of failing silently.
 */

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-states-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** A pcap with its file header and no packet. */
function emptyPcap(path: string): void {
  writeUdpPcap(path, [], 9);
}

t.test('no packets yet: the table says it waits for traffic, and nothing is an error', async (t) => {
  if (unavailable(t, chromiumMissing())) return;
  await ensureDashboardBuilt();
  const pcap = join(dir, 'empty.pcap');
  emptyPcap(pcap);
  const server = await startCli(['--pcap', pcap]);
  t.teardown(() => server.child.kill('SIGKILL'));
  const context = await launch({ width: 1280, height: 720 }, 'reduce');
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForSelector('#link[data-state="live"]', { timeout: 15_000 });
  await until(
    'the empty state',
    async () => (await page.textContent('#flow-empty')) === 'Waiting for traffic…',
  );
  t.pass('Waiting for traffic…');
  t.ok(await page.isVisible('#flow-empty'));
  t.equal(await page.textContent('#flow-count'), '0 flows');
  t.ok(await page.isHidden('#banner'), 'no error banner');
  t.same(errors, [], 'no console errors');
});

t.test('API calls the server refuses show in the alert banner', async (t) => {
  if (unavailable(t, chromiumMissing())) return;
  await ensureDashboardBuilt();
  const pcap = join(dir, 'empty-too.pcap');
  emptyPcap(pcap);
  // The dashboard makes more than three API calls on load: the rest are refused with 429.
  const server = await startCli(['--pcap', pcap, '--rate-limit', '3/1m']);
  t.teardown(() => server.child.kill('SIGKILL'));
  const context = await launch({ width: 1280, height: 720 }, 'reduce');
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  await page.waitForSelector('#banner:not([hidden])', { timeout: 15_000 });
  const text = (await page.textContent('#banner')) ?? '';
  t.match(text, /^loading [a-z ]+: /, `the banner says what failed: ${text}`);
  t.match(text, /more than 3 requests in 1m/, 'and why, in the server’s words');
  t.equal(await page.getAttribute('#banner', 'role'), 'alert', 'announced to screen readers');
});
