import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { writeCapture } from '../../src/gen/index.js';
import { unavailable } from '../helpers/require.js';
import { chromiumMissing, ensureDashboardBuilt, launch, until } from './helpers/browser.js';
import { startCli } from './helpers/cli-server.js';

/**
 * The table's controls (sorting, pause/resume, virtualization with thousands of flows), the
 * health panel and the background rain (motion preferences, hidden tab), in headless Chromium
 * against the real CLI server.
 */

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-controls-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Row {
  index: number;
  id: string;
  src: string;
}

/** The rows that exist in the page, in table order. */
async function rows(page: Page): Promise<Row[]> {
  const r = await page.$$eval('#flow-body .tr:not([hidden])', (els) =>
    els.map((e) => ({
      index: Number(e.getAttribute('data-index')),
      id: e.getAttribute('data-id') ?? '',
      src: e.children[2]?.textContent ?? '',
    })),
  );
  return r.sort((a, b) => a.index - b.index);
}

async function countLine(page: Page): Promise<{ flows: number; text: string }> {
  const text = (await page.textContent('#flow-count')) ?? '';
  return { flows: Number(/^([\d,]+) flows/.exec(text)?.[1].replace(/,/g, '') ?? NaN), text };
}

const inOrder = (xs: string[], dir: 1 | -1): boolean =>
  xs.every((x, i) => i === 0 || (dir === 1 ? xs[i - 1] <= x : xs[i - 1] >= x));

