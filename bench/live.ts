/**
 * Live capture benchmark: the highest packet rate flowmatrix captures and accounts in flows
 * without loss, against tcpdump (and softflowd) measured the same way in the same run.
 *
 *   sudo npm run bench:live -- [--profiles rand,flows1k] [--rates 50k,100k,200k,...,max]
 *     [--duration 3] [--capturers flowmatrix,tcpdump,softflowd] [--loss 0.1] [--no-pin]
 *     [--keep-going] [--json FILE] [--noise PCT] [--retries N] [--fm-args "--max-flows 8192"]
 *     [--node-args "--cpu-prof --cpu-prof-dir=/tmp/prof"]
 *
 * Method (as ../shared/tools/live_bench.sh, which measured the figures in issue 3): two network
 * namespaces this benchmark creates and removes, joined by a veth pair (g0 sends, c0 captures);
 * trafgen (Debian netsniff-ng) pinned to CPU 0 sends 64-byte UDP frames (addresses only from
 * 198.18.0.0/15, to a unicast MAC that is not c0's, so the capture namespace drops them right
 * after the packet taps) at rising rates; the capturer runs pinned to CPU 1. Per step:
 *   offered    = packets trafgen says it sent / trafgen's run time
 *   delivered  = rx_packets delta of c0 (what reached the packet taps), per second of
 *                trafgen's run time
 *   captured   = the capturer's own count (flowmatrix: copied into its shard rings; tcpdump:
 *                "packets captured"; softflowd: libpcap's received minus dropped)
 *   accounted  = flowmatrix only: packets in flows (end summary)
 *   loss       = 1 - accounted (flowmatrix) or captured (others) / delivered
 *   cpu %      = user+sys of the capturer's process tree during the step / trafgen's run time
 *   pkt/cpu-s  = counted packets / capturer user+sys until it has drained (the capturer's own
 *                cost per packet; the kernel's copy into the ring runs on the sending CPU)
 * Each capturer is stopped only once it has gone idle and every packet tap timeout has passed
 * (libpcap hands a partly filled TPACKET_V3 block over after 1 s), so an unread backlog never
 * counts as loss. The paced ladder stops for a capturer after two steps over the loss
 * threshold (`max` still runs);
 * fixed rates that trafgen's paced mode cannot reach (delivered < 90 % of the request) are
 * skipped up to `max` (trafgen unthrottled, TX_RING). Note that trafgen paces (-b) by the
 * second: each second's packets leave in one burst at its sendto() speed (about 0.5M/s here),
 * then it sleeps; so a paced step also tests how well the capture buffers absorb bursts of that
 * speed. `max` is steady. Run as root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNamedVethPair, linkCounter, type VethPair } from '../test/helpers/netns.js';

type Profile = 'rand' | 'flows1k';
type Rate = number | 'max';

interface Args {
  profiles: Profile[];
  rates: Rate[];
  duration: number;
  capturers: string[];
  loss: number;
  pin: boolean;
  keepGoing: boolean;
  json: string | null;
  /** A step during which other programs used more than this CPU % is run again (up to `retries`). */
  noise: number;
  retries: number;
  /** Extra flowmatrix arguments (e.g. --max-flows 8192). */
  fmArgs: string[];
  /** Node options for flowmatrix's process (e.g. --cpu-prof: a profile per thread). */
  nodeArgs: string[];
}

const USAGE = `usage: npm run bench:live -- [--profiles rand,flows1k] [--rates 50k,100k,...,max]
  [--duration SECONDS] [--capturers flowmatrix,flowmatrix@2,tcpdump,softflowd] [--loss PCT]
  [--no-pin] [--keep-going] [--json FILE] [--noise PCT] [--retries N] [--fm-args "ARGS"] [--node-args "ARGS"]
  flowmatrix@N runs flowmatrix with --workers N (N shards: the kernel fanout path).
  A step during which other programs on the machine used more than --noise % CPU (default 10)
  is run again, up to --retries times (default 1), and the quietest attempt is kept.`;

function fail(msg: string): never {
  console.error(`bench/live: ${msg}`);
  process.exit(2);
}

