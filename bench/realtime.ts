/**
 * Live push under load: the real server (dist/main.js when built, else src through tsx) replays
 * a generated capture at ≥ 200k packets/s (--replay-speed), once without clients (baseline) and
 * once with 100 socket.io clients subscribed with different filters. Measures the server's CPU
 * share, its RSS over time, and the latency from a packet's arrival (its replay time) to the
 * client's receipt of the flow record that carries it.
 *
 *   npm run bench:realtime -- [--clients 100] [--seconds 15] [--pps 240000] [--speed 10]
 *                             [--push-rate 4] [--seed 7] [--keep] [--profile DIR]
 *
 * Latency: the server replays a packet of capture time T at wall time start + (T − T0) / speed,
 * start being when the server reported listening (the reader starts right after, so the figure
 * errs high by that gap, a few ms). An active flow record's lastSeen is its newest packet's T.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { writeCapture } from '../src/gen/index.js';
import type {
  ClientToServerEvents,
  FlowsUpdate,
  ServerToClientEvents,
} from '../src/server/realtime/events.js';

interface Args {
  clients: number;
  seconds: number;
  pps: number;
  speed: number;
  pushRate: number;
  seed: number;
  keep: boolean;
  /** Directory for a CPU profile of the server in the run with clients (--cpu-prof). */
  profile: string | null;
}