t.test('sorting, pause/resume and a virtualized table of thousands of flows', async (t) => {
  if (unavailable(t, chromiumMissing())) return;
  await ensureDashboardBuilt();
  const pcap = join(dir, 'busy.pcap');
  // 120 s of capture time at 4× speed: about 200 new flows a second for 30 s.
  await writeCapture({ seed: 61, flows: 6000, packets: 90_000, durationSec: 120 }, pcap);
  const server = await startCli(['--pcap', pcap, '--replay-speed', '4']);
  t.teardown(() => server.child.kill('SIGKILL'));
  const context = await launch({ width: 1280, height: 720 }, 'reduce');
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);

  await until('a thousand flows', async () => (await countLine(page)).flows >= 1000);
  const inPage = await page.$$eval('#flow-body .tr', (els) => els.length);
  t.ok(inPage < 80, `${(await countLine(page)).flows} flows, ${inPage} rows in the page`);

  // Every health value shown is filled in once two samples have come (export rows stay hidden).
  await until('health values', async () => {
    const values = await page.$$eval('#health .stat:not([hidden]) dd', (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    return values.length > 0 && values.every((v) => v !== '' && !v.includes('—'));
  });
  t.pass('every health value is shown');

  // Sorting by a header, then reversing it (the table renders on the next animation frame).
  const th = (title: string) => page.locator('#flow-head .th', { hasText: title });
  const sortedBy = async (title: string, dir: string): Promise<void> =>
    until(`${title} ${dir}`, async () => (await th(title).getAttribute('aria-sort')) === dir);
  const sources = async (): Promise<string[]> => (await rows(page)).map((r) => r.src);
  await th('Source').locator('button').click();
  await sortedBy('Source', 'ascending');
  await until('ascending sources', async () => inOrder(await sources(), 1));
  t.pass('sorted by source, ascending');
  await th('Source').locator('button').click();
  await sortedBy('Source', 'descending');
  await until('descending sources', async () => inOrder(await sources(), -1));
  t.pass('a second click reverses it');

  // Back to the newest first: flows come in at the top while live.
  await th('Last seen').locator('button').click();
  await sortedBy('Last seen', 'descending');

  // Pause: the rows stay as they are while updates wait; Resume applies them.
  await page.click('#pause');
  t.equal(await page.getAttribute('#pause', 'aria-pressed'), 'true');
  t.equal(await page.textContent('#pause'), 'Resume');
  await sleep(200);
  const ids = async (): Promise<string[]> => (await rows(page)).map((r) => r.id);
  const frozen = await ids();
  const before = (await countLine(page)).flows;
  await until('updates waiting', async () =>
    /paused, [\d,]*[1-9][\d,]* waiting/.test((await countLine(page)).text),
  );
  await sleep(1500);
  t.same(await ids(), frozen, 'the rows do not move while paused');
  t.equal((await countLine(page)).flows, before, 'nor does the count');
  await page.click('#pause');
  t.equal(await page.getAttribute('#pause', 'aria-pressed'), 'false');
  await until('resumed', async () => {
    const c = await countLine(page);
    return !c.text.includes('paused') && c.flows > before;
  });
  await until('rows move again', async () => (await ids()).some((id, i) => id !== frozen[i]));
  t.pass('resuming applies what waited');

  // Empty states: a filter nothing matches, a filter with a mistake.
  const empty = async (): Promise<string | null> =>
    (await page.isVisible('#flow-empty')) ? await page.textContent('#flow-empty') : null;
  await page.fill('#filter', 'host 192.0.2.99');
  await until('no match', async () => (await empty()) === 'No flow matches “host 192.0.2.99” yet.');
  t.pass('a filter that matches nothing says so');
  await page.fill('#filter', 'host 192.0.2.99 and');
  await until('bad filter', async () => (await empty()) === 'Fix the filter to see flows.');
  t.pass('a filter with a mistake says so');
  await page.fill('#filter', '');
  await until('rows again', async () => (await empty()) === null && (await rows(page)).length > 0);
});

/** Distinct frames of the rain canvas: a hash of its pixels, and how many are not black. */
const RAIN_PIXELS = `(() => {
  const c = document.getElementById('rain');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let lit = 0, hash = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 1] > 0) lit++;
    hash = (hash * 31 + d[i + 1]) | 0;
  }
  return { lit, hash };
})()`;

const HIDE = `Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
document.dispatchEvent(new Event('visibilitychange'));`;
const SHOW = `Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
document.dispatchEvent(new Event('visibilitychange'));`;

t.test(
  'the digital rain: it moves, stops while the tab is hidden, never runs under reduced motion',
  async (t) => {
    if (unavailable(t, chromiumMissing())) return;
    await ensureDashboardBuilt();
    const pcap = join(dir, 'small.pcap');
    await writeCapture({ seed: 62, flows: 200, packets: 3000 }, pcap);
    const server = await startCli(['--pcap', pcap]);
    t.teardown(() => server.stop());

    const moving = await launch({ width: 1280, height: 720 }, 'no-preference');
    t.teardown(() => moving.close());
    const page = moving.pages()[0] ?? (await moving.newPage());
    await page.goto(server.url);
    await page.waitForSelector('#link[data-state="live"]');
    type Pixels = { lit: number; hash: number };
    const pixels = async (p: Page): Promise<Pixels> => (await p.evaluate(RAIN_PIXELS)) as Pixels;
    await until('rain drawn', async () => (await pixels(page)).lit > 0, 10_000);
    const a = await pixels(page);
    await sleep(400);
    t.not((await pixels(page)).hash, a.hash, 'the rain moves');

    await page.evaluate(HIDE);
    await sleep(200);
    const hidden = await pixels(page);
    await sleep(600);
    t.equal((await pixels(page)).hash, hidden.hash, 'nothing is drawn while the tab is hidden');
    await page.evaluate(SHOW);
    await sleep(400);
    t.not((await pixels(page)).hash, hidden.hash, 'it resumes when the tab is visible again');

    const still = await launch({ width: 1280, height: 720 }, 'reduce');
    t.teardown(() => still.close());
    const quiet = still.pages()[0] ?? (await still.newPage());
    await quiet.goto(server.url);
    await quiet.waitForSelector('#link[data-state="live"]');
    await sleep(1000);
    t.equal((await pixels(quiet)).lit, 0, 'under prefers-reduced-motion no glyph is ever drawn');
  },
);
