import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Serves the built dashboard (scripts/build-web.ts writes it to dist/public): every file is
 * read into memory once (the dashboard is a few hundred KiB), with the .br/.gz twins the build
 * wrote next to it. Hashed assets (assets/…-HASH.*) are cached for a year, index.html is
 * revalidated every time (ETag), unknown paths without a file extension get index.html (the
 * dashboard's routes), and every answer carries the dashboard's strict Content-Security-Policy.
 */

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const SHORT = 'public, max-age=300';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Paths that belong to the API, the metrics or Socket.IO, never to the dashboard. */
const NOT_DASHBOARD = /^\/(api(\/|$)|metrics$|socket\.io(\/|$))/;

interface Asset {
  body: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
  type: string;
  etag: string;
  cacheControl: string;
}

/** Where the build puts the dashboard, seen from dist/server/static.js or src/server/static.ts. */
export function defaultDashboardDir(): string {
  const fromDist = fileURLToPath(new URL('../public', import.meta.url));
  const fromSrc = fileURLToPath(new URL('../../dist/public', import.meta.url));
  return existsSync(join(fromDist, 'index.html')) ? fromDist : fromSrc;
}

/** Every file below `dir`, recursively (also used by the dashboard build script). */
export function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(join(root, 'index.html'))) return assets;
  let files: string[];
  try {
    files = walk(root);
  } catch {
    return assets;
  }
  const present = new Set(files);
  const read = (f: string): Buffer | null => {
    try {
      return readFileSync(f);
    } catch {
      return null; // removed meanwhile (a build running): served without it
    }
  };
  for (const file of files) {
    if (file.endsWith('.br') || file.endsWith('.gz')) continue;
    const url = '/' + relative(root, file).split(sep).join('/');
    const body = read(file);
    if (body === null) continue;
    const twin = (ext: string): Buffer | null => (present.has(file + ext) ? read(file + ext) : null);
    assets.set(url, {
      body,
      br: twin('.br'),
      gzip: twin('.gz'),
      type: TYPES[extname(file)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: url.startsWith('/assets/') ? IMMUTABLE : url === '/index.html' ? REVALIDATE : SHORT,
    });
  }
  return assets;
}

/** br, then gzip, then identity, as the client's Accept-Encoding allows (q=0 refuses). */
function chooseEncoding(header: string | undefined, a: Asset): 'br' | 'gzip' | null {
  if (!header) return null;
  const accepted = new Set<string>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find((m) => m !== null);
    if (!q || Number(q[1]) > 0) accepted.add(name.trim());
  }
  if (a.br && (accepted.has('br') || accepted.has('*'))) return 'br';
  if (a.gzip && (accepted.has('gzip') || accepted.has('*'))) return 'gzip';
  return null;
}

function send(req: Request, res: Response, a: Asset): void {
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('Cache-Control', a.cacheControl);
  res.setHeader('ETag', a.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Content-Type', a.type);
  const inm = req.get('if-none-match');
  if (inm !== undefined && inm.split(',').some((t) => t.trim() === a.etag)) {
    res.status(304).end();
    return;
  }
  const enc = chooseEncoding(req.get('accept-encoding'), a);
  const body = enc === 'br' ? a.br : enc === 'gzip' ? a.gzip : a.body;
  if (enc) res.setHeader('Content-Encoding', enc);
  res.setHeader('Content-Length', String((body ?? a.body).length));
  if (req.method === 'HEAD') res.end();
  else res.end(body ?? a.body);
}

export interface DashboardHandler {
  handler: RequestHandler;
  /** False when the directory has no index.html (the dashboard was not built). */
  available: boolean;
  root: string;
}

/** Express middleware serving the dashboard from `root`; mount it before authentication. */
export function serveDashboard(root: string = defaultDashboardDir()): DashboardHandler {
  const assets = loadAssets(root);
  const index = assets.get('/index.html');
  const handler: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_DASHBOARD.test(req.path)) return next();
    const asset = assets.get(req.path === '/' ? '/index.html' : req.path);
    if (asset) return send(req, res, asset);
    // The dashboard's own routes have no file extension; a missing file is a 404 (answered
    // here: a page's file never needs the API token).
    const last = req.path.slice(req.path.lastIndexOf('/') + 1);
    if (last.includes('.')) {
      res.status(404).type('text/plain').setHeader('Content-Security-Policy', DASHBOARD_CSP);
      res.send('not found\n');
      return;
    }
    if (index) return send(req, res, index);
    res
      .status(503)
      .type('text/plain')
      .setHeader('Cache-Control', 'no-store')
      .send('flowmatrix: the dashboard is not built (npm run build); the API is at /api/v1\n');
  };
  return { handler, available: index !== undefined, root };
}
