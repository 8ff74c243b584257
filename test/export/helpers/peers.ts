import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TruthRow } from '../../../src/gen/index.js';
import { readCapture } from '../../gen/helpers/capture-reader.js';
import { decodeFrame } from '../../gen/helpers/frame-decoder.js';
import { addTotals as add, directionKey, type DirectionTotals } from './directions.js';

/** Path of a command, or null when it is not installed. */
export function which(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function missing(...cmds: string[]): string | null {
  const absent = cmds.filter((c) => which(c) === null);
  return absent.length > 0 ? `${absent.join(', ')} not installed` : null;
}

/** A loopback UDP port that was free a moment ago (also free for TCP, checked by the caller's bind). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface Daemon {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `ms`). */
  stop(ms?: number): Promise<number | null>;
}

/** Starts a peer program in the background (never a shell) and keeps its output. */
export function startDaemon(cmd: string, args: string[]): Daemon {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return {
    child,
    output: () => out,
    async stop(ms = 5000): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a program to its end; returns its exit code and output. */
export async function run(
  cmd: string,
  args: string[],
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const d = startDaemon(cmd, args);
  const timer = setTimeout(() => d.child.kill('SIGKILL'), timeoutMs);
  const [code] = (await once(d.child, 'exit')) as [number | null];
  clearTimeout(timer);
  // let the pipes drain
  await sleep(20);
  return { code, output: d.output() };
}

/** Generator truth as per-direction totals (directions without packets left out). */
export function truthTotals(rows: TruthRow[]): Map<string, DirectionTotals> {
  const m = new Map<string, DirectionTotals>();
  for (const r of rows) {
    add(m, directionKey(r.proto, r.client, r.cport, r.server, r.sport), r.c2sPackets, r.c2sIpBytes);
    if (r.s2cPackets > 0)
      add(m, directionKey(r.proto, r.server, r.sport, r.client, r.cport), r.s2cPackets, r.s2cIpBytes);
  }
  return m;
}

/** nfdump's protocol names for the numbers our generator uses. */
const NFDUMP_PROTOCOLS: Record<string, number> = {
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  GRE: 47,
  ESP: 50,
  ICMP6: 58,
  OSPF: 89,
  SCTP: 132,
};

/** `nfdump -o csv` (1.7 columns: ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,…) as per-direction totals. */
export function nfdumpTotals(csv: string): {
  totals: Map<string, DirectionTotals>;
  records: number;
  unknown: string[];
} {
  const m = new Map<string, DirectionTotals>();
  const unknown: string[] = [];
  let records = 0;
  const lines = csv.split('\n');
  const header = lines[0].split(',');
  const col = (name: string): number => header.indexOf(name);
  const [sa, da, sp, dp, pr, ipkt, ibyt] = ['sa', 'da', 'sp', 'dp', 'pr', 'ipkt', 'ibyt'].map(col);
  for (const line of lines.slice(1)) {
    if (line === 'Summary') break;
    const f = line.split(',');
    if (f.length < header.length) continue;
    const name = f[pr].trim();
    const proto = NFDUMP_PROTOCOLS[name] ?? (/^\d+$/.test(name) ? Number(name) : -1);
    if (proto < 0) unknown.push(name);
    records++;
    add(m, directionKey(proto, f[sa], Number(f[sp]), f[da], Number(f[dp])), Number(f[ipkt]), Number(f[ibyt]));
  }
  return { totals: m, records, unknown };
}

/**
 * Per-direction packets and "bytes after the link header" of an Ethernet pcap: what softflowd
 * counts as octets (frame length − 14, − 4 per VLAN tag: the padding of short frames included),
 * unlike our IP bytes.
 */
export function l2PayloadTotals(path: string): Map<string, DirectionTotals> {
  const m = new Map<string, DirectionTotals>();
  for (const r of readCapture(path).records) {
    const d = decodeFrame(r.linkType, r.frame);
    const k = directionKey(d.proto, d.src, d.sport, d.dst, d.dport);
    const bytes = r.origLen - 14 - 4 * d.layers.filter((l) => l === 'vlan').length;
    const t = m.get(k);
    if (t) {
      t.packets++;
      t.bytes += bytes;
    } else m.set(k, { records: 1, packets: 1, bytes });
  }
  return m;
}