function parseRate(s: string): Rate {
  if (s === 'max') return 'max';
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s);
  if (!m) fail(`bad rate ${s}`);
  const mult = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

function parse(argv: string[]): Args {
  const a: Args = {
    profiles: ['rand', 'flows1k'],
    rates: [50_000, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 700_000, 'max'],
    duration: 3,
    capturers: ['flowmatrix', 'tcpdump', 'softflowd'],
    loss: 0.1,
    pin: true,
    keepGoing: false,
    json: null,
    noise: 10,
    retries: 1,
    fmArgs: [],
    nodeArgs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    const list = (): string[] => (v ?? '').split(',').filter((x) => x !== '');
    switch (k) {
      case '--profiles':
        a.profiles = list().map((p) => {
          if (p !== 'rand' && p !== 'flows1k') fail(`unknown profile ${p} (rand, flows1k)`);
          return p;
        });
        i++;
        break;
      case '--rates':
        a.rates = list().map(parseRate);
        i++;
        break;
      case '--duration':
        a.duration = Number(v);
        if (!(a.duration >= 1 && a.duration <= 60)) fail('--duration must be 1 to 60 seconds');
        i++;
        break;
      case '--capturers':
        a.capturers = list();
        for (const c of a.capturers) {
          if (!/^(flowmatrix(@\d+)?|tcpdump|softflowd)$/.test(c)) fail(`unknown capturer ${c}`);
        }
        i++;
        break;
      case '--loss':
        a.loss = Number(v);
        i++;
        break;
      case '--no-pin':
        a.pin = false;
        break;
      case '--keep-going':
        a.keepGoing = true;
        break;
      case '--json':
        a.json = v ?? fail('--json needs a file');
        i++;
        break;
      case '--noise':
        a.noise = Number(v);
        i++;
        break;
      case '--retries':
        a.retries = Number(v);
        i++;
        break;
      case '--node-args':
        a.nodeArgs = (v ?? '').split(/\s+/).filter((x) => x !== '');
        i++;
        break;
      case '--fm-args':
        a.fmArgs = (v ?? '').split(/\s+/).filter((x) => x !== '');
        i++;
        break;
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        fail(`bad argument ${k}\n${USAGE}`);
    }
  }
  return a;
}

// ------------------------------------------------------------------ processes

const children = new Set<ChildProcess>();

interface Proc {
  child: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const p: Proc = { child, out: '', err: '', exited: Promise.resolve(null) };
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (p.out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (p.err += d));
  p.exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : null));
    });
    child.on('error', () => {
      children.delete(child);
      resolve(null);
    });
  });
  return p;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits for the process to exit; escalates to SIGTERM and SIGKILL if it takes too long. */
async function reap(p: Proc, ms: number): Promise<number | null> {
  const race = (t: number): Promise<{ code: number | null } | null> =>
    Promise.race([p.exited.then((code) => ({ code })), sleep(t).then(() => null)]);
  let r = await race(ms);
  if (r) return r.code;
  p.child.kill('SIGTERM');
  r = await race(3000);
  if (r) return r.code;
  p.child.kill('SIGKILL');
  return p.exited;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

interface ProcStat {
  comm: string;
  ppid: number;
  ticks: number;
}

/** user+sys clock ticks of every process alive now. */
function processes(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let s: string;
    try {
      s = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name is in parentheses and may contain spaces: fields start after the last ')'.
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' ');
    stats.set(Number(name), {
      comm: s.slice(s.indexOf('(') + 1, close),
      ppid: Number(f[1]),
      ticks: Number(f[11]) + Number(f[12]),
    });
  }
  return stats;
}

/** `pid` and its descendants in a snapshot. */
function tree(stats: Map<number, ProcStat>, pid: number): Set<number> {
  const want = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, st] of stats) {
      if (!want.has(p) && want.has(st.ppid)) {
        want.add(p);
        grew = true;
      }
    }
  }
  return want;
}

