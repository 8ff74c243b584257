/**
 * Network namespaces, veth pairs and traffic for live capture tests and benchmarks. Everything
 * happens between two namespaces this helper creates (never on a real NIC), with addresses from
 * 198.18.0.0/15 and 2001:db8::/32 only, and is removed by destroy() (call it from a teardown).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'fmtest-';
let counter = 0;

export function run(cmd: string, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', input, timeout: 120_000 });
}

/** Runs a command and throws with its stderr when it fails. */
export function must(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

function which(tool: string): boolean {
  return run('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Why namespaces cannot be used here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'live capture tests need root';
  if (!which('ip')) return 'ip (Debian package iproute2) is not installed';
  const probe = `${PREFIX}probe-${process.pid}`;
  const r = run('ip', ['netns', 'add', probe]);
  if (r.status !== 0) return `ip netns add does not work here: ${r.stderr.trim()}`;
  run('ip', ['netns', 'del', probe]);
  return null;
}

/** Why a tool is missing (naming its Debian package), or null. */
export function toolUnavailable(tool: 'tcpreplay' | 'trafgen' | 'setpriv'): string | null {
  const pkg = { tcpreplay: 'tcpreplay', trafgen: 'netsniff-ng', setpriv: 'util-linux' }[tool];
  return which(tool) ? null : `${tool} (Debian package ${pkg}) is not installed`;
}

/** Removes namespaces left by test processes that died without cleaning up. */
function removeStale(): void {
  const r = run('ip', ['netns', 'list']);
  for (const line of r.stdout.split('\n')) {
    const name = line.split(' ')[0];
    const m = /^fmtest-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) run('ip', ['netns', 'del', name]);
  }
}

export interface VethPair {
  /** Namespace of the capture side and its interface. */
  nsA: string;
  ifA: string;
  ifIndexA: number;
  macA: string;
  /** Namespace of the sending side and its interface. */
  nsB: string;
  ifB: string;
  ifIndexB: number;
  macB: string;
  destroy(): void;
}

interface IpLink {
  ifindex: number;
  address: string;
}

export function linkInfo(ns: string, dev: string): IpLink {
  const parsed = JSON.parse(must('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev])) as IpLink[];
  return parsed[0];
}

/**
 * Two fresh namespaces joined by a veth pair, both ends up, IPv6 off (no router solicitations
 * or DAD: the only packets on the wire are the test's own) and no addresses.
 */
export function createVethPair(): VethPair {
  // Unique names across processes too (tests run in parallel): the pid and a counter.
  const tag = `${process.pid.toString(36)}${counter.toString(36)}`.slice(-8);
  return createNamedVethPair(`fm${tag}a`, `fm${tag}b`);
}

/** Adds an 802.1Q subinterface `dev.id` in `ns`, up. Returns its name. */
export function addVlan(ns: string, dev: string, id: number): string {
  const name = `${dev.slice(0, 10)}.${id}`;
  must('ip', ['-n', ns, 'link', 'add', 'link', dev, 'name', name, 'type', 'vlan', 'id', String(id)]);
  must('ip', ['-n', ns, 'link', 'set', name, 'up']);
  return name;
}

export function setLink(ns: string, dev: string, state: 'up' | 'down'): void {
  must('ip', ['-n', ns, 'link', 'set', dev, state]);
}

/** Packets the kernel counted on an interface (rx or tx). */
export function linkCounter(ns: string, dev: string, which: 'rx_packets' | 'tx_packets'): number {
  const out = must('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/statistics/${which}`]);
  return Number(out.trim());
}

/**
 * Replays a capture file out of `dev` in `ns` with tcpreplay (as fast as it can unless `pps`).
 * Returns the packets tcpreplay says it sent.
 */
export function replay(ns: string, dev: string, pcap: string, opts: { pps?: number } = {}): number {
  const rate = opts.pps !== undefined ? [`--pps=${opts.pps}`] : ['--topspeed'];
  const out = must('ip', ['netns', 'exec', ns, 'tcpreplay', `--intf1=${dev}`, ...rate, pcap]);
  const m = /Actual:\s+(\d+)\s+packets/.exec(out);
  if (!m) throw new Error(`cannot read tcpreplay's output: ${out}`);
  return Number(m[1]);
}

export interface TrafgenOptions {
  /** Packets to send. */
  count: number;
  /** Frame length without FCS (>= 60). Default 60 (64 on the wire). */
  frameLen?: number;
  /** Distinct flows: the low byte of the source address and the source port vary (1..256). */
  flows?: number;
  /** CPU to pin trafgen to. Default 0. */
  cpu?: number;
  dstMac?: string;
  /** Packets per second (default: as fast as it can). */
  pps?: number;
}

function macBytes(mac: string): string {
  return mac
    .split(':')
    .map((b) => `0x${b}`)
    .join(', ');
}

/**
 * Sends UDP frames 198.18.0.x -> 198.19.0.1 with trafgen (netsniff-ng) out of `dev` in `ns`.
 * Returns trafgen's exit status and output.
 */
export function trafgen(ns: string, dev: string, o: TrafgenOptions): SpawnSyncReturns<string> {
  const frameLen = o.frameLen ?? 60;
  const ipLen = frameLen - 14;
  const udpLen = ipLen - 20;
  const flows = Math.max(1, Math.min(256, o.flows ?? 1));
  const varying = flows > 1 ? `dinc(0, ${flows - 1})` : '0';
  const conf = `{
  ${macBytes(o.dstMac ?? '02:00:00:00:00:02')},
  0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
  c16(0x0800),
  0x45, 0x00, c16(${ipLen}), c16(0), 0x40, 0x00, 64, 17, csumip(14, 33),
  198, 18, 0, ${varying},
  198, 19, 0, 1,
  c16(1024), c16(5001), c16(${udpLen}), c16(0),
  fill(0x61, ${udpLen - 8}),
}
`;
  const file = join(tmpdir(), `fm-trafgen-${process.pid}-${counter++}.cfg`);
  writeFileSync(file, conf);
  const rate = o.pps !== undefined ? ['--rate', `${o.pps}pps`] : [];
  return run('ip', [
    'netns',
    'exec',
    ns,
    'taskset',
    '-c',
    String(o.cpu ?? 0),
    'trafgen',
    '--dev',
    dev,
    '--conf',
    file,
    '--num',
    String(o.count),
    '--cpus',
    '1',
    '--no-cpu-stats',
    ...rate,
  ]);
}

/**
 * Like createVethPair, with the interface names chosen by the caller (for benchmarks whose
 * command lines name them, e.g. `--iface c0`): `ifA` in namespace A (capture side), `ifB` in
 * namespace B (sending side). The names only have to be unique inside their namespace.
 */
export function createNamedVethPair(ifA: string, ifB: string): VethPair {
  removeStale();
  const n = counter++;
  const nsA = `${PREFIX}${process.pid}-${n}-a`;
  const nsB = `${PREFIX}${process.pid}-${n}-b`;
  const destroy = (): void => {
    run('ip', ['netns', 'del', nsA]);
    run('ip', ['netns', 'del', nsB]);
  };
  try {
    for (const ns of [nsA, nsB]) {
      must('ip', ['netns', 'add', ns]);
      must('ip', [
        'netns',
        'exec',
        ns,
        'sysctl',
        '-qw',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1',
      ]);
      must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    // Made inside the fresh namespaces (never in the root one, which may have these names).
    must('ip', ['-n', nsB, 'link', 'add', ifB, 'type', 'veth', 'peer', 'name', ifA, 'netns', nsA]);
    must('ip', ['-n', nsA, 'link', 'set', ifA, 'up']);
    must('ip', ['-n', nsB, 'link', 'set', ifB, 'up']);
    const a = linkInfo(nsA, ifA);
    const b = linkInfo(nsB, ifB);
    return {
      nsA,
      ifA,
      ifIndexA: a.ifindex,
      macA: a.address,
      nsB,
      ifB,
      ifIndexB: b.ifindex,
      macB: b.address,
      destroy,
    };
  } catch (e) {
    destroy();
    throw e;
  }
}
