import t from 'tap';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsoleMessage, Page } from 'playwright-core';
import { writeCapture } from '../../src/gen/index.js';
import { unavailable } from '../helpers/require.js';
import {
  chromiumMissing,
  ensureDashboardBuilt,
  launch,
  saveScreenshot,
  until as untilWithin,
} from './helpers/browser.js';
import { startCli, type CliServer } from './helpers/cli-server.js';

/**
 * The dashboard in headless Chromium against the real CLI server, fed by a generated capture
 * replayed in real time. Screenshots go to test/artifacts/ (and to docs/screenshots/ with
 * FLOWMATRIX_SCREENSHOTS=1).
 */

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-browser-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Runs in the page (as text: this project's TypeScript has no DOM types outside web/). */
const RECORD_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  (window.__csp ??= []).push(e.violatedDirective + ' ' + e.blockedURI);
});`;

interface Cells {
  proto: string;
  src: string;
  dst: string;
}

/** The table rows on screen: protocol, source and destination of each. */
async function rows(page: Page): Promise<Cells[]> {
  return page.$$eval('#flow-body .tr:not([hidden])', (els) =>
    els.map((e) => ({
      proto: e.children[1]?.textContent ?? '',
      src: e.children[2]?.textContent ?? '',
      dst: e.children[4]?.textContent ?? '',
    })),
  );
}

async function flowCount(page: Page): Promise<number> {
  const text = (await page.textContent('#flow-count')) ?? '';
  return Number(/^([\d,]+) flows/.exec(text)?.[1].replace(/,/g, '') ?? NaN);
}

/** A UDP port on loopback that nobody listens on (bound, then released). */
async function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(resolve));
  return port;
}

/** The export and collection rows the health panel shows now. */
async function exportRows(page: Page): Promise<string[]> {
  return page.$$eval('#health .stat:not([hidden])', (els) =>
    els.map((e) => e.getAttribute('data-key') ?? '').filter((k) => /^(export|collect)-/.test(k)),
  );
}

const until = (what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> =>
  untilWithin(what, probe, ms);

t.test('the dashboard against a live replay', async (t) => {
  if (unavailable(t, chromiumMissing())) return;
  await ensureDashboardBuilt();
  const pcap = join(dir, 'replay.pcap');
  // About 1,500 packets/s for 90 s of capture time, 60 new flows a second.
  await writeCapture({ seed: 51, flows: 5400, packets: 135_000, durationSec: 90 }, pcap);

  let server: CliServer = await startCli(['--pcap', pcap, '--replay-speed', '1']);
  t.teardown(() => server.child.kill('SIGKILL'));
  // Reduced motion: no background animation competing for the CI machine's two cores.
  const context = await launch({ width: 1280, height: 720 }, 'reduce');
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());

  const errors: string[] = [];
  let restarting = false;
  const networkErrorsWhileRestarting: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    // While the server is down, the browser reports the refused connections itself.
    if (restarting && /ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource/.test(m.text()))
      networkErrorsWhileRestarting.push(m.text());
    else errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.addInitScript({ content: RECORD_CSP_VIOLATIONS });

  await page.goto(server.url);
  await page.waitForSelector('#link[data-state="live"]', { timeout: 15_000 });
  await until('the table fills', async () => (await rows(page)).length >= 15);
  t.pass(`the table fills (${await flowCount(page)} flows)`);
  await until('top talkers', async () => (await page.$$('#talkers li button.link')).length > 0);
  await until('health', async () => (await page.textContent('#health [data-key="pps"] dd')) !== '—');

  // The chart moves: its newest point advances with the replay.
  const lastPoint = async (): Promise<number> => Number(await page.getAttribute('#chart', 'data-last'));
  const before = await lastPoint();
  await until('the chart moves', async () => (await lastPoint()) >= before + 2000, 10_000);
  t.ok((await lastPoint()) > before, 'the chart moves');
  t.ok(Number(await page.getAttribute('#chart', 'data-points')) > 0);
  await until('active flows in the health panel', async () => {
    const text = (await page.textContent('#health [data-key="flows-active"] dd')) ?? '';
    return /^[1-9]/.test(text);
  });
  t.pass('the health panel counts the active flows');
  t.same(await exportRows(page), [], 'no export rows without --ipfix-export');
  await saveScreenshot(page, 'dashboard.png', true);

  // Typing a filter narrows the table (and lands in the URL).
  const all = await flowCount(page);
  await page.fill('#filter', 'udp');
  await until('only udp rows', async () => {
    const r = await rows(page);
    return r.length > 0 && r.every((c) => c.proto === 'udp');
  });
  t.ok((await flowCount(page)) < all, 'typing a filter narrows the table');
  t.match(page.url(), /\?filter=udp$/, 'the filter is in the URL');

  // A bad filter is marked where it goes wrong, with suggestions.
  await page.fill('#filter', 'udp and hots 198.18.0.1');
  await page.waitForSelector('#filter-error:not([hidden])');
  t.equal(await page.textContent('#filter-echo mark'), 'hots', 'the wrong word is marked');
  t.match(await page.textContent('#filter-message'), /did you mean 'host'/);
  t.equal(await page.getAttribute('#filter', 'aria-invalid'), 'true');
  await page.click('#filter-suggestions button:has-text("host")');
  await page.waitForSelector('#filter-error', { state: 'hidden' });
  t.equal(await page.inputValue('#filter'), 'udp and host 198.18.0.1', 'a suggestion replaces the word');

  // Clicking an address filters on it.
  await page.fill('#filter', 'tcp');
  await until('tcp rows', async () => {
    const r = await rows(page);
    return r.length > 0 && r.every((c) => c.proto === 'tcp');
  });
  // Read the address and click its button in one turn of the page: the live table may re-sort
  // between two separate steps, and the click would land on another row's address.
  const address = await page.$eval('#flow-body .tr:not([hidden]) .c-addr button', (button) => {
    const text = button.textContent ?? '';
    (button as unknown as { click(): void }).click();
    return text;
  });
  t.equal(await page.inputValue('#filter'), `host ${address}`, `clicking ${address} filters on it`);
  await until('rows of that host', async () => {
    const r = await rows(page);
    return r.length > 0 && r.every((c) => c.src === address || c.dst === address);
  });
  t.equal(new URL(page.url()).searchParams.get('filter'), `host ${address}`);

  // The detail drawer, by keyboard: the row's tab stop, Enter, Escape.
  await page.focus('#flow-body .tr[tabindex="0"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#drawer:not([hidden])');
  t.match(await page.textContent('#drawer .cid code'), /^1:[A-Za-z0-9+/]{27}=$/, 'Community ID shown');
  t.ok(await page.$('#drawer .cid button.copy'), 'with a copy button');
  t.match(await page.textContent('#drawer-body'), /First seen.*Last seen.*TCP flags src/s, 'every field');
  await saveScreenshot(page, 'drawer.png', true);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#drawer', { state: 'hidden' });

  // Back to a broad filter, then the server restarts on the same port: the page reconnects by
  // itself and subscribes again with the same filter.
  await page.fill('#filter', 'tcp');
  await until('tcp rows again', async () => (await rows(page)).length > 0);
  t.same(errors, [], 'no console errors so far');
  restarting = true;
  const port = server.port;
  await server.stop();
  await page.waitForSelector('#link:not([data-state="live"])', { timeout: 10_000 });
  t.pass(`the indicator shows the loss (${await page.getAttribute('#link', 'data-state')})`);
  // Back with IPFIX export to a loopback UDP port nobody listens on (nothing leaves the host);
  // a short idle timeout ends flows, hence records, within a couple of seconds.
  const exportTo = `127.0.0.1:${await freeUdpPort()}`;
  const exporting = ['--ipfix-export', exportTo, '--idle-timeout', '2s'];
  server = await startCli(['--pcap', pcap, '--replay-speed', '1', ...exporting], port);
  await page.waitForSelector('#link[data-state="live"]', { timeout: 20_000 });
  restarting = false;
  await until('rows after reconnecting', async () => {
    const r = await rows(page);
    return r.length > 0 && r.every((c) => c.proto === 'tcp');
  });
  t.pass('reconnected after the restart, same filter');
  t.equal(await page.inputValue('#filter'), 'tcp');
  await until('exported records in the health panel', async () => {
    const text = (await page.textContent('#health [data-key="export-records"] dd')) ?? '';
    return /^[1-9]/.test(text);
  });
  t.same(await exportRows(page), ['export-records', 'export-drops'], 'the exporter rows, no collector rows');
  t.match(
    await page.textContent('#health [data-key="export-drops"] dd'),
    /^[\d,]+ \/ ready$/,
    'export drops and the target state',
  );
  await saveScreenshot(page, 'reconnected.png');

  t.same(errors, [], 'no console errors');
  t.same(await page.evaluate('window.__csp ?? []'), [], 'no Content-Security-Policy violations');
});

t.test('readable at 1280×720 and on a small laptop screen, nothing overflows', async (t) => {
  if (unavailable(t, chromiumMissing())) return;
  await ensureDashboardBuilt();
  const pcap = join(dir, 'small.pcap');
  await writeCapture({ seed: 52, flows: 500, packets: 8000 }, pcap);
  const server = await startCli(['--pcap', pcap]);
  t.teardown(() => server.stop());
  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1366, height: 768 },
  ]) {
    const context = await launch(viewport);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await until('rows', async () => (await rows(page)).length > 5);
    await until('top talkers', async () => (await page.$$('#talkers li button.link')).length > 0);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    t.ok(overflow <= 0, `${viewport.width}×${viewport.height}: no horizontal scrolling`);
    const hidden = await page.evaluate(`['#chart', '#flow-body', '#health', '#talkers'].filter((s) => {
      const r = document.querySelector(s)?.getBoundingClientRect();
      return !(r !== undefined && r.width > 100 && r.height > 50 && r.top < window.innerHeight);
    })`);
    t.same(hidden, [], 'chart, table, health and top talkers are on the first screen');
    await saveScreenshot(page, `dashboard-${viewport.width}x${viewport.height}.png`, viewport.width === 1366);
    await context.close();
  }
});