/** user+sys clock ticks of `pid` and every descendant alive now. */
function treeTicks(pid: number, stats = processes()): number {
  let total = 0;
  for (const p of tree(stats, pid)) total += stats.get(p)?.ticks ?? 0;
  return total;
}

/**
 * CPU ticks that other programs on this machine (not the capturer, trafgen, the kernel's
 * threads or this benchmark) used between two snapshots: other work competes with the
 * generator and the capturer, and makes a step's figures worth less.
 */
function otherTicks(
  before: Map<number, ProcStat>,
  after: Map<number, ProcStat>,
  capturer: number | null,
): number {
  const ours = capturer === null ? new Set<number>() : tree(after, capturer);
  let total = 0;
  for (const [pid, st] of after) {
    if (ours.has(pid) || pid === process.pid || st.ppid === 2 || pid === 2) continue;
    if (st.comm === 'trafgen' || st.comm === 'timeout' || st.comm === 'ip') continue;
    total += st.ticks - (before.get(pid)?.ticks ?? 0);
  }
  return total;
}

// ------------------------------------------------------------------ traffic

/** trafgen configuration: 60-byte frames (64 on the wire), UDP in 198.18.0.0/15 only. */
function trafgenConfig(profile: Profile): string {
  const ip =
    profile === 'rand'
      ? 'sa[2:2]=drnd(), da[2:2]=drnd()' // 198.18.x.y -> 198.19.x.y: nearly every packet a new flow
      : 'sa[3]=drnd(0, 31), da[3]=drnd(0, 31)'; // 32 x 32 host pairs, fixed ports: 1,024 flows
  const udp = profile === 'rand' ? 'sp=drnd(), dp=drnd()' : 'sp=40000, dp=5000';
  return `{
  eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01),
  ipv4(sa=198.18.0.0, da=198.19.0.0, ttl=64, ${ip}),
  udp(${udp}),
  fill(0x00, 18)
}
`;
}

interface Sent {
  offered: number;
  delivered: number;
  seconds: number;
}

async function send(pair: VethPair, cfg: string, rate: Rate, a: Args): Promise<Sent> {
  const pin = a.pin ? ['taskset', '-c', '0'] : [];
  const base = ['-o', pair.ifB, '-i', cfg, '-P', '1', '--no-sock-mem'];
  const args =
    rate === 'max'
      ? ['-s', 'INT', String(a.duration), 'ip', 'netns', 'exec', pair.nsB, ...pin, 'trafgen', ...base]
      : [
          '-s',
          'INT',
          String(a.duration * 3 + 10),
          'ip',
          'netns',
          'exec',
          pair.nsB,
          ...pin,
          'trafgen',
          ...base,
          '-b',
          `${rate}pps`,
          '-n',
          String(Math.round(rate * a.duration)),
        ];
  const rx0 = linkCounter(pair.nsA, pair.ifA, 'rx_packets');
  const t0 = performance.now();
  const p = start('timeout', args);
  await p.exited;
  const seconds = (performance.now() - t0) / 1000;
  await sleep(300);
  const delivered = linkCounter(pair.nsA, pair.ifA, 'rx_packets') - rx0;
  const m = /(\d+) packets outgoing/.exec(p.out + p.err);
  if (!m) throw new Error(`trafgen did not report what it sent: ${(p.out + p.err).trim().slice(-400)}`);
  return { offered: Number(m[1]), delivered, seconds };
}

// ------------------------------------------------------------------ capturers

interface Counts {
  captured: number;
  accounted: number | null;
  kernelDrops: number | null;
  ringDrops: number | null;
}

interface Capturer {
  proc: Proc;
  pid: number;
  /** Collects the counts and ends the process. */
  stop(): Promise<Counts>;
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const mainJs = join(repoRoot, 'dist', 'main.js');

function num(s: string | undefined): number {
  return s === undefined ? NaN : Number(s.replace(/,/g, ''));
}

async function waitFor(p: Proc, ready: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!ready()) {
    if (p.child.exitCode !== null || performance.now() > deadline) {
      throw new Error(`${what} did not start: ${(p.err + p.out).trim().slice(-600)}`);
    }
    await sleep(50);
  }
}

