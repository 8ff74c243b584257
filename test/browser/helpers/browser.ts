import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWeb } from '../../../scripts/build-web.js';
import { repoRoot } from '../../helpers/cli.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Exactly the flags this machine needs (no background networking: the network is closed). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no ${CHROMIUM} (Debian package chromium)`;
}

/** Headless Chromium with a fresh profile, removed on close. */
export async function launch(
  viewport = { width: 1280, height: 720 },
  reducedMotion: 'reduce' | 'no-preference' = 'no-preference',
): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'flowmatrix-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    reducedMotion,
  });
  context.on('close', () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // Chromium may still be writing its profile as it exits; the OS's tmp cleaning takes it.
    }
  });
  return context;
}

function newest(dir: string): number {
  let t = 0;
  for (const name of ['main.ts', 'styles.css', 'index.html'])
    t = Math.max(t, statSync(join(dir, name)).mtimeMs);
  return t;
}

/**
 * The server serves dist/public (`npm run build`, which CI runs first). Built here only when it
 * is missing or older than web/ (a developer's run after editing the dashboard).
 */
export async function ensureDashboardBuilt(): Promise<void> {
  const index = join(repoRoot, 'dist', 'public', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(repoRoot, 'web'))) return;
  await buildWeb({ out: join(repoRoot, 'dist', 'public'), minify: true, log: false });
}

export const artifacts = join(repoRoot, 'test', 'artifacts');

/** The README's screenshots (committed). */
export const screenshots = join(repoRoot, 'docs', 'screenshots');

/**
 * Saves a screenshot of the page to test/artifacts/NAME; a `published` one is also copied to
 * docs/screenshots/ (the README shows those) when FLOWMATRIX_SCREENSHOTS=1, so that ordinary
 * test runs do not rewrite committed files.
 */
export async function saveScreenshot(page: Page, name: string, published = false): Promise<string> {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, name);
  await page.screenshot({ path });
  if (published && process.env.FLOWMATRIX_SCREENSHOTS === '1') {
    mkdirSync(screenshots, { recursive: true });
    copyFileSync(path, join(screenshots, name));
  }
  return path;
}

/** Polls `probe` every 100 ms until it holds; fails naming `what` after `ms`. */
export async function until(what: string, probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
