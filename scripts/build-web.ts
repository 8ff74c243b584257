/**
 * Builds the dashboard (web/) into dist/public: one bundled, minified script and one style
 * sheet with content hashes in their names (cached for a year by the server), index.html
 * pointing at them (no inline script or style: the Content-Security-Policy forbids both),
 * static files copied, and a .br and a .gz twin of every text file for the server to send as
 * they are. Everything is local: no CDN, works offline.
 *
 *   node --import=tsx scripts/build-web.ts [--out DIR] [--no-minify]
 */
import { build, type Metafile } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { walk } from '../src/server/static.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.map', '.svg', '.json', '.txt']);
/** Files copied as they are (not hashed: short cache). */
const STATIC_FILES = ['favicon.svg'];

interface BuildOptions {
  out: string;
  minify: boolean;
  /** Print the one-line summary (default true). */
  log?: boolean;
}

function parseOptions(argv: string[]): BuildOptions {
  const o: BuildOptions = { out: join(root, 'dist', 'public'), minify: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) o.out = resolve(argv[++i]);
    else if (argv[i] === '--no-minify') o.minify = false;
    else throw new Error(`build-web: unknown argument ${argv[i]}`);
  }
  return o;
}

/** The hashed script and style sheet of the entry point, as URLs from the site root. */
function entryOutputs(meta: Metafile, out: string): { js: string; css: string } {
  for (const [file, o] of Object.entries(meta.outputs)) {
    if (o.entryPoint === undefined || !file.endsWith('.js')) continue;
    if (!o.cssBundle) throw new Error('build-web: the entry point produced no style sheet');
    const url = (f: string): string => '/' + relative(out, resolve(root, f)).split('\\').join('/');
    return { js: url(file), css: url(o.cssBundle) };
  }
  throw new Error('build-web: no entry point output');
}

function precompress(dir: string): { files: number; bytes: number; br: number } {
  let n = 0;
  let bytes = 0;
  let br = 0;
  for (const f of walk(dir)) {
    if (!COMPRESSIBLE.has(extname(f))) continue;
    const body = readFileSync(f);
    const b = brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    writeFileSync(`${f}.br`, b);
    writeFileSync(`${f}.gz`, gzipSync(body, { level: 9 }));
    n++;
    if (!f.endsWith('.map')) {
      bytes += body.length;
      br += b.length;
    }
  }
  return { files: n, bytes, br };
}

export async function buildWeb(o: BuildOptions): Promise<void> {
  rmSync(o.out, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(web, 'main.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: o.minify,
    sourcemap: 'linked',
    outdir: join(o.out, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'linked',
    logLevel: 'warning',
    tsconfig: join(web, 'tsconfig.json'),
  });
  const { js, css } = entryOutputs(result.metafile, o.out);
  const html = readFileSync(join(web, 'index.html'), 'utf8')
    .replace('%APP_CSS%', css)
    .replace('%APP_JS%', js);
  if (html.includes('%APP_')) throw new Error('build-web: index.html placeholder left');
  writeFileSync(join(o.out, 'index.html'), html);
  for (const f of STATIC_FILES) copyFileSync(join(web, f), join(o.out, basename(f)));
  const c = precompress(o.out);
  if (o.log === false) return;
  process.stdout.write(
    `build-web: ${relative(root, o.out) || o.out}: ${js}, ${css}; ` +
      `${(c.bytes / 1024).toFixed(0)} KiB (${(c.br / 1024).toFixed(0)} KiB brotli) without source maps\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb(parseOptions(process.argv.slice(2))).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