async function startCapturer(name: string, pair: VethPair, dir: string, a: Args): Promise<Capturer> {
  const ns = ['netns', 'exec', pair.nsA, ...(a.pin ? ['taskset', '-c', '1'] : [])];
  const workers = /^flowmatrix@(\d+)$/.exec(name)?.[1] ?? (name === 'flowmatrix' ? '1' : null);
  if (workers !== null) {
    const p = start('ip', [
      ...ns,
      process.execPath,
      ...a.nodeArgs,
      mainJs,
      '--iface',
      pair.ifA,
      '--no-server',
      '--workers',
      workers,
      ...a.fmArgs,
    ]);
    await waitFor(p, () => /capturing on/.test(p.err), 'flowmatrix');
    return {
      proc: p,
      pid: p.child.pid ?? 0,
      async stop() {
        p.child.kill('SIGINT');
        const code = await reap(p, 20_000);
        const e = p.err;
        const captured = num(/flowmatrix: ([\d,]+) packets/.exec(e)?.[1]);
        const accounted = num(/([\d,]+) packets in flows/.exec(e)?.[1]);
        if (code !== 0 || Number.isNaN(captured) || Number.isNaN(accounted)) {
          throw new Error(`flowmatrix exited ${code}: ${e.trim().slice(-600)}`);
        }
        const drops = /drops: (.*)/.exec(e)?.[1] ?? 'none';
        return {
          captured,
          accounted,
          kernelDrops: num(/kernel ([\d,]+)/.exec(drops)?.[1] ?? '0'),
          ringDrops: num(/ring full ([\d,]+)/.exec(drops)?.[1] ?? '0'),
        };
      },
    };
  }
  if (name === 'tcpdump') {
    const p = start('ip', [...ns, 'tcpdump', '-i', pair.ifA, '-n', '-w', '/dev/null']);
    await waitFor(p, () => /listening on/.test(p.err), 'tcpdump');
    return {
      proc: p,
      pid: p.child.pid ?? 0,
      async stop() {
        p.child.kill('SIGINT');
        await reap(p, 10_000);
        const captured = num(/(\d+) packets captured/.exec(p.err)?.[1]);
        if (Number.isNaN(captured)) throw new Error(`tcpdump: ${p.err.trim().slice(-400)}`);
        return {
          captured,
          accounted: null,
          kernelDrops: num(/(\d+) packets dropped by kernel/.exec(p.err)?.[1]),
          ringDrops: null,
        };
      },
    };
  }
  // softflowd: no export target (metering only), counters over its control socket.
  const ctl = join(dir, `softflowd-${Date.now()}.ctl`);
  const p = start('ip', [...ns, 'softflowd', '-d', '-i', pair.ifA, '-v', '10', '-c', ctl]);
  await waitFor(p, () => existsSync(ctl), 'softflowd');
  await sleep(500);
  return {
    proc: p,
    pid: p.child.pid ?? 0,
    async stop() {
      const st = spawnSync('softflowctl', ['-c', ctl, 'statistics'], { encoding: 'utf8', timeout: 10_000 });
      spawnSync('softflowctl', ['-c', ctl, 'shutdown'], { encoding: 'utf8', timeout: 10_000 });
      await reap(p, 5000);
      rmSync(ctl, { force: true });
      const text = st.stdout ?? '';
      // libpcap's received count includes its drops; what reached softflowd is the difference.
      // ('Packets processed' lags: softflowd reads at most -m packets per pcap_dispatch.)
      const recv = num(/Packets received by libpcap:\s*(\d+)/.exec(text)?.[1]);
      let drops = 0;
      for (const m of text.matchAll(/Packets dropped by (?:libpcap|interface):\s*(\d+)/g))
        drops += Number(m[1]);
      if (Number.isNaN(recv)) throw new Error(`softflowctl statistics: ${text.trim().slice(-400)}`);
      return { captured: recv - drops, accounted: null, kernelDrops: drops, ringDrops: null };
    },
  };
}

