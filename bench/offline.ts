/**
 * Offline throughput benchmark: generates a capture with ground truth, then times flowmatrix and,
 * in the same run, tcpdump (the libpcap read limit) and softflowd (a flow meter) on it.
 *
 *   npm run bench:offline -- [--flows 200000] [--packets 3200000] [--runs 3] [--workers N] [--keep]
 *
 * Prints a table and a JSON line; wall time, CPU and peak RSS come from GNU time (/usr/bin/time).
 * Needs `npm run build` first (it times dist/main.js, what users run).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCapture } from '../src/gen/index.js';
import { flowTableBytes } from '../src/workers/flow-table.js';

interface Args {
  flows: number;
  packets: number;
  runs: number;
  workers: number;
  keep: boolean;
  seed: number;
}

function parse(argv: string[]): Args {
  const a: Args = {
    flows: 200_000,
    packets: 3_200_000,
    runs: 3,
    workers: availableParallelism(),
    keep: false,
    seed: 42,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = Number(argv[i + 1]);
    const numeric: Record<string, 'flows' | 'packets' | 'runs' | 'workers' | 'seed'> = {
      '--flows': 'flows',
      '--packets': 'packets',
      '--runs': 'runs',
      '--workers': 'workers',
      '--seed': 'seed',
    };
    if (k === '--keep') {
      a.keep = true;
    } else if (numeric[k] && Number.isFinite(v)) {
      a[numeric[k]] = v;
      i++;
    } else {
      console.error(`bench/offline: bad argument ${k}`);
      process.exit(2);
    }
  }
  return a;
}

interface Timing {
  wall: number;
  cpu: number;
  rssKb: number;
  code: number;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

function timed(cmd: string, args: string[]): Timing {
  const res = spawnSync(GNU_TIME, ['-f', '@@%e %U %S %M %x', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const m = /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+) (-?\d+)\s*$/.exec(res.stderr ?? '');
  if (!m) throw new Error(`could not time ${cmd}: ${res.stderr}`);
  return {
    wall: Number(m[1]),
    cpu: Number(m[2]) + Number(m[3]),
    rssKb: Number(m[4]),
    code: Number(m[5]),
    stderr: res.stderr.replace(/@@.*$/, ''),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Row {
  tool: string;
  wall: number;
  cpu: number;
  rssMb: number;
  pps: number;
  note: string;
}

function bench(name: string, cmd: string, args: string[], runs: number, packets: number, note = ''): Row {
  timed(cmd, args); // warm-up
  const ts: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timed(cmd, args);
    if (t.code !== 0) throw new Error(`${name} exited ${t.code}: ${t.stderr}`);
    ts.push(t);
  }
  const wall = median(ts.map((t) => t.wall));
  return {
    tool: name,
    wall,
    cpu: median(ts.map((t) => t.cpu)),
    rssMb: median(ts.map((t) => t.rssKb)) / 1024,
    pps: packets / wall,
    note:
      note ||
      `${runs} runs, min ${Math.min(...ts.map((t) => t.wall)).toFixed(2)} s, max ${Math.max(...ts.map((t) => t.wall)).toFixed(2)} s`,
  };
}

function have(path: string): boolean {
  return existsSync(path);
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  if (!have(GNU_TIME)) {
    console.error('bench/offline: needs GNU time at /usr/bin/time (Debian package "time")');
    process.exit(2);
  }
  const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));
  if (!have(mainJs)) {
    console.error('bench/offline: run `npm run build` first');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-bench-'));
  const pcap = join(dir, 'bench.pcap');
  const one = join(dir, 'one.pcap');
  try {
    const g0 = performance.now();
    const gen = await writeCapture({ seed: a.seed, flows: a.flows, packets: a.packets, mix: 'simple' }, pcap);
    await writeCapture({ seed: a.seed, flows: 1, packets: 1, mix: 'simple' }, one);
    console.log(
      `generated ${gen.packets.toLocaleString()} packets, ${gen.flows.toLocaleString()} flows, ` +
        `${(statSync(pcap).size / 1e9).toFixed(2)} GB in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
    );
    spawnSync('cat', [pcap], { stdio: ['ignore', 'ignore', 'ignore'] }); // warm the page cache

    const packets = gen.packets;
    const rows: Row[] = [];
    const fm = (extra: string[]): string[] => [
      mainJs,
      '--pcap',
      pcap,
      '--no-server',
      '--quiet',
      '--workers',
      String(a.workers),
      ...extra,
    ];
    if (have('/usr/bin/tcpdump') || have('/usr/sbin/tcpdump')) {
      rows.push(
        bench('tcpdump -r -w /dev/null', 'tcpdump', ['-r', pcap, '-w', '/dev/null'], a.runs, packets),
      );
    }
    if (have('/usr/sbin/softflowd')) {
      rows.push(bench('softflowd -r -v 10 -a', 'softflowd', ['-r', pcap, '-v', '10', '-a'], a.runs, packets));
    }
    rows.push(
      bench(`flowmatrix (meter only, ${a.workers} workers)`, process.execPath, fm([]), a.runs, packets),
    );
    const ndjson = join(dir, 'flows.ndjson');
    rows.push(
      bench(
        `flowmatrix --out FILE (${a.workers} workers)`,
        process.execPath,
        fm(['--out', ndjson]),
        a.runs,
        packets,
      ),
    );
    rows.push(
      bench(
        'flowmatrix (meter only, 1 worker)',
        process.execPath,
        [...fm([]).slice(0, -2), '--workers', '1'],
        a.runs,
        packets,
      ),
    );

    // Memory per held flow: the same number of packets in few flows and in many, every flow
    // held to the end; see bench/held-flows.ts.
    const few = join(dir, 'few.pcap');
    await writeCapture({ seed: a.seed + 1, flows: 2000, packets: a.packets, mix: 'simple' }, few);
    const probe = (file: string): { rss: number; flows: number; rows: number } => {
      const r = spawnSync(
        process.execPath,
        [
          '--expose-gc',
          '--import=tsx',
          fileURLToPath(new URL('./held-flows.ts', import.meta.url)),
          file,
          String(a.workers),
          String(a.flows * 2),
        ],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(`held-flows probe failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
        rss: number;
        flows: number;
        rows: number;
      };
    };
    const many = probe(pcap);
    const fewer = probe(few);
    const perFlow = (many.rss - fewer.rss) / (many.rows - fewer.rows);

    const fmt = (n: number, d = 2): string => n.toFixed(d);
    const ref = (name: string): Row | undefined => rows.find((r) => r.tool.startsWith(name));
    const tcpdump = ref('tcpdump');
    const softflowd = ref('softflowd');
    console.log('\n| tool | wall s | cpu s | peak MiB | packets/s | flows/s | x tcpdump | x softflowd |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(
        `| ${r.tool} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${fmt(r.rssMb, 0)} | ${(r.pps / 1e6).toFixed(2)}M | ` +
          `${(gen.flows / r.wall / 1e3).toFixed(0)}k | ${tcpdump ? fmt(tcpdump.wall / r.wall) : '-'} | ` +
          `${softflowd ? fmt(softflowd.wall / r.wall) : '-'} |`,
      );
    }
    console.log(
      `\nheld flows: RSS ${(many.rss / 2 ** 20).toFixed(0)} MiB after holding up to ${many.rows} flows at once, ` +
        `${(fewer.rss / 2 ** 20).toFixed(0)} MiB after up to ${fewer.rows} (same packets): ${perFlow.toFixed(0)} bytes per flow held ` +
        `(flow table alone: ${(flowTableBytes(a.flows) / a.flows).toFixed(0)} bytes per slot)`,
    );
    console.log(
      JSON.stringify({
        packets,
        flows: gen.flows,
        bytesPerFlowHeld: Math.round(perFlow),
        rows,
      }),
    );
  } finally {
    if (!a.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

void main();