function parse(argv: string[]): Args {
  const a: Args = {
    clients: 100,
    seconds: 30,
    pps: 240_000,
    speed: 10,
    pushRate: 4,
    seed: 7,
    keep: false,
    profile: null,
  };
  const keys: Record<string, Exclude<keyof Args, 'keep' | 'profile'>> = {
    '--clients': 'clients',
    '--seconds': 'seconds',
    '--pps': 'pps',
    '--speed': 'speed',
    '--push-rate': 'pushRate',
    '--seed': 'seed',
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = Number(argv[i + 1]);
    if (k === '--keep') a.keep = true;
    else if (k === '--profile' && argv[i + 1]) a.profile = argv[++i];
    else if (keys[k] && Number.isFinite(v)) {
      a[keys[k]] = v;
      i++;
    } else {
      console.error(`bench/realtime: bad argument ${k}`);
      process.exit(2);
    }
  }
  return a;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const CLK_TCK = 100;

/** Milliseconds histogram, 1 ms buckets up to 60 s. */
class Histogram {
  private readonly buckets = new Uint32Array(60_001);
  count = 0;
  max = 0;
  add(ms: number): void {
    const b = Math.min(60_000, Math.max(0, Math.round(ms)));
    this.buckets[b]++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }
  quantile(q: number): number {
    let target = Math.ceil(q * this.count);
    for (let i = 0; i < this.buckets.length; i++) {
      target -= this.buckets[i];
      if (target <= 0) return i;
    }
    return NaN;
  }
}

/** The first packet's time of a pcap file (µs or ns magic, little-endian as our generator writes). */
function firstPacketMs(file: string): number {
  const fd = openSync(file, 'r');
  const b = Buffer.alloc(32);
  readSync(fd, b, 0, 32, 0);
  closeSync(fd);
  const magic = b.readUInt32LE(0);
  const frac = magic === 0xa1b23c4d ? 1e6 : 1e3;
  return b.readUInt32LE(24) * 1000 + b.readUInt32LE(28) / frac;
}

function procStat(pid: number): { cpuSec: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSec = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSec, rssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

interface Server {
  url: string;
  child: ChildProcess;
  listenedAt: number;
  stop(): Promise<void>;
}

function startServer(pcap: string, a: Args, profile: boolean): Promise<Server> {
  const built = existsSync(join(root, 'dist', 'main.js'));
  const args = [
    ...(profile && a.profile ? ['--cpu-prof', '--cpu-prof-dir', a.profile] : []),
    ...(built ? [join(root, 'dist', 'main.js')] : ['--import=tsx', join(root, 'src', 'main.ts')]),
    '--pcap',
    pcap,
    '--replay-speed',
    String(a.speed),
    '--port',
    '0',
    '--push-rate',
    String(a.pushRate),
    '--rate-limit',
    'off',
    '--log-level',
    'warn',
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const m = /API on (http:\/\/[^/\s]+)\/api\/v1/.exec(err);
      if (m && !err.includes('@@seen')) {
        err += '@@seen';
        resolve({
          url: m[1],
          child,
          listenedAt: Date.now(),
          stop: () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then(() => reject(new Error(`server exited: ${err}`)));
  });
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

interface CaptureBody {
  state: string;
  sources: { packets: number; state: string }[];
}

/** Filters of different kinds and cost; two clients take everything. */
function filterFor(i: number): string {
  if (i < 2) return '';
  switch (i % 8) {
    case 0:
      return `host 198.18.${i % 64}.${(i * 7) % 250}`;
    case 1:
      return `net 198.18.${i % 64}.0/24`;
    case 2:
      return `tcp port ${[443, 80, 8080, 22][i % 4]}`;
    case 3:
      return `udp and port ${[53, 443, 123][i % 3]}`;
    case 4:
      return `net 2001:db8::/32 and bytes > ${i}k`;
    case 5:
      return `(tcp or udp) and not port 443 and packets > ${i}`;
    case 6:
      return `host 198.19.0.${i % 16} or host 198.19.1.${i % 16}`;
    default:
      return `bytes > ${10 * i}k`;
  }
}

interface RunResult {
  label: string;
  seconds: number;
  packets: number;
  pps: number;
  cpuCores: number;
  cpuShare: number;
  rss: number[];
  updates: number;
  records: number;
  packetLatency: Histogram;
  sendLatency: Histogram;
  holdLatency: Histogram;
  /** Packets per second over each second of the replay (the capture's own pace). */
  rates: number[];
  /** Event-loop delay of the server's main thread, max of each second's p99 and max, ms. */
  loopP99: number;
  loopMax: number;
  /** CPU of this process (the clients), cores. */
  clientCores: number;
  drops: Record<string, number>;
  connected: number;
}

async function run(label: string, pcap: string, a: Args, clients: number): Promise<RunResult> {
  const t0 = firstPacketMs(pcap);
  const server = await startServer(pcap, a, clients > 0);
  const pid = server.child.pid as number;
  const start = server.listenedAt;
  const packetLatency = new Histogram();
  const sendLatency = new Histogram();
  const holdLatency = new Histogram();
  let updates = 0;
  let records = 0;
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  for (let i = 0; i < clients; i++) {
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    const filter = filterFor(i);
    const topics: ('flows' | 'metrics' | 'toptalkers' | 'stats')[] =
      i % 10 === 0 ? ['flows', 'metrics', 'toptalkers', 'stats'] : ['flows'];
    s.on('connect', () => s.emit('subscribe', { filter, topics }, () => {}));
    s.on('flows:update', (u: FlowsUpdate) => {
      // The snapshot after subscribe carries flows as they were, not changes: not latency.
      if (u.snapshot !== false) return;
      const now = Date.now();
      updates++;
      sendLatency.add(now - u.ingestedAt);
      holdLatency.add(u.t - u.ingestedAt);
      for (const f of u.active) {
        records++;
        packetLatency.add(now - (start + (f.lastSeen - t0) / a.speed));
      }
      records += u.ended.length;
    });
    sockets.push(s);
  }
  const rss: number[] = [];
  let loopP99 = 0;
  let loopMax = 0;
  const clientCpu = process.cpuUsage();
  const before = procStat(pid);
  const startedAt = Date.now();
  let packets: number;
  const rates: number[] = [];
  let last = { at: performance.now(), packets: 0 };
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const p = procStat(pid);
    rss.push(Math.round(p.rssMiB));
    const c = await getJson<CaptureBody>(`${server.url}/api/v1/capture`);
    const loop = (
      await getJson<{ eventLoop: { delayP99Ms: number; delayMaxMs: number } }>(
        `${server.url}/api/v1/metrics/system`,
      )
    ).eventLoop;
    loopP99 = Math.max(loopP99, loop.delayP99Ms);
    loopMax = Math.max(loopMax, loop.delayMaxMs);
    packets = c.sources.reduce((n, s) => n + s.packets, 0);
    const at = performance.now();
    if (c.sources.some((s) => s.state !== 'finished') && last.packets > 0)
      rates.push(((packets - last.packets) * 1000) / (at - last.at));
    last = { at, packets };
    if (c.sources.every((s) => s.state === 'finished') || Date.now() - startedAt > (a.seconds + 30) * 1000)
      break;
  }
  const after = procStat(pid);
  const seconds = (Date.now() - startedAt) / 1000;
  const used = process.cpuUsage(clientCpu);
  const clientCores = (used.user + used.system) / 1e6 / seconds;
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const drops: Record<string, number> = {};
  for (const m of metrics.matchAll(/flowmatrix_socket_dropped_total\{reason="([^"]+)"\} (\d+)/g))
    drops[m[1]] = Number(m[2]);
  const connected = Number(/flowmatrix_sockets_connected (\d+)/.exec(metrics)?.[1] ?? 0);
  for (const s of sockets) s.close();
  await server.stop();
  const cpuCores = (after.cpuSec - before.cpuSec) / seconds;
  return {
    label,
    seconds,
    packets,
    pps: rates.length > 0 ? [...rates].sort((x, y) => x - y)[Math.floor(rates.length / 2)] : NaN,
    cpuCores,
    cpuShare: cpuCores / availableParallelism(),
    rss,
    updates,
    records,
    packetLatency,
    sendLatency,
    holdLatency,
    rates,
    loopP99,
    loopMax,
    clientCores,
    drops,
    connected,
  };
}

function growth(rss: number[]): number {
  const half = rss.slice(Math.floor(rss.length / 2));
  if (half.length < 2) return NaN;
  return (half[half.length - 1] - half[0]) / (half.length - 1);
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const out = join(root, 'bench', 'out');
  mkdirSync(out, { recursive: true });
  const packets = Math.round(a.pps * a.seconds);
  const durationSec = Math.round(a.seconds * a.speed);
  const flows = Math.round(packets / 20);
  const pcap = join(out, `realtime-${a.seed}-${packets}-${durationSec}.pcap`);
  if (!existsSync(pcap)) {
    console.error(`generating ${packets} packets, ${flows} flows over ${durationSec} s of capture time…`);
    await writeCapture({ seed: a.seed, flows, packets, durationSec, tinyFrames: true, mix: 'simple' }, pcap);
  }
  console.error(
    `replaying at ${a.speed}× (${a.pps} packets/s target) without clients, then with ${a.clients}`,
  );
  const base = await run('no clients (baseline)', pcap, a, 0);
  const load = await run(`${a.clients} clients`, pcap, a, a.clients);
  const row = (r: RunResult): string =>
    [
      r.label,
      `${(r.pps / 1000).toFixed(0)}k`,
      `${(r.cpuShare * 100).toFixed(0)} % (${r.cpuCores.toFixed(2)} cores)`,
      `${r.rss[0]} → ${Math.max(...r.rss)} → ${r.rss.at(-1)}`,
      growth(r.rss).toFixed(1),
      r.updates,
      r.records,
      r.packetLatency.count
        ? `${r.packetLatency.quantile(0.5)} / ${r.packetLatency.quantile(0.99)} / ${Math.round(r.packetLatency.max)}`
        : '—',
      r.sendLatency.count ? `${r.sendLatency.quantile(0.5)} / ${r.sendLatency.quantile(0.99)}` : '—',
      r.holdLatency.count ? `${r.holdLatency.quantile(0.5)} / ${r.holdLatency.quantile(0.99)}` : '—',
    ].join(' | ');
  console.log(
    '| run | packets/s | server CPU | RSS MiB start → max → end | MiB/s 2nd half | updates | records | packet→client ms p50 / p99 / max | ingest→client ms p50 / p99 | of which in the server |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  console.log(`| ${row(base)} |`);
  console.log(`| ${row(load)} |`);
  console.log(`CPU with clients / baseline: ${(load.cpuCores / base.cpuCores).toFixed(2)}×`);
  for (const r of [base, load])
    console.log(
      `${r.label}: server event-loop delay p99 ≤ ${r.loopP99.toFixed(0)} ms, max ${r.loopMax.toFixed(0)} ms; ` +
        `client process ${r.clientCores.toFixed(2)} cores`,
    );
  console.log(`socket drops: ${JSON.stringify(load.drops)}; connected at the end: ${load.connected}`);
  console.log(`RSS per second (with clients): ${load.rss.join(' ')}`);
  console.log(
    JSON.stringify({
      bench: 'realtime',
      args: a,
      baseline: { pps: base.pps, cpuCores: base.cpuCores, rss: base.rss },
      load: {
        pps: load.pps,
        cpuCores: load.cpuCores,
        rss: load.rss,
        updates: load.updates,
        records: load.records,
        packetLatencyMs: {
          p50: load.packetLatency.quantile(0.5),
          p99: load.packetLatency.quantile(0.99),
          max: load.packetLatency.max,
        },
        ingestLatencyMs: { p50: load.sendLatency.quantile(0.5), p99: load.sendLatency.quantile(0.99) },
        drops: load.drops,
      },
    }),
  );
  if (!a.keep) rmSync(pcap, { force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