/** Until the process tree has used < 2 ticks in 0.5 s (it has worked through its backlog). */
async function drain(pid: number): Promise<void> {
  let before = treeTicks(pid);
  for (let i = 0; i < 60; i++) {
    await sleep(500);
    const now = treeTicks(pid);
    if (now - before < 2) return;
    before = now;
  }
}

// ------------------------------------------------------------------ run

interface Row {
  profile: Profile;
  capturer: string;
  rate: Rate;
  offeredPps: number;
  delivered: number;
  deliveredPps: number;
  seconds: number;
  captured: number | null;
  accounted: number | null;
  kernelDrops: number | null;
  ringDrops: number | null;
  lossPct: number | null;
  cpuPct: number | null;
  pktsPerCpuSecond: number | null;
  /** CPU % (of one CPU) that other programs used during the step: noise when high. */
  otherPct: number | null;
  error?: string;
}

function counted(r: Row): number | null {
  return r.accounted ?? r.captured;
}

async function step(
  profile: Profile,
  capturer: string | null,
  rate: Rate,
  pair: VethPair,
  cfg: string,
  dir: string,
  a: Args,
): Promise<Row> {
  const row: Row = {
    profile,
    capturer: capturer ?? 'none',
    rate,
    offeredPps: 0,
    delivered: 0,
    deliveredPps: 0,
    seconds: 0,
    captured: null,
    accounted: null,
    kernelDrops: null,
    ringDrops: null,
    lossPct: null,
    cpuPct: null,
    pktsPerCpuSecond: null,
    otherPct: null,
  };
  if (capturer === null) {
    const p0 = processes();
    const s = await send(pair, cfg, rate, a);
    return {
      ...row,
      ...sentFields(s),
      otherPct: (100 * otherTicks(p0, processes(), null)) / CLK_TCK / s.seconds,
    };
  }
  const cap = await startCapturer(capturer, pair, dir, a);
  try {
    const p0 = processes();
    const c0 = treeTicks(cap.pid, p0);
    const s = await send(pair, cfg, rate, a);
    const p1 = processes();
    const c1 = treeTicks(cap.pid, p1);
    row.otherPct = (100 * otherTicks(p0, p1, cap.pid)) / CLK_TCK / s.seconds;
    const quiet = performance.now();
    await drain(cap.pid);
    const c2 = treeTicks(cap.pid);
    // libpcap hands a partly filled block over only after its 1 s timeout.
    const wait = 1500 - (performance.now() - quiet);
    if (wait > 0) await sleep(wait);
    const n = await cap.stop();
    Object.assign(row, sentFields(s), n);
    const got = counted(row) ?? 0;
    row.lossPct = s.delivered > 0 ? 100 * (1 - got / s.delivered) : null;
    row.cpuPct = (100 * (c1 - c0)) / CLK_TCK / s.seconds;
    row.pktsPerCpuSecond = c2 > c0 ? got / ((c2 - c0) / CLK_TCK) : null;
    return row;
  } catch (e) {
    cap.proc.child.kill('SIGKILL');
    await cap.proc.exited;
    return { ...row, error: e instanceof Error ? e.message : String(e) };
  }
}

function sentFields(s: Sent): Pick<Row, 'offeredPps' | 'delivered' | 'deliveredPps' | 'seconds'> {
  return {
    offeredPps: s.offered / s.seconds,
    delivered: s.delivered,
    deliveredPps: s.delivered / s.seconds,
    seconds: s.seconds,
  };
}

function fmtRate(r: Rate): string {
  return r === 'max' ? 'max' : r >= 1e6 ? `${r / 1e6}M` : `${r / 1e3}k`;
}

