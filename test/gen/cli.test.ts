import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTruthCsv } from '../../src/gen/index.js';
import { readCapture } from './helpers/capture-reader.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function gen(args: string[]): { code: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, ['--import=tsx', join(repo, 'src/gen/cli.ts'), ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout };
}

t.test('bad flags: one line on stderr, exit status 2', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'x.pcap');
  const cases: [string[], RegExp][] = [
    [['--flows', '10'], /--out FILE is required/],
    [['--out', out, '--flows', 'ten'], /--flows must be a whole number/],
    [['--out', out, '--bogus'], /Unknown option '--bogus'/],
    [['--out', out, '--format', 'erf'], /--format must be one of pcap, pcapng/],
    [['--out', out, '--link', 'ppp'], /--link must be one of ethernet, raw, sll, sll2/],
    [['--out', out, '--out-of-order', '2'], /--out-of-order must be a number from 0 to 1/],
    [['--out', out, '--interfaces', 'raw:ns'], /several interfaces need format pcapng/],
    [['--out', out, '--start', 'yesterday'], /--start must be an ISO 8601 time or epoch ms/],
    [['--out', out, '--ts', 'ms'], /ms needs pcapng/],
  ];
  for (const [args, re] of cases) {
    const r = gen(args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, re);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  const r = gen(['--out', join(dir, 'missing-dir', 'x.pcap')]);
  t.not(r.code, 0);
  t.match(r.stderr, /^gen: cannot write .*x\.pcap/);
});

t.test('writes a pcapng with several interfaces and its truth', async (t) => {
  const dir = t.testdir();
  const r = gen([
    '--flows',
    '200',
    '--packets',
    '3000',
    '--seed',
    'abc',
    '--format',
    'pcapng',
    '--interfaces',
    'ethernet:us,raw:ns',
    '--start',
    '2024-05-01T12:00:00Z',
    '--out',
    join(dir, 'x.pcapng'),
    '--truth',
    join(dir, 'x.csv'),
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /^gen: \d+ packets, 200 flows/);
  t.ok(existsSync(join(dir, 'x.pcapng')));
  const cap = readCapture(join(dir, 'x.pcapng'));
  t.same(
    cap.interfaces.map((i) => [i.linkType, i.tsresol]),
    [
      [1, 6],
      [101, 9],
    ],
  );
  const rows = parseTruthCsv(readFileSync(join(dir, 'x.csv'), 'utf8'));
  t.equal(rows.length, 200);
  t.equal(
    rows.reduce((s, x) => s + x.c2sPackets + x.s2cPackets, 0),
    cap.records.length,
  );
  t.ok(rows.every((x) => Number(x.first) >= Date.parse('2024-05-01T12:00:00Z') / 1000));
  t.equal(gen(['--help']).code, 0);
});