function k(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '-';
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`;
}

function int(n: number | null): string {
  return n === null || !Number.isFinite(n) ? '-' : Math.round(n).toLocaleString('en-US');
}

function table(rows: Row[]): string {
  const head = [
    'profile',
    'capturer',
    'rate',
    'offered/s',
    'delivered/s',
    'delivered',
    'captured',
    'accounted',
    'kernel drops',
    'ring drops',
    'loss %',
    'cpu %',
    'pkt/cpu-s',
    'other %',
  ];
  const body = rows.map((r) => [
    r.profile,
    r.capturer,
    fmtRate(r.rate),
    k(r.offeredPps),
    k(r.deliveredPps),
    int(r.delivered),
    r.error ? `error: ${r.error.split('\n')[0].slice(0, 60)}` : int(r.captured),
    int(r.accounted),
    int(r.kernelDrops),
    int(r.ringDrops),
    r.lossPct === null ? '-' : r.lossPct.toFixed(3),
    r.cpuPct === null ? '-' : r.cpuPct.toFixed(1),
    k(r.pktsPerCpuSecond),
    r.otherPct === null ? '-' : r.otherPct.toFixed(0),
  ]);
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}

function lossless(r: Row, a: Args): boolean {
  return !r.error && r.lossPct !== null && r.lossPct < a.loss;
}

/** Highest delivered rate with loss under the threshold, and that row. */
function best(rows: Row[], profile: Profile, capturer: string, a: Args): Row | null {
  let b: Row | null = null;
  for (const r of rows) {
    if (r.profile !== profile || r.capturer !== capturer || !lossless(r, a)) continue;
    if (!b || r.deliveredPps > b.deliveredPps) b = r;
  }
  return b;
}

function summary(rows: Row[], a: Args): string[] {
  const lines: string[] = [];
  for (const profile of a.profiles) {
    const alone = rows.find((r) => r.profile === profile && r.capturer === 'none');
    const tcp = best(rows, profile, 'tcpdump', a);
    const parts = a.capturers.map((c) => {
      const b = best(rows, profile, c, a);
      const ratio =
        b && tcp && c !== 'tcpdump' ? ` (${(b.deliveredPps / tcp.deliveredPps).toFixed(2)}x tcpdump)` : '';
      return `${c} ${b ? `${k(b.deliveredPps)}/s at ${fmtRate(b.rate)}` : 'none'}${ratio}`;
    });
    lines.push(
      `${profile}: highest delivered rate with < ${a.loss} % loss: ${parts.join(', ')}` +
        (alone ? `; trafgen alone delivers ${k(alone.deliveredPps)}/s` : ''),
    );
    // CPU per packet: at the highest rate step the first flowmatrix capturer (or else the first
    // capturer) ran without loss, every capturer's own CPU per packet it counted (lossy ones
    // marked: a capturer that drops does less work per delivered packet, not per counted one).
    const lead = a.capturers.find((c) => c.startsWith('flowmatrix')) ?? a.capturers[0];
    const at = a.rates
      .filter((rate) =>
        rows.some((r) => r.profile === profile && r.capturer === lead && r.rate === rate && lossless(r, a)),
      )
      .pop();
    if (at !== undefined) {
      const per = a.capturers.flatMap((c) => {
        const r = rows.find((x) => x.profile === profile && x.capturer === c && x.rate === at);
        if (!r || r.error || !r.pktsPerCpuSecond) return [];
        return [{ c, ns: 1e9 / r.pktsPerCpuSecond, loss: r.lossPct ?? 0 }];
      });
      const ref = per.find((p) => p.c === 'softflowd') ?? per.find((p) => p.c === 'tcpdump');
      lines.push(
        `${profile}: capturer CPU per counted packet at ${fmtRate(at)}: ` +
          per
            .map(
              (p) =>
                `${p.c} ${p.ns.toFixed(0)} ns` +
                (p.loss >= a.loss ? ` (loss ${p.loss.toFixed(1)} %)` : '') +
                (ref && p.c !== ref.c ? ` = ${(p.ns / ref.ns).toFixed(2)}x ${ref.c}` : ''),
            )
            .join(', '),
      );
    }
  }
  return lines;
}

function which(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  if (process.platform !== 'linux') fail('needs Linux');
  if (process.getuid?.() !== 0) fail('run as root (namespaces, veth, packet sockets)');
  for (const t of ['ip', 'trafgen', 'taskset', 'timeout']) {
    if (!which(t)) fail(`${t} is not installed (trafgen: Debian netsniff-ng; taskset: util-linux)`);
  }
  const missing = a.capturers.filter((c) => (c === 'tcpdump' || c === 'softflowd') && !which(c));
  if (missing.length) {
    console.error(`bench/live: skipping ${missing.join(', ')} (not installed)`);
    a.capturers = a.capturers.filter((c) => !missing.includes(c));
  }
  if (a.capturers.some((c) => c.startsWith('flowmatrix'))) {
    if (!existsSync(mainJs)) fail('run `npm run build` first');
    if (!existsSync(join(repoRoot, 'build', 'Release', 'flowmatrix_capture.node'))) {
      fail('the capture addon is not built: npm install (or npm run build:native)');
    }
  }
  const ncpu = Number(spawnSync('nproc', [], { encoding: 'utf8' }).stdout.trim());
  if (a.pin && ncpu < 2) fail('pinning needs 2 CPUs (use --no-pin)');

  const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-live-bench-'));
  let pair: VethPair | null = null;
  const cleanup = (): void => {
    for (const c of children) c.kill('SIGKILL');
    pair?.destroy();
    pair = null;
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      console.error(`bench/live: ${sig}, cleaning up`);
      cleanup();
      process.exit(130);
    });
  }

  const rows: Row[] = [];
  const t0 = performance.now();
  try {
    pair = createNamedVethPair('c0', 'g0');
    console.log(
      `${new Date().toISOString()} kernel ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()}, ` +
        `${ncpu} CPUs, ${a.duration} s per step, ${a.pin ? 'trafgen on CPU 0, capturer on CPU 1' : 'not pinned'}`,
    );
    for (const profile of a.profiles) {
      const cfg = join(dir, `${profile}.cfg`);
      writeFileSync(cfg, trafgenConfig(profile));
      let alone = await step(profile, null, 'max', pair, cfg, dir, a);
      for (let i = 0; i < a.retries && (alone.otherPct ?? 0) > a.noise; i++) {
        const again = await step(profile, null, 'max', pair, cfg, dir, a);
        if ((again.otherPct ?? 0) < (alone.otherPct ?? 0)) alone = again;
      }
      rows.push(alone);
      console.log(`${profile}: trafgen alone (max): ${k(alone.deliveredPps)}/s delivered`);
      for (const capturer of a.capturers) {
        let over = 0;
        let saturated = false;
        let stopped = false;
        for (const rate of a.rates) {
          // `max` always runs: paced steps are bursts (see above), so loss there does not
          // imply loss at trafgen's steady maximum.
          if ((saturated || stopped) && rate !== 'max') continue;
          let r = await step(profile, capturer, rate, pair, cfg, dir, a);
          for (let i = 0; i < a.retries && (r.otherPct ?? 0) > a.noise; i++) {
            console.log(`  (other programs used ${r.otherPct?.toFixed(0)} % CPU during the step: again)`);
            const again = await step(profile, capturer, rate, pair, cfg, dir, a);
            if ((again.otherPct ?? 0) < (r.otherPct ?? 0)) r = again;
          }
          rows.push(r);
          console.log(
            `  ${profile} ${capturer} @ ${fmtRate(rate)}: delivered ${k(r.deliveredPps)}/s, ` +
              (r.error
                ? `error: ${r.error}`
                : `loss ${r.lossPct?.toFixed(3)} %, cpu ${r.cpuPct?.toFixed(1)} %` +
                  (r.kernelDrops || r.ringDrops
                    ? `, drops kernel ${int(r.kernelDrops)} ring ${int(r.ringDrops)}`
                    : '')),
          );
          if (rate !== 'max' && r.deliveredPps < 0.9 * rate) saturated = true;
          if (lossless(r, a)) over = 0;
          else if (++over >= 2 && !a.keepGoing) stopped = true;
        }
      }
    }
  } finally {
    cleanup();
  }
  console.log('');
  console.log(table(rows));
  console.log('');
  for (const l of summary(rows, a)) console.log(l);
  console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (a.json)
    writeFileSync(a.json, JSON.stringify({ date: new Date().toISOString(), args: a, rows }, null, 2));
}

main().catch((e: unknown) => {
  console.error(`bench/live: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
